package io.shawarma.fabric.crdt;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code gcounter}: a grow-only counter that many workers may hold at once and merge. The value is a
 * {@link ReplicaCounts} table ({@value ReplicaCounts#BYTES} bytes); args are an int64 increment {@code >= 0}, or
 * empty to read; the result is the int64 total. A negative increment, or a 17th distinct replica, fails.
 */
public final class GCounterUdf implements Udf
{
    /** Name callers use. */
    public static final String NAME = "gcounter";
    /** Bytes of the value. */
    public static final int VALUE_BYTES = ReplicaCounts.BYTES;

    public String name()
    {
        return NAME;
    }

    public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
    {
        final int argsLength = args.capacity();
        if (0 != argsLength && Long.BYTES != argsLength)
        {
            return Udf.fail(Status.UDF_FAILED);
        }
        if (Long.BYTES == argsLength)
        {
            final long increment = args.getLong(0, LITTLE_ENDIAN);
            if (increment < 0)
            {
                return Udf.fail(Status.UDF_FAILED);
            }
            FixedSize.ensure(vertex, VALUE_BYTES);
            if (!ReplicaCounts.add(vertex.value(), 0, vertex.replicaId(), increment))
            {
                return Udf.fail(Status.UDF_FAILED);
            }
            vertex.update(VALUE_BYTES);
        }
        result.putLong(0, vertex.length() < VALUE_BYTES ? 0 : ReplicaCounts.total(vertex.value(), 0), LITTLE_ENDIAN);
        return Long.BYTES;
    }

    public boolean isMergeable()
    {
        return true;
    }

    public void merge(final Vertex into, final DirectBuffer from)
    {
        if (from.capacity() >= VALUE_BYTES)
        {
            FixedSize.ensure(into, VALUE_BYTES);
            ReplicaCounts.merge(into.value(), 0, from, 0);
            into.update(VALUE_BYTES);
        }
    }
}
