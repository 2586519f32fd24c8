package io.shawarma.fabric.graph;

import io.shawarma.fabric.FabricClient;
import io.shawarma.udf.Status;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Puts a job's results into a running fabric: the vertex of each graph vertex's id gets the result's 64-bit word,
 * 8 bytes little-endian, so a client or {@code scripts/shawarma call} reads it with the {@code read} UDF. The client
 * reads the fabric's settings (its secret file, channels) from the {@code shawarma.*} properties like any other.
 */
final class FabricResults
{
    /** A put answered BACK_PRESSURED or TIMEOUT is tried again (a put of the whole value is safe twice). */
    private static final int ATTEMPTS = 5;

    private FabricResults()
    {
    }

    /**
     * @param fabric the fabric's workers, e.g. {@code 1@aeron:udp?endpoint=127.0.0.1:20001,2@...}.
     * @param ids    vertex ids.
     * @param values their results.
     * @throws IllegalStateException naming the vertex and status when a put is refused, and how many went in.
     */
    static void put(final String fabric, final long[] ids, final long[] values)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[Long.BYTES]);
        try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric)))
        {
            for (int i = 0; i < ids.length; i++)
            {
                value.putLong(0, values[i], LITTLE_ENDIAN);
                Status status = client.put(ids[i], value, 0, Long.BYTES);
                for (int attempt = 1; attempt < ATTEMPTS && isTransient(status); attempt++)
                {
                    status = client.put(ids[i], value, 0, Long.BYTES);
                }
                if (Status.OK != status)
                {
                    throw new IllegalStateException("--into " + fabric + ": vertex " + ids[i] + " answered " +
                        status + " after " + i + " of " + ids.length + " results went in");
                }
            }
        }
    }

    private static boolean isTransient(final Status status)
    {
        return Status.BACK_PRESSURED == status || Status.TIMEOUT == status;
    }
}
