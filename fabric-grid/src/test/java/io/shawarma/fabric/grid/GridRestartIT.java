package io.shawarma.fabric.grid;

import io.aeron.CommonContext;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.crdt.GCounterUdf;
import io.shawarma.fabric.process.ChildAeronDirectories;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A worker killed with kill -9 and restarted on its data directory, with processes: one cluster member, three
 * workers with file-backed stores and no slot backups, G-counters incremented through the data plane before the kill
 * and while the worker is dead (its slots then belong to the others, empty), and read back once it has rejoined.
 * Every acknowledged increment is there: the restarted worker's own and the interim owners', merged by the
 * G-counter's merge.
 */
class GridRestartIT
{
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int VERTICES = 400;
    private static final int VICTIM = 2;
    private static final int CLIENT_ID = 3_100_000;
    private static final String AERON_DIR_BASE = ChildAeronDirectories.base("grid-restart-it");
    private static final List<ChildJvm> CHILDREN = new ArrayList<>();
    private static final Map<Integer, ChildJvm> WORKERS = new HashMap<>();
    private static final UnsafeBuffer NONE = new UnsafeBuffer(new byte[0]);
    private static final UnsafeBuffer ONE = new UnsafeBuffer(new byte[Long.BYTES]);
    private static final int GCOUNTER = Udf.idOf(GCounterUdf.NAME);
    private static Map<String, String> properties;
    private static String[] workerChannels;
    private static Path dir;
    private static Transport transport;
    private static int portBase;

    private final long[] acked = new long[VERTICES];
    private final long[] unknown = new long[VERTICES];
    private final ExpandableArrayBuffer result = new ExpandableArrayBuffer(64);

    @BeforeAll
    static void startGrid() throws IOException
    {
        ONE.putLong(0, 1, LITTLE_ENDIAN);
        dir = Files.createTempDirectory(Path.of("target"), "grid-restart-it-");
        portBase = TestGrid.freePortBase(1);
        properties = Map.of(
            GridConfiguration.PORT_BASE_PROP, Integer.toString(portBase),
            GridConfiguration.MEMBERS_PROP, "1",
            GridConfiguration.DIR_PROP, dir.resolve("cluster").toString(),
            // As GridMigrationIT: a starting JVM on a busy 2-core machine can stall for a second.
            GridConfiguration.HEARTBEAT_TIMEOUT_MS_PROP, "3000",
            GridConfiguration.MERGE_UDF_PROP, GCounterUdf.NAME,
            // The grid without backups: a dead worker's slots go to the others empty until it comes back.
            GridConfiguration.BACKUPS_PROP, "0",
            GridConfiguration.SKEW_THRESHOLD_PROP, "0",
            Configuration.IDLE_PROP, "sleeping",
            CommonContext.AERON_DIR_PROP_NAME, AERON_DIR_BASE);
        final ChildJvm member = GridClusterMain.startMember(0, properties, null);
        CHILDREN.add(member);
        member.awaitReady(System.nanoTime() + START_TIMEOUT_NS);
        workerChannels = new String[4];
        final List<ChildJvm> workers = new ArrayList<>();
        for (int id = 1; id <= 3; id++)
        {
            workerChannels[id] = "aeron:udp?endpoint=127.0.0.1:" + LoopbackPorts.freeUdpPort();
            workers.add(startWorker(id));
        }
        final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        for (final ChildJvm worker : workers)
        {
            worker.awaitReady(deadlineNs);
        }
        transport = Transport.embedded("grid-restart-it", "sleeping", 1024 * 1024, Throwable::printStackTrace);
    }

    @AfterAll
    static void stopGrid()
    {
        // Killed, not stopped: a graceful leave would hand every slot over first, which this test does not need.
        WORKERS.values().forEach(ChildJvm::kill);
        CloseHelper.closeAll(CHILDREN);
        CloseHelper.close(transport);
        ChildAeronDirectories.removeAll(AERON_DIR_BASE);
    }

    @Test
    void shouldServeEveryAcknowledgedIncrementAfterAKilledWorkerRestartsOnItsDataDirectory()
    {
        try (SlotRoutedClient client = SlotRoutedClient.connect(TestGrid.dataClient(transport.aeron(), CLIENT_ID,
            "1@" + workerChannels[1] + ",2@" + workerChannels[2] + ",3@" + workerChannels[3],
            TimeUnit.SECONDS.toNanos(3), "sleeping"), GridConfiguration.SLOTS_DEFAULT))
        {
            TestGrid.awaitSpread(transport, portBase, CLIENT_ID + 1, 3);
            final boolean[] onVictim = new boolean[VERTICES];
            int victimCount = 0;
            for (int vertex = 0; vertex < VERTICES; vertex++)
            {
                assertEquals(Status.OK, client.put(vertex, NONE, 0, 0), "create " + vertex);
                increment(client, vertex, 2);
                onVictim[vertex] = VICTIM == client.ownerOf(vertex);
                victimCount += onVictim[vertex] ? 1 : 0;
            }
            assertTrue(victimCount > VERTICES / 5, "worker 2 owns a share of the counters: " + victimCount);

            WORKERS.get(VICTIM).kill();
            TestGrid.awaitWorkers(transport, portBase, CLIENT_ID + 2, 2);
            final long firstVictim = firstOf(onVictim);
            // The client notices the dead worker's publication is gone (a read is safe to repeat).
            TestGrid.await("a dead worker's counter served elsewhere", 30_000,
                () -> Status.TIMEOUT != client.get(firstVictim, result));

            int recreated = 0;
            for (int vertex = 0; vertex < VERTICES; vertex++)
            {
                final Status status = client.invoke(vertex, GCOUNTER, ONE, 0, Long.BYTES, result);
                if (Status.NO_SUCH_VERTEX == status)
                {
                    // Its counter is on the dead worker's disk: the interim owner starts a new one.
                    assertTrue(onVictim[vertex], "only the dead worker's counters are missing: " + vertex);
                    assertEquals(Status.OK, client.put(vertex, NONE, 0, 0));
                    recreated++;
                    increment(client, vertex, 1);
                }
                else
                {
                    count(vertex, status);
                }
            }
            assertEquals(victimCount, recreated, "every counter of the dead worker was missing while it was away");

            final ChildJvm restarted = startWorker(VICTIM);
            restarted.awaitReady(System.nanoTime() + START_TIMEOUT_NS);
            TestGrid.awaitSpread(transport, portBase, CLIENT_ID + 1, 3);

            for (int vertex = 0; vertex < VERTICES; vertex++)
            {
                assertEquals(Status.OK, client.invoke(vertex, GCOUNTER, NONE, 0, 0, result), "read " + vertex);
                final long total = result.getLong(0, LITTLE_ENDIAN);
                final int v = vertex;
                assertTrue(acked[vertex] <= total && total <= acked[vertex] + unknown[vertex], () -> "counter " + v +
                    (onVictim[v] ? " (worker 2's)" : "") + ": " + total + ", acknowledged " + acked[v] + " and " +
                    unknown[v] + " unanswered");
                assertEquals(onVictim[vertex], VICTIM == client.ownerOf(vertex),
                    "worker 2 serves again the counters it had");
            }
        }
    }

    private void increment(final SlotRoutedClient client, final int vertex, final int times)
    {
        for (int i = 0; i < times; i++)
        {
            count(vertex, client.invoke(vertex, GCOUNTER, ONE, 0, Long.BYTES, result));
        }
    }

    private void count(final int vertex, final Status status)
    {
        if (Status.OK == status)
        {
            acked[vertex]++;
        }
        else if (Status.TIMEOUT == status)
        {
            unknown[vertex]++;
        }
        else
        {
            fail("increment of " + vertex + ": " + status);
        }
    }

    private static long firstOf(final boolean[] onVictim)
    {
        int vertex = 0;
        while (!onVictim[vertex])
        {
            vertex++;
        }
        return vertex;
    }

    private static ChildJvm startWorker(final int id)
    {
        final Map<String, String> workerProperties = new HashMap<>(properties);
        workerProperties.put(Configuration.CHANNEL_PROP, workerChannels[id]);
        workerProperties.put(Configuration.DATA_DIR_PROP, dir.resolve("worker-" + id).toString());
        final ChildJvm worker = GridWorkerMain.start(id, workerProperties, null);
        CHILDREN.add(worker);
        WORKERS.put(id, worker);
        return worker;
    }
}
