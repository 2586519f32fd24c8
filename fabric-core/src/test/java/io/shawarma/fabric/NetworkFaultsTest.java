package io.shawarma.fabric;

import io.shawarma.fabric.ImpairedUdpRelay.Impairment;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.shawarma.fabric.TestFabric.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two workers and a client over loopback UDP where every worker-bound datagram (calls, forwarded calls, relayed
 * results, Aeron's status messages and NAKs) crosses a relay that loses 5 %, duplicates 2 % and delays and reorders
 * them. Each call adds 1 to its own fresh counter, so the checker can tell, per call, that it completed with the
 * right result or ended in TIMEOUT, and that nothing was applied twice. A short partition of one worker makes calls
 * time out for certain; healing it lets their retransmitted datagrams through, so they may run late, but once.
 */
class NetworkFaultsTest
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int CALLS = 200;
    private static final int PARTITION_CALLS = 3;
    private static final long CALL_TIMEOUT_NS = 1_000_000_000L;
    private static final Impairment PARTITIONED = new Impairment(1, 0, 0, 0);
    private static final long FIRST_VERTEX = 1_000_000;
    private static final Impairment LOSSY = new Impairment(
        0.05, 0.02, TimeUnit.MICROSECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(2));

    @Test
    void shouldCompleteOrTimeOutAndApplyNothingTwiceUnderLossDuplicationReorderingAndPartition()
    {
        final List<ImpairedUdpRelay> relays = new ArrayList<>();
        final List<Worker> workers = new ArrayList<>();
        try
        {
            final int[] ports = {LoopbackPorts.freeUdpPort(), LoopbackPorts.freeUdpPort()};
            final StringBuilder members = new StringBuilder();
            for (int i = 0; i < ports.length; i++)
            {
                final ImpairedUdpRelay relay = new ImpairedUdpRelay(
                    new InetSocketAddress("127.0.0.1", ports[i]), LOSSY, 42 + i);
                relays.add(relay);
                members.append(i == 0 ? "" : ",").append(i + 1).append("@aeron:udp?endpoint=127.0.0.1:")
                    .append(relay.port());
            }
            for (int i = 0; i < ports.length; i++)
            {
                workers.add(Worker.launch(new Worker.Context().workerId(i + 1).fabric(members.toString())
                    .channel("aeron:udp?endpoint=127.0.0.1:" + ports[i]).idleStrategy(TestFabric.IDLE)
                    .storeEntries(10_000).callTimeoutNs(CALL_TIMEOUT_NS).heartbeatIntervalNs(100_000_000L)));
            }
            try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(members.toString())
                .idleStrategy(TestFabric.IDLE).callTimeoutNs(CALL_TIMEOUT_NS)))
            {
                final long[] vertices = vertices(new Placement(FabricMembers.parse(members.toString(), "members"), 1));
                createCounters(client, vertices);
                final Status[] outcomes = new Status[vertices.length];
                for (int i = 0; i < CALLS; i++)
                {
                    outcomes[i] = addOne(client, vertices[i], i % 2 == 0);
                }
                // Worker 2 cut off: its calls cannot complete in time (or at all, if the link stayed down).
                relays.get(1).impairment(PARTITIONED);
                for (int i = CALLS; i < vertices.length; i++)
                {
                    outcomes[i] = addOne(client, vertices[i], false);
                    assertEquals(Status.TIMEOUT, outcomes[i], "call " + i + " across the partition");
                }
                for (final ImpairedUdpRelay relay : relays)
                {
                    relay.impairment(Impairment.NONE);
                }
                check(client, vertices, outcomes);
                assertTrue(relays.get(0).dropped.get() + relays.get(1).dropped.get() > 0, "the relays lost packets");
                assertTrue(relays.get(0).duplicated.get() + relays.get(1).duplicated.get() > 0, "and duplicated some");
                for (final ImpairedUdpRelay relay : relays)
                {
                    System.out.printf("relay %d: forwarded %d, dropped %d, duplicated %d datagrams%n",
                        relay.port(), relay.forwarded.get(), relay.dropped.get(), relay.duplicated.get());
                }
            }
        }
        finally
        {
            CloseHelper.closeAll(workers);
            CloseHelper.closeAll(relays);
        }
    }

    /**
     * @return the lossy phase's counters, then {@link #PARTITION_CALLS} owned by worker 2 for the partition.
     */
    private static long[] vertices(final Placement placement)
    {
        final long[] vertices = new long[CALLS + PARTITION_CALLS];
        long next = FIRST_VERTEX;
        for (int i = 0; i < vertices.length; i++)
        {
            while (i >= CALLS && placement.ownerOf(next) != 2)
            {
                next++;
            }
            vertices[i] = next++;
        }
        return vertices;
    }

    /**
     * Put is idempotent (it replaces the value), so a timed-out put is simply sent again until acknowledged.
     */
    private static void createCounters(final FabricClient client, final long[] vertices)
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
     * Adds 1 to a counter, straight at the owner or through worker 1 (which forwards it across the lossy link).
     */
    private static Status addOne(final FabricClient client, final long vertexId, final boolean direct)
    {
        final UnsafeBuffer result = new UnsafeBuffer(new byte[Long.BYTES]);
        final Status status = direct ?
            client.invoke(vertexId, ADD, int64(1), 0, Long.BYTES, result) :
            client.invokeVia(1, vertexId, ADD, int64(1), 0, Long.BYTES, result);
        assertTrue(Status.OK == status || Status.TIMEOUT == status, vertexId + ": " + status);
        if (Status.OK == status)
        {
            assertEquals(1, result.getLong(0, LITTLE_ENDIAN), vertexId + " answered the right total");
        }
        return status;
    }

    /**
     * On the healed network: a completed call was applied exactly once, a timed-out one at most once (it may have
     * run late, once its retransmitted datagrams got through).
     */
    private static void check(final FabricClient client, final long[] vertices, final Status[] outcomes)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[Long.BYTES]);
        int completed = 0;
        int timedOutApplied = 0;
        for (int i = 0; i < vertices.length; i++)
        {
            assertEquals(Status.OK, client.get(vertices[i], value));
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
        System.out.printf("network faults: %d of %d calls completed, %d timed out (%d of those ran late)%n",
            completed, vertices.length, vertices.length - completed, timedOutApplied);
        assertTrue(completed > CALLS / 2, "most calls complete despite the loss: " + completed);
    }
}
