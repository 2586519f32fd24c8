package io.shawarma.fabric.udf;

import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * {@code read}: returns the vertex's value unchanged; ignores its args.
 */
public final class ReadUdf implements Udf
{
    /** Name callers use. */
    public static final String NAME = "read";

    public String name()
    {
        return NAME;
    }

    public boolean isReadOnly()
    {
        return true;
    }

    public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
    {
        final int length = vertex.length();
        result.putBytes(0, vertex.value(), 0, length);
        return length;
    }
}
