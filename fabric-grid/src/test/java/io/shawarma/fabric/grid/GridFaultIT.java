package io.shawarma.fabric.grid;

import io.aeron.CommonContext;
import io.shawarma.codecs.TaskState;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.process.ChildAeronDirectories;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The grid with real processes: three cluster members and three workers, each its own JVM, and a submitter here.
 * A worker killed with kill -9 mid-DAG is detected and its tasks run elsewhere; a failing task is retried, then
 * fails; the leader killed with kill -9 is replaced and the grid keeps its state.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GridFaultIT
{
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long DAG_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long RESYNC_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Sum tree: leaves 1..6, two partial sums, a total of 21 plus 100. */
    private static final String TREE = "{\"name\":\"tree\",\"tasks\":[" +
        "{\"name\":\"l1\",\"udf\":\"add\",\"args\":[1]},{\"name\":\"l2\",\"udf\":\"add\",\"args\":[2]}," +
        "{\"name\":\"l3\",\"udf\":\"add\",\"args\":[3]},{\"name\":\"l4\",\"udf\":\"add\",\"args\":[4]}," +
        "{\"name\":\"l5\",\"udf\":\"add\",\"args\":[5]},{\"name\":\"l6\",\"udf\":\"add\",\"args\":[6]}," +
        "{\"name\":\"p1\",\"udf\":\"add\",\"inputs\":[\"l1\",\"l2\",\"l3\"]}," +
        "{\"name\":\"p2\",\"udf\":\"add\",\"inputs\":[\"l4\",\"l5\",\"l6\"]}," +
        "{\"name\":\"total\",\"udf\":\"add\",\"inputs\":[\"p1\",\"p2\"],\"args\":[100]}]}";

    private static Path dir;
    private static Map<String, String> properties;
    private static final String AERON_DIR_BASE = ChildAeronDirectories.base("grid-it");
    private static final List<ChildJvm> MEMBERS = new ArrayList<>();
    private static final Map<Integer, ChildJvm> WORKERS = new HashMap<>();
    private static Transport transport;
    private static long treeDagId;

    @BeforeAll
    static void startGrid() throws IOException
    {
        dir = Files.createTempDirectory(Path.of("target"), "grid-it-");
        final int portBase = TestGrid.freePortBase(3);
        properties = Map.of(
            GridConfiguration.PORT_BASE_PROP, Integer.toString(portBase),
            GridConfiguration.MEMBERS_PROP, "3",
            GridConfiguration.DIR_PROP, dir.resolve("cluster").toString(),
            GridConfiguration.TASK_DELAY_MS_PROP, "1000",
            Configuration.IDLE_PROP, "sleeping",
            CommonContext.AERON_DIR_PROP_NAME, AERON_DIR_BASE);
        for (int i = 0; i < 3; i++)
        {
            MEMBERS.add(GridClusterMain.startMember(i, properties, null));
        }
        final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        for (final ChildJvm member : MEMBERS)
        {
            member.awaitReady(deadlineNs);
        }
        for (int id = 1; id <= 3; id++)
        {
            final Map<String, String> workerProperties = new HashMap<>(properties);
            workerProperties.put(Configuration.DATA_DIR_PROP, dir.resolve("worker-" + id).toString());
            WORKERS.put(id, GridWorkerMain.start(id, workerProperties, null));
        }
        for (final ChildJvm worker : WORKERS.values())
        {
            worker.awaitReady(deadlineNs);
        }
        transport = Transport.embedded("grid-it", "sleeping", 1024 * 1024, Throwable::printStackTrace);
    }

    @AfterAll
    static void stopGrid()
    {
        CloseHelper.closeAll(WORKERS.values());
        CloseHelper.closeAll(MEMBERS);
        CloseHelper.close(transport);
        // Killed members and workers could not remove their media driver directories.
        ChildAeronDirectories.removeAll(AERON_DIR_BASE);
    }

    private static GridClient connect(final GridListener listener)
    {
        return GridClient.connect(transport.aeronDirectoryName(), "127.0.0.1",
            Integer.parseInt(properties.get(GridConfiguration.PORT_BASE_PROP)), 3, 2_000_000, listener, "sleeping");
    }

    @Test
    @Order(1)
    void shouldFinishDagInDependencyOrderWhenAWorkerIsKilledMidRun()
    {
        final List<String> changes = new CopyOnWriteArrayList<>();
        final DagWatch watch = new DagWatch(changes::add);
        try (GridClient client = connect(watch))
        {
            final long deadlineNs = System.nanoTime() + DAG_TIMEOUT_NS;
            treeDagId = watch.submit(client, TREE, deadlineNs);
            assertTrue(treeDagId > 0, watch::refusal);

            final int[] victim = { -1 };
            TestGrid.await("a leaf running", 10_000, () ->
            {
                client.poll();
                for (int task = 0; task < 6; task++)
                {
                    if (TaskState.RUNNING == watch.state(task))
                    {
                        victim[0] = watch.worker(task);
                        return true;
                    }
                }
                return false;
            });
            WORKERS.remove(victim[0]).kill();

            assertTrue(watch.awaitFinished(client, deadlineNs, RESYNC_NS), () -> String.join("\n", changes));
            assertTrue(watch.isSucceeded(), () -> String.join("\n", changes));
            assertEquals(121, watch.resultAsLong(8), "l1..l6 sum to 21: every inner result reached its dependant");
            assertEquals(0, watch.result(6).length, "p1's result went to total between workers, not to the cluster");
            for (int task = 0; task < 9; task++)
            {
                assertNotEquals(victim[0], watch.worker(task), "every task ends on a survivor");
            }
            assertTrue(changes.stream().anyMatch(line -> line.contains("attempt 2")),
                () -> "the killed worker's task ran again:\n" + String.join("\n", changes));
            assertInputsDoneBeforeRunning(changes, "p1", "l1", "l2", "l3");
            assertInputsDoneBeforeRunning(changes, "p2", "l4", "l5", "l6");
            assertInputsDoneBeforeRunning(changes, "total", "p1", "p2");

            final StatusWatch status = new StatusWatch();
            try (GridClient statusClient = connect(status))
            {
                TestGrid.await("status without the killed worker", 10_000, () ->
                    status.query(statusClient, TimeUnit.SECONDS.toNanos(2)) &&
                    !status.slotsByWorker().containsKey(victim[0]) &&
                    status.slotsByWorker().values().stream().mapToInt(Integer::intValue).sum() == 256);
                assertEquals(2, status.slotsByWorker().size());
                assertEquals(128, status.slotsByWorker().values().iterator().next());
            }
        }
    }

    @Test
    @Order(2)
    void shouldRetryAFailingTaskThenFailItWithTheUdfStatus()
    {
        // 'f' folds an empty result into add, which needs an int64 operand: UDF_FAILED on every attempt.
        final String json = "{\"name\":\"flaky\",\"retries\":2,\"tasks\":[" +
            "{\"name\":\"e\",\"udf\":\"add\"}," +
            "{\"name\":\"f\",\"udf\":\"add\",\"inputs\":[\"e\"]}," +
            "{\"name\":\"after\",\"udf\":\"add\",\"inputs\":[\"f\"]}," +
            "{\"name\":\"other\",\"udf\":\"max\",\"args\":[3,9,4]}]}";
        final DagWatch watch = new DagWatch(null);
        try (GridClient client = connect(watch))
        {
            final long deadlineNs = System.nanoTime() + DAG_TIMEOUT_NS;
            assertTrue(watch.submit(client, json, deadlineNs) > 0, watch::refusal);
            assertTrue(watch.awaitFinished(client, deadlineNs, RESYNC_NS));

            assertFalse(watch.isSucceeded());
            assertEquals(TaskState.DONE, watch.state(0));
            assertEquals(TaskState.FAILED, watch.state(1));
            assertEquals(Status.UDF_FAILED, watch.status(1));
            assertEquals(3, watch.attempt(1), "first run and two retries");
            assertEquals(TaskState.PENDING, watch.state(2), "a failed input never fires its dependant");
            assertEquals(TaskState.DONE, watch.state(3));
            assertEquals(9, watch.resultAsLong(3));
        }
    }

    @Test
    @Order(3)
    void shouldKeepStateWhenTheLeaderIsKilled()
    {
        final int leader;
        try (GridClient client = connect(new GridListener()
        {
        }))
        {
            leader = client.leaderMemberId();
        }
        MEMBERS.get(leader).kill();

        final DagWatch old = new DagWatch(null);
        try (GridClient client = connect(old))
        {
            assertNotEquals(leader, client.leaderMemberId());
            old.onSubmitResult(0, treeDagId, 9, "");
            client.requestStatus(treeDagId);
            assertTrue(old.awaitFinished(client, System.nanoTime() + DAG_TIMEOUT_NS, RESYNC_NS));
            assertTrue(old.isSucceeded());
            assertEquals(121, old.resultAsLong(8));
        }

        final DagWatch fresh = new DagWatch(null);
        try (GridClient client = connect(fresh))
        {
            final long deadlineNs = System.nanoTime() + DAG_TIMEOUT_NS;
            assertTrue(fresh.submit(client, TREE, deadlineNs) > treeDagId, fresh::refusal);
            assertTrue(fresh.awaitFinished(client, deadlineNs, RESYNC_NS));
            assertEquals(121, fresh.resultAsLong(8));
        }
    }

    private static void assertInputsDoneBeforeRunning(
        final List<String> changes, final String task, final String... inputs)
    {
        final int running = indexOf(changes, "task " + task + " RUNNING");
        assertTrue(running >= 0, task + " never ran");
        for (final String input : inputs)
        {
            final int done = indexOf(changes, "task " + input + " DONE");
            assertTrue(done >= 0 && done < running, input + " was not done before " + task + " ran:\n" +
                String.join("\n", changes));
        }
    }

    private static int indexOf(final List<String> changes, final String prefix)
    {
        for (int i = 0; i < changes.size(); i++)
        {
            if (changes.get(i).startsWith(prefix))
            {
                return i;
            }
        }
        return -1;
    }
}
