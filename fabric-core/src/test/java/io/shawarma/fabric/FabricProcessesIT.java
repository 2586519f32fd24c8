package io.shawarma.fabric;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.shawarma.fabric.TestFabric.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three worker JVMs and a client in this JVM: calls across them over loopback UDP (each worker with its own
 * media driver) and over IPC (every process on one media driver), with results and statuses checked.
 */
class FabricProcessesIT
{
    private static final int WORKERS = 3;
    private static final int VERTICES = 300;
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int READ = Udf.idOf(ReadUdf.NAME);

    private final UnsafeBuffer result = new UnsafeBuffer(new byte[4096]);

    @Test
    void shouldServeCallsAcrossThreeWorkerProcessesOverUdp()
    {
        final String fabric = TestFabric.udpMembers(WORKERS);
        final List<ChildJvm> workers = startWorkers(fabric, Map.of());
        try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric)
            .idleStrategy(TestFabric.IDLE)))
        {
            exercise(client);
        }
        finally
        {
            stop(workers);
        }
    }

    @Test
    void shouldServeCallsAcrossThreeWorkerProcessesOverIpc()
    {
        final String fabric = "1@aeron:ipc,2@aeron:ipc,3@aeron:ipc";
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(new File("/dev/shm", "shawarma-it-" + ProcessHandle.current().pid()).getPath())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(IdleStrategies.of(TestFabric.IDLE))
            .ipcTermBufferLength(1 << 20)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)))
        {
            final Map<String, String> external = Map.of(
                Configuration.DRIVER_PROP, "external", Configuration.AERON_DIR_PROP, driver.aeronDirectoryName());
            final List<ChildJvm> workers = startWorkers(fabric, external);
            try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric)
                .driver("external").aeronDirectoryName(driver.aeronDirectoryName()).channel("aeron:ipc")
                .idleStrategy(TestFabric.IDLE)))
            {
                exercise(client);
            }
            finally
            {
                stop(workers);
            }
        }
    }

    private void exercise(final FabricClient client)
    {
        final int[] ownedBy = new int[WORKERS + 1];
        for (long vertexId = 0; vertexId < VERTICES; vertexId++)
        {
            TestFabric.putCounter(client, vertexId, vertexId);
            ownedBy[client.placement().ownerOf(vertexId)]++;
        }
        for (int workerId = 1; workerId <= WORKERS; workerId++)
        {
            assertTrue(ownedBy[workerId] > 0, "worker " + workerId + " owns no vertex");
        }

        long expectedTotal = 0;
        for (long vertexId = 0; vertexId < VERTICES; vertexId++)
        {
            final int owner = client.placement().ownerOf(vertexId);
            final int entry = owner % WORKERS + 1;
            assertEquals(Status.OK, client.invoke(vertexId, ADD, int64(1), 0, 8, result));
            assertEquals(Status.OK, client.invokeVia(entry, vertexId, ADD, int64(2), 0, 8, result));
            assertEquals(vertexId + 3, result.getLong(0, LITTLE_ENDIAN));
            assertEquals(Status.MOVED, client.invokeAt(entry, vertexId, READ, result, 0, 0, result));
            assertEquals(owner, client.lastOwnerId());
            expectedTotal += vertexId + 3;
        }

        long total = 0;
        for (long vertexId = 0; vertexId < VERTICES; vertexId++)
        {
            assertEquals(Status.OK, client.get(vertexId, result));
            total += result.getLong(0, LITTLE_ENDIAN);
        }
        assertEquals(expectedTotal, total);

        assertEquals(Status.NO_SUCH_VERTEX, client.invoke(1_000_000_007L, READ, result, 0, 0, result));
        assertEquals(Status.NO_SUCH_UDF, client.invoke(1, Udf.idOf("nope"), result, 0, 0, result));
        assertEquals(Status.UDF_FAILED, client.invoke(1, Udf.idOf(ThrowingUdf.NAME), result, 0, 0, result));
        assertEquals(Status.UDF_FAILED, client.invoke(1, ADD, int64(1), 0, 3, result));
        assertEquals(Status.OK, client.invoke(1, READ, result, 0, 0, result));
        assertEquals(4, result.getLong(0, LITTLE_ENDIAN));
    }

    private static List<ChildJvm> startWorkers(final String fabric, final Map<String, String> extra)
    {
        final List<ChildJvm> workers = new ArrayList<>();
        try
        {
            for (int id = 1; id <= WORKERS; id++)
            {
                final Map<String, String> properties = new LinkedHashMap<>(extra);
                properties.put(Configuration.WORKER_ID_PROP, Integer.toString(id));
                properties.put(Configuration.FABRIC_PROP, fabric);
                properties.put(Configuration.IDLE_PROP, TestFabric.IDLE);
                properties.put(Configuration.STORE_ENTRIES_PROP, "10000");
                properties.put(Configuration.TERM_LENGTH_PROP, Integer.toString(1 << 20));
                workers.add(new ChildJvm("worker " + id, WorkerMain.class.getName(), properties, List.of(),
                    "shawarma worker " + id + " ready", null));
            }
            final long deadline = System.nanoTime() + 60_000_000_000L;
            for (final ChildJvm worker : workers)
            {
                worker.awaitReady(deadline);
            }
            return workers;
        }
        catch (final RuntimeException ex)
        {
            stop(workers);
            throw ex;
        }
    }

    private static void stop(final List<ChildJvm> workers)
    {
        for (final ChildJvm worker : workers)
        {
            assertTrue(worker.stop(), "worker did not stop on SIGTERM:\n" + worker.lastLines());
        }
        CloseHelper.closeAll(workers);
    }
}
