package io.shawarma.fabric.udf;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code add}: a 64-bit counter. The value is a little-endian int64 (an empty value counts as 0); args are the
 * int64 to add; the result is the new total. Args shorter than 8 bytes fail with UDF_FAILED.
 */
public final class AddUdf implements Udf
{
    /** Name callers use. */
    public static final String NAME = "add";

    public String name()
    {
        return NAME;
    }

    public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
    {
        if (args.capacity() < Long.BYTES)
        {
            return Udf.fail(Status.UDF_FAILED);
        }
        final long current = vertex.length() >= Long.BYTES ? vertex.value().getLong(0, LITTLE_ENDIAN) : 0;
        final long total = current + args.getLong(0, LITTLE_ENDIAN);
        vertex.newValue().putLong(0, total, LITTLE_ENDIAN);
        vertex.update(Long.BYTES);
        result.putLong(0, total, LITTLE_ENDIAN);
        return Long.BYTES;
    }
}
