package io.shawarma.fabric.grid;

import io.aeron.CommonContext;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.process.ChildAeronDirectories;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.fabric.udf.AddUdf;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Slot backups with real processes: one cluster member and three workers whose stores are in memory, so a killed
 * worker's vertices are gone with it, with {@code shawarma.grid.backups=1}. Counters are incremented through the data
 * plane, and the owner of a share of them is killed with kill -9 in the middle of a round and never restarted: every
 * acknowledged increment is served by the promoted backups. A fresh worker then joins (empty) and takes its share;
 * {@code faults.cluster.iterations} such rounds. Last, once the survivors have refilled each other's backups, a
 * worker is killed, then another: the last one serves every acknowledged increment, which only the refills gave it.
 * <p>
 * The checker is the soak's: each counter ends between its acknowledged increments and those plus the calls that got
 * no answer (TIMEOUT: applied or not).
 */
class GridBackupIT
{
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int VERTICES = 300;
    /** Kill-and-replace rounds before the last two kills; {@code faults.cluster.iterations} (the soak profile: 20). */
    private static final int ROUNDS = Integer.getInteger("faults.cluster.iterations", 1);
    private static final int CLIENT_ID = 3_200_000;
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final String AERON_DIR_BASE = ChildAeronDirectories.base("grid-backup-it");
    private static final List<ChildJvm> CHILDREN = new ArrayList<>();
    private static final Map<Integer, ChildJvm> WORKERS = new TreeMap<>();
    private static final UnsafeBuffer ZERO = new UnsafeBuffer(new byte[Long.BYTES]);
    private static final UnsafeBuffer ONE = new UnsafeBuffer(new byte[Long.BYTES]);
    private static Map<String, String> properties;
    private static String[] workerChannels;
    private static Transport transport;
    private static int portBase;

    private final long[] acked = new long[VERTICES];
    private final long[] unknown = new long[VERTICES];
    private final ExpandableArrayBuffer result = new ExpandableArrayBuffer(64);

    @BeforeAll
    static void startGrid() throws IOException
    {
        ONE.putLong(0, 1, LITTLE_ENDIAN);
        final Path dir = Files.createTempDirectory(Path.of("target"), "grid-backup-it-");
        portBase = TestGrid.freePortBase(1);
        properties = Map.of(
            GridConfiguration.PORT_BASE_PROP, Integer.toString(portBase),
            GridConfiguration.MEMBERS_PROP, "1",
            GridConfiguration.DIR_PROP, dir.resolve("cluster").toString(),
            GridConfiguration.BACKUPS_PROP, "1",
            // A starting JVM on a busy 2-core machine can stall for a second.
            GridConfiguration.HEARTBEAT_TIMEOUT_MS_PROP, "2000",
            GridConfiguration.SKEW_THRESHOLD_PROP, "0",
            Configuration.IDLE_PROP, "sleeping",
            CommonContext.AERON_DIR_PROP_NAME, AERON_DIR_BASE);
        final ChildJvm member = GridClusterMain.startMember(0, properties, null);
        CHILDREN.add(member);
        member.awaitReady(System.nanoTime() + START_TIMEOUT_NS);
        workerChannels = new String[4 + ROUNDS];
        for (int id = 1; id <= 3; id++)
        {
            startWorker(id);
        }
        final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        for (final ChildJvm worker : WORKERS.values())
        {
            worker.awaitReady(deadlineNs);
        }
        transport = Transport.embedded("grid-backup-it", "sleeping", 1024 * 1024, Throwable::printStackTrace);
    }

    @AfterAll
    static void stopGrid()
    {
        WORKERS.values().forEach(ChildJvm::kill);
        CloseHelper.closeAll(CHILDREN);
        CloseHelper.close(transport);
        ChildAeronDirectories.removeAll(AERON_DIR_BASE);
    }

    @Test
    void shouldServeEveryAcknowledgedWriteFromBackupsAfterOwnersAreKilledWithoutRestart()
    {
        try (SlotRoutedClient client = SlotRoutedClient.connect(TestGrid.dataClient(transport.aeron(), CLIENT_ID,
            "1@" + workerChannels[1] + ",2@" + workerChannels[2] + ",3@" + workerChannels[3],
            TimeUnit.SECONDS.toNanos(3), "sleeping"), GridConfiguration.SLOTS_DEFAULT))
        {
            TestGrid.awaitSpread(transport, portBase, CLIENT_ID + 1, 3);
            awaitBackupsInSync();
            for (int vertex = 0; vertex < VERTICES; vertex++)
            {
                assertEquals(Status.OK, client.put(vertex, ZERO, 0, Long.BYTES), "create " + vertex);
            }
            incrementAll(client);

            int nextId = 4;
            for (int round = 1; round <= ROUNDS; round++)
            {
                // Under load: an owner dies in the middle of a round of increments, and the round goes on.
                final int victim = WORKERS.keySet().iterator().next();
                incrementAllKillingHalfway(client, victim);
                TestGrid.awaitWorkers(transport, portBase, CLIENT_ID + 2, 2);
                awaitAllServed(client);
                incrementAll(client);
                check(client, "in round " + round + ", after worker " + victim + " was killed");

                final int joiner = nextId++;
                startWorker(joiner).awaitReady(System.nanoTime() + START_TIMEOUT_NS);
                client.worker(joiner, workerChannels[joiner]);
                TestGrid.awaitSpread(transport, portBase, CLIENT_ID + 1, 3);
                awaitBackupsInSync();
                incrementAll(client);
                check(client, "in round " + round + ", after worker " + joiner + " joined");
            }

            final Integer[] live = WORKERS.keySet().toArray(new Integer[0]);
            WORKERS.remove(live[0]).kill();
            TestGrid.awaitWorkers(transport, portBase, CLIENT_ID + 2, 2);
            awaitAllServed(client);
            incrementAll(client);
            check(client, "after worker " + live[0] + " was killed");

            awaitBackupsInSync();
            WORKERS.remove(live[1]).kill();
            TestGrid.awaitWorkers(transport, portBase, CLIENT_ID + 2, 1);
            awaitAllServed(client);
            incrementAll(client);
            check(client, "after worker " + live[1] + " was killed too: worker " + live[2] + " alone has every vertex");
        }
    }

    private static ChildJvm startWorker(final int id)
    {
        workerChannels[id] = "aeron:udp?endpoint=127.0.0.1:" + LoopbackPorts.freeUdpPort();
        final Map<String, String> workerProperties = new HashMap<>(properties);
        workerProperties.put(Configuration.CHANNEL_PROP, workerChannels[id]);
        final ChildJvm worker = GridWorkerMain.start(id, workerProperties, null);
        CHILDREN.add(worker);
        WORKERS.put(id, worker);
        return worker;
    }

    private void incrementAll(final SlotRoutedClient client)
    {
        for (int vertex = 0; vertex < VERTICES; vertex++)
        {
            count(vertex, client.invoke(vertex, ADD, ONE, 0, Long.BYTES, result));
        }
    }

    private void incrementAllKillingHalfway(final SlotRoutedClient client, final int victim)
    {
        for (int vertex = 0; vertex < VERTICES; vertex++)
        {
            if (VERTICES / 2 == vertex)
            {
                WORKERS.remove(victim).kill();
            }
            count(vertex, client.invoke(vertex, ADD, ONE, 0, Long.BYTES, result));
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
            assertTrue(Status.BACK_PRESSURED == status || Status.OWNER_UNREACHABLE == status || Status.MOVED == status,
                () -> "increment of " + vertex + ": " + status + " " + text());
        }
    }

    private void awaitAllServed(final SlotRoutedClient client)
    {
        for (int vertex = 0; vertex < VERTICES; vertex++)
        {
            final int v = vertex;
            TestGrid.await("vertex " + v + " served", 30_000, () -> Status.OK == client.get(v, result));
        }
    }

    private void check(final SlotRoutedClient client, final String when)
    {
        for (int vertex = 0; vertex < VERTICES; vertex++)
        {
            assertEquals(Status.OK, client.get(vertex, result), "read " + vertex + " " + when);
            final long total = result.getLong(0, LITTLE_ENDIAN);
            final int v = vertex;
            assertTrue(acked[vertex] <= total && total <= acked[vertex] + unknown[vertex], () -> "counter " + v +
                " " + when + ": " + total + ", acknowledged " + acked[v] + " and " + unknown[v] + " unanswered");
        }
    }

    private String text()
    {
        return result.getStringWithoutLengthAscii(0, Math.min(200, result.capacity()));
    }

    private static void awaitBackupsInSync()
    {
        final StatusWatch status = new StatusWatch();
        try (GridClient client = GridClient.connect(
            transport.aeronDirectoryName(), "127.0.0.1", portBase, 1, CLIENT_ID + 3, status, "sleeping"))
        {
            TestGrid.await("every backup in sync", 60_000, () ->
                status.query(client, TimeUnit.SECONDS.toNanos(2)) && 0 == status.backupsBehind());
        }
    }
}
