package io.shawarma.fabric.grid;

import io.aeron.CommonContext;
import io.shawarma.codecs.TaskState;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.process.ChildAeronDirectories;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.messaging.Transport;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;

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
 * The leader of a three-member cluster killed with kill -9 while a chain DAG runs: the DAG completes and every task's
 * result is right. A result the worker sent to the dying leader is sent again to the new one. Each iteration starts a
 * fresh grid (three members and two workers, each its own JVM); {@code faults.cluster.iterations} (raised by the
 * {@code faults} profile) sets how many.
 */
class GridLeaderFailoverIT
{
    private static final int ITERATIONS = Integer.getInteger("faults.cluster.iterations", 1);
    private static final int CHAIN = 40;
    private static final int KILL_AFTER_DONE = 8;
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long DAG_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long RESYNC_NS = TimeUnit.MILLISECONDS.toNanos(500);

    @Test
    void shouldFinishAChainDagWhenTheLeaderIsKilledMidRun() throws IOException
    {
        final String chain = chain();
        for (int iteration = 1; iteration <= ITERATIONS; iteration++)
        {
            final long failoverNs = runOnce(chain, iteration);
            System.out.printf("leader failover, iteration %d of %d: %.2f s from kill -9 to the next task done%n",
                iteration, ITERATIONS, failoverNs / 1e9);
        }
    }

    /** Task i adds 1 to task i-1's result (the first to nothing): task i's result is i + 1. */
    private static String chain()
    {
        final StringBuilder json = new StringBuilder("{\"name\":\"chain\",\"tasks\":[");
        for (int task = 0; task < CHAIN; task++)
        {
            json.append(0 == task ? "" : ",").append("{\"name\":\"t").append(task).append("\",\"udf\":\"add\"");
            if (task > 0)
            {
                json.append(",\"inputs\":[\"t").append(task - 1).append("\"]");
            }
            json.append(",\"args\":[1]}");
        }
        return json.append("]}").toString();
    }

    private static long runOnce(final String chain, final int iteration) throws IOException
    {
        final Path dir = Files.createTempDirectory(Path.of("target"), "grid-failover-it-");
        final String aeronDirBase = ChildAeronDirectories.base("grid-failover-it");
        final int portBase = TestGrid.freePortBase(3);
        final Map<String, String> properties = Map.of(
            GridConfiguration.PORT_BASE_PROP, Integer.toString(portBase),
            GridConfiguration.MEMBERS_PROP, "3",
            GridConfiguration.DIR_PROP, dir.resolve("cluster").toString(),
            GridConfiguration.TASK_DELAY_MS_PROP, "100",
            Configuration.IDLE_PROP, "sleeping",
            CommonContext.AERON_DIR_PROP_NAME, aeronDirBase);
        final List<ChildJvm> members = new ArrayList<>();
        final List<ChildJvm> workers = new ArrayList<>();
        Transport transport = null;
        try
        {
            for (int i = 0; i < 3; i++)
            {
                members.add(GridClusterMain.startMember(i, properties, null));
            }
            final long startDeadlineNs = System.nanoTime() + START_TIMEOUT_NS;
            for (final ChildJvm member : members)
            {
                member.awaitReady(startDeadlineNs);
            }
            for (int id = 1; id <= 2; id++)
            {
                final Map<String, String> workerProperties = new HashMap<>(properties);
                workerProperties.put(Configuration.DATA_DIR_PROP, dir.resolve("worker-" + id).toString());
                workers.add(GridWorkerMain.start(id, workerProperties, null));
            }
            for (final ChildJvm worker : workers)
            {
                worker.awaitReady(startDeadlineNs);
            }
            transport = Transport.embedded("grid-failover-it", "sleeping", 1024 * 1024, Throwable::printStackTrace);
            return killLeaderMidDag(transport, portBase, chain, members, iteration);
        }
        finally
        {
            CloseHelper.closeAll(workers);
            CloseHelper.closeAll(members);
            CloseHelper.close(transport);
            // Killed members could not remove their media driver directories.
            ChildAeronDirectories.removeAll(aeronDirBase);
        }
    }

    private static long killLeaderMidDag(
        final Transport transport, final int portBase, final String chain, final List<ChildJvm> members,
        final int iteration)
    {
        final List<String> changes = new CopyOnWriteArrayList<>();
        final long[] lastDoneNs = { 0 };
        final DagWatch watch = new DagWatch((line) ->
        {
            changes.add(line);
            if (line.contains(" DONE"))
            {
                lastDoneNs[0] = System.nanoTime();
            }
        });
        try (GridClient client = GridClient.connect(transport.aeronDirectoryName(), "127.0.0.1", portBase, 3,
            2_000_000 + iteration, watch, "sleeping"))
        {
            final long deadlineNs = System.nanoTime() + DAG_TIMEOUT_NS;
            assertTrue(watch.submit(client, chain, deadlineNs) > 0, watch::refusal);
            TestGrid.await("the chain under way", 30_000, () ->
            {
                client.poll();
                return watch.count(TaskState.DONE) >= KILL_AFTER_DONE;
            });
            final int leader = client.leaderMemberId();
            final int doneAtKill = watch.count(TaskState.DONE);
            members.get(leader).kill();
            final long killedNs = System.nanoTime();

            final long[] failoverNs = { 0 };
            TestGrid.await("a task done after the kill", 30_000, () ->
            {
                client.poll();
                if (watch.count(TaskState.DONE) > doneAtKill)
                {
                    failoverNs[0] = lastDoneNs[0] - killedNs;
                    return true;
                }
                return false;
            });
            final String history = "killed member " + leader + " with " + doneAtKill + " tasks done:\n" +
                String.join("\n", changes);
            assertTrue(watch.awaitFinished(client, deadlineNs, RESYNC_NS), () -> "stranded after " + history);
            assertNotEquals(leader, client.leaderMemberId());
            assertTrue(watch.isSucceeded(), history);
            // Each task adds 1 to its input's result, handed on between workers: the last one counts every step.
            assertEquals(CHAIN, watch.resultAsLong(CHAIN - 1), history);
            return failoverNs[0];
        }
    }
}
