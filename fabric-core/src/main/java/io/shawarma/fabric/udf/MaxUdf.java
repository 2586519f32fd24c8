package io.shawarma.fabric.udf;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code max}: a max-register of int64. Keeps the larger of the value and the args; the result is the value after
 * the call. Mergeable: merging two copies keeps the larger.
 */
public final class MaxUdf implements Udf
{
    /** Name callers use. */
    public static final String NAME = "max";

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
        final long max = keepMax(vertex, args.getLong(0, LITTLE_ENDIAN));
        result.putLong(0, max, LITTLE_ENDIAN);
        return Long.BYTES;
    }

    public boolean isMergeable()
    {
        return true;
    }

    public void merge(final Vertex into, final DirectBuffer from)
    {
        if (from.capacity() >= Long.BYTES)
        {
            keepMax(into, from.getLong(0, LITTLE_ENDIAN));
        }
    }

    private static long keepMax(final Vertex vertex, final long candidate)
    {
        final DirectBuffer value = vertex.value();
        if (vertex.length() >= Long.BYTES && value.getLong(0, LITTLE_ENDIAN) >= candidate)
        {
            return value.getLong(0, LITTLE_ENDIAN);
        }
        vertex.newValue().putLong(0, candidate, LITTLE_ENDIAN);
        vertex.update(Long.BYTES);
        return candidate;
    }
}
