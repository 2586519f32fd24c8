package io.shawarma.jmh;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * UDFs with small args and results over a large vector value (float64s), for the scheduler benchmark's large-value
 * workload: {@code vget} reads one element, {@code vset} writes one.
 */
final class VectorUdfs
{
    private VectorUdfs()
    {
    }

    /** {@code vget}: args int32 index; result the float64 at that index. Read only. */
    public static final class Get implements Udf
    {
        /** Name callers use. */
        public static final String NAME = "vget";

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
            final int offset = offsetOf(vertex, args);
            if (offset < 0)
            {
                return Udf.fail(Status.UDF_FAILED);
            }
            result.putDouble(0, vertex.value().getDouble(offset, LITTLE_ENDIAN), LITTLE_ENDIAN);
            return Double.BYTES;
        }
    }

    /** {@code vset}: args int32 index + float64 value; result empty. Writes (no merge: EXCLUSIVE if lent). */
    public static final class Set implements Udf
    {
        /** Name callers use. */
        public static final String NAME = "vset";

        public String name()
        {
            return NAME;
        }

        public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
        {
            final int offset = offsetOf(vertex, args);
            if (offset < 0 || args.capacity() < Integer.BYTES + Double.BYTES)
            {
                return Udf.fail(Status.UDF_FAILED);
            }
            vertex.edit().putDouble(offset, args.getDouble(Integer.BYTES, LITTLE_ENDIAN), LITTLE_ENDIAN);
            vertex.update(vertex.length());
            return 0;
        }
    }

    private static int offsetOf(final Vertex vertex, final DirectBuffer args)
    {
        if (args.capacity() < Integer.BYTES)
        {
            return -1;
        }
        final int index = args.getInt(0, LITTLE_ENDIAN);
        return index >= 0 && index < vertex.length() / Double.BYTES ? index * Double.BYTES : -1;
    }
}
