package io.shawarma.fabric;

import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;

import static io.shawarma.fabric.TestFabric.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The network fault tests' workload and checker: one fresh counter per call, each call adds 1 to its own counter,
 * so that afterwards each call can be judged alone: completed with the right result (and applied exactly once) or
 * ended in TIMEOUT (and applied at most once). The last {@code partitionCalls} counters belong to one worker, to be
 * called while it is cut off.
 */
final class OneShotCounters
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final long FIRST_VERTEX = 1_000_000;

    private final long[] vertices;
    private final Status[] outcomes;
    private final int lossyCalls;
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[Long.BYTES]);

    /**
     * @param placement       of the fabric.
     * @param lossyCalls      calls made over the impaired network.
     * @param partitionCalls  calls made to {@code partitionedWorker} while it is cut off.
     * @param partitionedWorker owner of the partition calls' counters.
     */
    OneShotCounters(
        final Placement placement, final int lossyCalls, final int partitionCalls, final int partitionedWorker)
    {
        this.lossyCalls = lossyCalls;
        vertices = new long[lossyCalls + partitionCalls];
        outcomes = new Status[vertices.length];
        long next = FIRST_VERTEX;
        for (int i = 0; i < vertices.length; i++)
        {
            while (i >= lossyCalls && placement.ownerOf(next) != partitionedWorker)
            {
                next++;
            }
            vertices[i] = next++;
        }
    }

    /**
     * Creates every counter at 0. Put is idempotent (it replaces the value), so a timed-out put is simply sent again
     * until acknowledged.
     */
    void create(final FabricClient client)
    {
        for (final long vertexId : vertices)
        {
            Status put;
            int tries = 0;
            while (Status.OK != (put = client.put(vertexId, int64(0), 0, Long.BYTES)))
            {
                assertEquals(Status.TIMEOUT, put);
                assertTrue(++tries < 10, "put never acknowledged");
            }
        }
    }

    /**
     * Makes the lossy phase's calls: even ones straight at the owner, odd ones through worker 1, which forwards them
     * across the impaired network.
     */
    void callOverLossyNetwork(final FabricClient client)
    {
        for (int i = 0; i < lossyCalls; i++)
        {
            addOne(client, i, i % 2 == 0);
        }
    }

    /**
     * Makes the partition phase's calls through worker 1: each must time out.
     */
    void callAcrossPartition(final FabricClient client)
    {
        for (int i = lossyCalls; i < vertices.length; i++)
        {
            assertEquals(Status.TIMEOUT, addOne(client, i, false), "call " + i + " across the partition");
        }
    }

    /**
     * On the healed network: a completed call was applied exactly once, a timed-out one at most once (it may have
     * run late, once its retransmitted datagrams got through). Most lossy-phase calls must have completed. The
     * network may still be lossy.
     *
     * @return a one-line summary.
     */
    String check(final FabricClient client)
    {
        int completed = 0;
        int timedOutApplied = 0;
        for (int i = 0; i < vertices.length; i++)
        {
            read(client, vertices[i]);
            final long applied = value.getLong(0, LITTLE_ENDIAN);
            if (Status.OK == outcomes[i])
            {
                completed++;
                assertEquals(1, applied, "completed call " + i + " applied once");
            }
            else
            {
                assertTrue(applied == 0 || applied == 1, "timed-out call " + i + " applied " + applied + " times");
                timedOutApplied += (int)applied;
            }
        }
        assertTrue(completed > lossyCalls / 2, "most calls complete despite the loss: " + completed);
        return completed + " of " + vertices.length + " calls completed, " + (vertices.length - completed) +
            " timed out (" + timedOutApplied + " of those ran late)";
    }

    /**
     * Reads a counter; a get is read-only, so a timed-out one is simply sent again.
     */
    private void read(final FabricClient client, final long vertexId)
    {
        Status get;
        int tries = 0;
        while (Status.OK != (get = client.get(vertexId, value)))
        {
            assertEquals(Status.TIMEOUT, get);
            assertTrue(++tries < 10, "get of " + vertexId + " never answered");
        }
    }

    private Status addOne(final FabricClient client, final int call, final boolean direct)
    {
        final long vertexId = vertices[call];
        final UnsafeBuffer result = new UnsafeBuffer(new byte[Long.BYTES]);
        final Status status = direct ?
            client.invoke(vertexId, ADD, int64(1), 0, Long.BYTES, result) :
            client.invokeVia(1, vertexId, ADD, int64(1), 0, Long.BYTES, result);
        assertTrue(Status.OK == status || Status.TIMEOUT == status, vertexId + ": " + status);
        if (Status.OK == status)
        {
            assertEquals(1, result.getLong(0, LITTLE_ENDIAN), vertexId + " answered the right total");
        }
        outcomes[call] = status;
        return status;
    }
}
