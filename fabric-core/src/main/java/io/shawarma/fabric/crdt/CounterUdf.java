package io.shawarma.fabric.crdt;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A counter made of {@link ReplicaCounts} tables, held and merged by many workers: the G-counter has one table
 * (increments), the PN-counter two (increments, then decrements). Args are an int64 delta, or empty to read; the
 * result is the int64 total (increments minus decrements).
 */
abstract class CounterUdf implements Udf
{
    private final String name;
    private final int tables;

    CounterUdf(final String name, final int tables)
    {
        this.name = name;
        this.tables = tables;
    }

    public String name()
    {
        return name;
    }

    /**
     * @return true when this counter accepts the delta.
     */
    abstract boolean accepts(long delta);

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
            if (!accepts(delta))
            {
                return Udf.fail(Status.UDF_FAILED);
            }
            FixedSize.ensure(vertex, valueBytes());
            final int table = delta >= 0 ? 0 : ReplicaCounts.BYTES;
            if (!ReplicaCounts.add(vertex.edit(), table, vertex.replicaId(), Math.abs(delta)))
            {
                return Udf.fail(Status.UDF_FAILED);
            }
            vertex.update(valueBytes());
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
        if (from.capacity() >= valueBytes())
        {
            FixedSize.ensure(into, valueBytes());
            for (int table = 0; table < tables; table++)
            {
                ReplicaCounts.merge(into.edit(), table * ReplicaCounts.BYTES, from, table * ReplicaCounts.BYTES);
            }
            into.update(valueBytes());
        }
    }

    private int valueBytes()
    {
        return tables * ReplicaCounts.BYTES;
    }

    private long total(final Vertex vertex)
    {
        if (vertex.length() < valueBytes())
        {
            return 0;
        }
        long total = ReplicaCounts.total(vertex.value(), 0);
        if (tables > 1)
        {
            total -= ReplicaCounts.total(vertex.value(), ReplicaCounts.BYTES);
        }
        return total;
    }
}
