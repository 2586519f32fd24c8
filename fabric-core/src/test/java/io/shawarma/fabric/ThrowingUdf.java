package io.shawarma.fabric;

import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A UDF that always throws after changing the vertex, to prove the change is not stored.
 */
public final class ThrowingUdf implements Udf
{
    public static final String NAME = "test-throw";

    public String name()
    {
        return NAME;
    }

    public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
    {
        vertex.newValue().putLong(0, -1);
        vertex.update(Long.BYTES);
        throw new IllegalStateException("thrown on purpose by a test UDF");
    }
}
