package com.example;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code mean}: the running mean of the samples sent to a vertex. The value is an int64 count and a float64 sum
 * (empty: no samples yet); the args are one float64 sample; the result is the mean so far, as a float64.
 * <p>
 * Listed in {@code META-INF/services/io.shawarma.udf.Udf}, so that a worker with this jar on its classpath finds it.
 */
public final class MeanUdf implements Udf
{
    private static final int COUNT_OFFSET = 0;
    private static final int SUM_OFFSET = COUNT_OFFSET + Long.BYTES;
    private static final int VALUE_LENGTH = SUM_OFFSET + Double.BYTES;

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "mean";
    }

    /**
     * {@inheritDoc}
     */
    public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
    {
        if (args.capacity() != Double.BYTES)
        {
            return Udf.fail(Status.UDF_FAILED);
        }

        // The stored bytes, read in place: never written, never kept after compute returns.
        final DirectBuffer value = vertex.value();
        final boolean empty = vertex.length() < VALUE_LENGTH;
        final long count = (empty ? 0 : value.getLong(COUNT_OFFSET, LITTLE_ENDIAN)) + 1;
        final double sum = (empty ? 0 : value.getDouble(SUM_OFFSET, LITTLE_ENDIAN)) + args.getDouble(0, LITTLE_ENDIAN);

        final MutableDirectBuffer next = vertex.newValue();
        next.putLong(COUNT_OFFSET, count, LITTLE_ENDIAN);
        next.putDouble(SUM_OFFSET, sum, LITTLE_ENDIAN);
        // Without update() the stored value stays as it was.
        vertex.update(VALUE_LENGTH);

        result.putDouble(0, sum / count, LITTLE_ENDIAN);
        return Double.BYTES;
    }
}
