package io.shawarma.fabric.demo;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.aggregate.GridNetwork;
import io.shawarma.fabric.graph.EdgeList;
import io.shawarma.fabric.graph.GraphWorker;
import io.shawarma.fabric.graph.PageRankProgram;
import io.shawarma.fabric.graph.ReferenceAlgorithms;
import io.shawarma.fabric.process.ChildWorkers;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import org.agrona.concurrent.NanoClock;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The soak's graph load: PageRank on a small grid graph, over and over, by two graph workers (threads of the soak,
 * over Aeron IPC on a media driver of their own) while the clients load the fabric; every run's ranks must equal
 * the single-threaded reference's. Reports how many runs were made and every mismatch.
 */
final class SoakGraphRounds
{
    private static final int ITERATIONS = 10;
    private static final double DAMPING = 0.85;
    private static final double TOLERANCE = 1e-9;
    private static final int STREAM_BASE = 9000;
    private static final FabricMembers MEMBERS = FabricMembers.parse("1@aeron:ipc,2@aeron:ipc", "soak graph");

    private final EdgeList graph = GridNetwork.of(24, 24);
    private final double[] reference = ReferenceAlgorithms.pageRank(graph, DAMPING, ITERATIONS, 0);
    private final NanoClock clock;
    private int runs;

    /**
     * @param clock the clock of the deadline, also the graph workers'.
     */
    SoakGraphRounds(final NanoClock clock)
    {
        this.clock = clock;
    }

    /**
     * Runs PageRank until the deadline, at least once.
     *
     * @param deadlineNs deadline on the clock.
     * @param problems   where mismatches and failures go.
     */
    void run(final long deadlineNs, final List<String> problems)
    {
        final String idle = System.getProperty(Configuration.IDLE_PROP, "backoff");
        final ExecutorService threads = Executors.newFixedThreadPool(2);
        try (Transport transport = Transport.embedded("soak-graph", idle, 1 << 20, Throwable::printStackTrace))
        {
            do
            {
                // A fresh pair of streams per run: no frame of an earlier run can reach this one.
                final int streamBase = STREAM_BASE + 10 * (runs % 1000);
                final double[] ranks = new double[graph.vertexCount()];
                final Future<?> first = threads.submit(() -> compute(transport, 1, streamBase, idle, ranks));
                final Future<?> second = threads.submit(() -> compute(transport, 2, streamBase, idle, ranks));
                first.get(ChildWorkers.CONNECT_TIMEOUT_NS, TimeUnit.NANOSECONDS);
                second.get(ChildWorkers.CONNECT_TIMEOUT_NS, TimeUnit.NANOSECONDS);
                check(ranks, problems);
                runs++;
            }
            while (clock.nanoTime() - deadlineNs < 0);
        }
        catch (final Exception ex)
        {
            problems.add("graph rounds stopped after " + runs + " runs: " + ex);
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    /**
     * @return PageRank runs made.
     */
    int runs()
    {
        return runs;
    }

    /**
     * @return the line the soak prints.
     */
    String summary()
    {
        return "graph rounds: " + runs + " PageRank runs (" + ITERATIONS + " supersteps, 2 graph workers, " +
            graph.vertexCount() + " vertices) checked against the reference";
    }

    private void compute(
        final Transport transport, final int workerId, final int streamBase, final String idle, final double[] ranks)
    {
        try (GraphWorker worker = new GraphWorker(graph, MEMBERS, workerId,
            new PageRankProgram(DAMPING, ITERATIONS, 0), transport.aeron(), streamBase, IdleStrategies.of(idle),
            ITERATIONS + 1, null, clock))
        {
            final GraphWorker.Result result = worker.run(ChildWorkers.CONNECT_TIMEOUT_NS);
            for (int i = 0; i < result.vertexIds.length; i++)
            {
                // Each worker writes its own vertices' slots; Future.get orders these writes before the check.
                ranks[graph.indexOf(result.vertexIds[i])] = Double.longBitsToDouble(result.values[i]);
            }
        }
    }

    private void check(final double[] ranks, final List<String> problems)
    {
        for (int i = 0; i < ranks.length; i++)
        {
            if (Math.abs(ranks[i] - reference[i]) > TOLERANCE * Math.max(1.0, Math.abs(reference[i])))
            {
                problems.add("graph run " + runs + ": vertex " + graph.vertexIds()[i] + " rank " + ranks[i] +
                    ", reference " + reference[i]);
                return;
            }
        }
    }
}
