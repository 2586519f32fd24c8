package io.shawarma.fabric;

import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.udf.Status;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * In-process workers on loopback UDP with free ports and a sleeping-friendly idle strategy, for tests.
 */
final class TestFabric implements AutoCloseable
{
    static final String IDLE = "backoff";

    final String members;
    final List<Worker> workers = new ArrayList<>();
    private final String secretFile;
    private final UnaryOperator<Worker.Context> customise;

    /**
     * @param workerCount number of workers, ids 1..n.
     * @param invokerDriven ids of workers driven by the test through their AgentInvoker (no thread of their own).
     */
    TestFabric(final int workerCount, final int... invokerDriven)
    {
        this(workerCount, null, context -> context, invokerDriven);
    }

    /**
     * @param workerCount   number of workers, ids 1..n.
     * @param secretFile    the fabric's shared secret file, or null for no authentication.
     * @param invokerDriven ids of workers driven by the test through their AgentInvoker (no thread of their own).
     */
    TestFabric(final int workerCount, final String secretFile, final int... invokerDriven)
    {
        this(workerCount, secretFile, context -> context, invokerDriven);
    }

    /**
     * @param workerCount   number of workers, ids 1..n.
     * @param customise     changes each worker's settings before it starts.
     * @param invokerDriven ids of workers driven by the test through their AgentInvoker (no thread of their own).
     */
    TestFabric(final int workerCount, final UnaryOperator<Worker.Context> customise, final int... invokerDriven)
    {
        this(workerCount, null, customise, invokerDriven);
    }

    private TestFabric(
        final int workerCount, final String secretFile, final UnaryOperator<Worker.Context> customise,
        final int... invokerDriven)
    {
        this.secretFile = secretFile;
        this.customise = customise;
        members = udpMembers(workerCount);
        try
        {
            for (int id = 1; id <= workerCount; id++)
            {
                workers.add(Worker.launch(
                    customise.apply(workerContext(id)).useAgentInvoker(contains(invokerDriven, id))));
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    Worker.Context workerContext(final int id)
    {
        return new Worker.Context()
            .workerId(id)
            .fabric(members)
            .idleStrategy(IDLE)
            .storeEntries(10_000)
            .storeValueMaxBytes(4096)
            .callTimeoutNs(1_000_000_000L)
            .heartbeatIntervalNs(100_000_000L)
            .secretFile(secretFile);
    }

    Worker worker(final int id)
    {
        return workers.get(id - 1);
    }

    /**
     * Stops a worker and starts it again with the same id and channel, as after a crash and restart: a new process
     * would have new Aeron sessions and an empty in-memory store, and so has this one.
     */
    void restart(final int id)
    {
        workers.get(id - 1).close();
        workers.set(id - 1, Worker.launch(customise.apply(workerContext(id))));
    }

    FabricClient client()
    {
        return client(secretFile);
    }

    FabricClient client(final String clientSecretFile)
    {
        return FabricClient.connect(new FabricClient.Context().fabric(members).idleStrategy(IDLE)
            .callTimeoutNs(1_000_000_000L).connectTimeoutNs(5_000_000_000L).secretFile(clientSecretFile));
    }

    /**
     * @return the smallest positive vertex id the fabric's placement gives to this worker.
     */
    long vertexOwnedBy(final int workerId)
    {
        final Placement placement = new Placement(FabricMembers.parse(members, "members"), 1);
        long vertexId = 1;
        while (placement.ownerOf(vertexId) != workerId)
        {
            vertexId++;
        }
        return vertexId;
    }

    public void close()
    {
        CloseHelper.closeAll(workers);
    }

    static String udpMembers(final int workerCount)
    {
        final StringBuilder builder = new StringBuilder();
        for (int id = 1; id <= workerCount; id++)
        {
            builder.append(id == 1 ? "" : ",").append(id).append('@').append(LoopbackPorts.freeUdpChannel());
        }
        return builder.toString();
    }

    static UnsafeBuffer int64(final long value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Long.BYTES]);
        buffer.putLong(0, value, LITTLE_ENDIAN);
        return buffer;
    }

    static void putCounter(final FabricClient client, final long vertexId, final long value)
    {
        assertEquals(Status.OK, client.put(vertexId, int64(value), 0, Long.BYTES));
    }

    private static boolean contains(final int[] ids, final int id)
    {
        for (final int candidate : ids)
        {
            if (candidate == id)
            {
                return true;
            }
        }
        return false;
    }
}
