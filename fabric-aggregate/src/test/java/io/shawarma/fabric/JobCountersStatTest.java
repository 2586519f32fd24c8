package io.shawarma.fabric;

import io.shawarma.fabric.aggregate.AggregateWorker;
import io.shawarma.fabric.aggregate.BuiltinPrograms;
import io.shawarma.fabric.aggregate.GridNetwork;
import io.shawarma.fabric.aggregate.Sensors;
import io.shawarma.fabric.graph.EdgeList;
import io.shawarma.fabric.graph.GraphWorker;
import io.shawarma.fabric.graph.PageRankProgram;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graph and aggregate workers keep counters files like data-plane workers: while two of each run (threads of this
 * JVM over IPC), {@code shawarma stat} lists them by role with their supersteps or rounds, messages or exports and
 * bytes, and the files are gone once the workers close.
 */
class JobCountersStatTest
{
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final String MEMBERS = "1@aeron:ipc,2@aeron:ipc";
    private static Transport transport;

    @BeforeAll
    static void start()
    {
        transport = Transport.embedded("job-counters-test", "backoff", 1 << 20, Throwable::printStackTrace);
    }

    @AfterAll
    static void stop()
    {
        transport.close();
    }

    @Test
    void shouldShowGraphWorkersInStat() throws Exception
    {
        final EdgeList graph = GridNetwork.of(8, 8);
        final String stat = runTwo(id -> new GraphWorker(graph, FabricMembers.parse(MEMBERS, "test"), id,
            new PageRankProgram(0.85, 10, 0), transport.aeron(), 7100, IdleStrategies.of("backoff"), 100, null),
            GraphWorker::counters,
            worker ->
            {
                final GraphWorker.Result result = worker.run(CONNECT_TIMEOUT_NS);
                assertEquals(result.supersteps, worker.counters().stepsCompleted());
                assertCounted(worker.counters());
            });
        assertTrue(stat.contains("graph worker 1 (pid " + ProcessHandle.current().pid() + ")"), stat);
        assertTrue(stat.contains("graph worker 2 (pid " + ProcessHandle.current().pid() + ")"), stat);
        assertTrue(stat.matches("(?s).*\\s1[01]  supersteps completed.*"), stat);
        assertTrue(stat.matches("(?s).*\\s[1-9][0-9,]*  messages received.*"), stat);
        assertTrue(stat.matches("(?s).*\\s0  malformed frames or records.*"), stat);
    }

    @Test
    void shouldShowAggregateWorkersInStat() throws Exception
    {
        final EdgeList grid = GridNetwork.of(9, 7);
        final int rounds = 12;
        final String stat = runTwo(id ->
        {
            final AggregateWorker worker = new AggregateWorker(grid, FabricMembers.parse(MEMBERS, "test"), id,
                BuiltinPrograms.byName("hopcount"), 3, 42, transport.aeron(), 7200, IdleStrategies.of("backoff"),
                null);
            worker.engine().sense(Sensors.SOURCE, 0, 1);
            return worker;
        },
            AggregateWorker::counters,
            worker ->
            {
                worker.run(rounds, true, CONNECT_TIMEOUT_NS);
                assertEquals(rounds, worker.counters().stepsCompleted());
                assertCounted(worker.counters());
            });
        assertTrue(stat.contains("aggregate worker 1 (pid " + ProcessHandle.current().pid() + ")"), stat);
        assertTrue(stat.matches("(?s).*\\s12  rounds completed.*"), stat);
        assertTrue(stat.matches("(?s).*\\s[1-9][0-9,]*  export records sent.*"), stat);
        assertTrue(stat.matches("(?s).*\\s[1-9][0-9,]*  bytes received \\(frames\\).*"), stat);
    }

    private static void assertCounted(final JobCounters counters)
    {
        assertTrue(counters.itemsSent() > 0, "items sent");
        assertTrue(counters.itemsReceived() > 0, "items received");
        assertTrue(counters.bytesSent() > 0 && counters.bytesReceived() > 0, "bytes");
        assertTrue(counters.file().isFile(), counters.file().toString());
    }

    /** What to do with a worker. */
    @FunctionalInterface
    private interface Job<W>
    {
        void run(W worker) throws Exception;
    }

    /**
     * Runs workers 1 and 2 on threads; once both ran, worker 1 takes {@code stat}; then they close, and their
     * counters files must be gone.
     *
     * @return what stat printed.
     */
    private static <W extends AutoCloseable> String runTwo(
        final IntFunction<W> create, final Function<W, JobCounters> countersOf, final Job<W> job) throws Exception
    {
        final ExecutorService threads = Executors.newFixedThreadPool(2);
        final CyclicBarrier ran = new CyclicBarrier(2);
        final CyclicBarrier looked = new CyclicBarrier(2);
        final File[] files = new File[2];
        try
        {
            final List<Future<String>> outputs = new ArrayList<>();
            for (int id = 1; id <= 2; id++)
            {
                final int workerId = id;
                outputs.add(threads.submit(() ->
                {
                    String stat = null;
                    try (W worker = create.apply(workerId))
                    {
                        files[workerId - 1] = countersOf.apply(worker).file();
                        job.run(worker);
                        ran.await(60, TimeUnit.SECONDS);
                        stat = 1 == workerId ? StatMainTest.run("stat", "--once", "--all", "--pid",
                            Long.toString(ProcessHandle.current().pid())) : null;
                        looked.await(60, TimeUnit.SECONDS);
                    }
                    return stat;
                }));
            }
            final String stat = outputs.get(0).get(60, TimeUnit.SECONDS);
            outputs.get(1).get(60, TimeUnit.SECONDS);
            for (final File file : files)
            {
                assertFalse(file.exists(), file + " removed at close");
            }
            return stat;
        }
        finally
        {
            threads.shutdownNow();
        }
    }
}
