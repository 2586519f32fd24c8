package io.shawarma.fabric.crdt;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code pncounter}: a counter that goes up and down, held and merged by many workers. The value is two
 * {@link ReplicaCounts} tables, increments then decrements ({@value #VALUE_BYTES} bytes); args are an int64 delta
 * of either sign, or empty to read; the result is the int64 total (increments minus decrements).
 */
public final class PnCounterUdf implements Udf
{
    /** Name callers use. */
    public static final String NAME = "pncounter";
    /** Bytes of the value. */
    public static final int VALUE_BYTES = 2 * ReplicaCounts.BYTES;

    private static final int DECREMENTS = ReplicaCounts.BYTES;

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
            final long delta = args.getLong(0, LITTLE_ENDIAN);
            if (Long.MIN_VALUE == delta)
            {
                return Udf.fail(Status.UDF_FAILED);
            }
            FixedSize.ensure(vertex, VALUE_BYTES);
            final int table = delta >= 0 ? 0 : DECREMENTS;
            if (!ReplicaCounts.add(vertex.value(), table, vertex.replicaId(), Math.abs(delta)))
            {
                return Udf.fail(Status.UDF_FAILED);
            }
            vertex.update(VALUE_BYTES);
        }
        result.putLong(0, total(vertex), LITTLE_ENDIAN);
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
            ReplicaCounts.merge(into.value(), DECREMENTS, from, DECREMENTS);
            into.update(VALUE_BYTES);
        }
    }

    private static long total(final Vertex vertex)
    {
        if (vertex.length() < VALUE_BYTES)
        {
            return 0;
        }
        return ReplicaCounts.total(vertex.value(), 0) - ReplicaCounts.total(vertex.value(), DECREMENTS);
    }
}
