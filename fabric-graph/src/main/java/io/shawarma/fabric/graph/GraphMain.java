package io.shawarma.fabric.graph;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.process.ChildWorkers;
import io.shawarma.fabric.process.ProcessStats;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code scripts/shawarma pagerank|sssp|cc|bfs|pregel ...}: runs a graph algorithm over N worker processes on this
 * machine. This process starts a media driver (embedded, SHARED threading mode) and N - 1 worker JVMs that attach
 * to it, so that the workers talk over Aeron IPC (shared memory, no network stack, no per-worker driver thread);
 * then, while the other workers read the edge list too, it reads and checks it, runs the first worker itself (and
 * prints the per-superstep progress on stderr), and merges every worker's vertices into the output file, a running
 * fabric's vertices, or both.
 */
public final class GraphMain
{
    /** The composition root's clock: the job's timings on the console. */
    private static final NanoClock CLOCK = SystemNanoClock.INSTANCE;

    private static final int STREAM_BASE = 3000;
    /** How long worker 1 waits for the others' results after the last superstep, and they for its confirmation. */
    private static final long RESULTS_TIMEOUT_NS = 600_000_000_000L;

    private GraphMain()
    {
    }

    public static void main(final String[] args)
    {
        final GraphOptions options;
        try
        {
            options = GraphOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("shawarma: " + ex.getMessage());
            System.err.println(GraphOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help)
        {
            System.out.println(GraphOptions.USAGE);
            return;
        }
        try
        {
            if (options.workerId >= 0)
            {
                runWorker(options);
            }
            else
            {
                runJob(options);
            }
        }
        catch (final EdgeListException | IllegalArgumentException | UncheckedIOException ex)
        {
            System.err.println("shawarma " + options.algorithm + ": " + ex.getMessage());
            System.exit(1);
        }
    }

    private static void runJob(final GraphOptions options)
    {
        final long startNs = CLOCK.nanoTime();
        if (null != options.members)
        {
            // Workers on other hosts, started there with --worker-id: this process is the first member.
            try (Transport transport = ChildWorkers.launcherDriver("graph"))
            {
                final int firstId = FabricMembers.parse(options.members, "--members").idAt(0);
                runFirstWorker(options, read(options, startNs), firstId, options.members, transport, startNs, null);
            }
        }
        else if (GraphConfiguration.WORKERS_AS_PROCESSES.equals(options.workersAs))
        {
            try (Transport transport = ChildWorkers.launcherDriver("graph");
                ChildWorkers children = ChildWorkers.overIpc("graph", GraphMain.class.getName(), options.workers,
                    args(options), transport.aeronDirectoryName(), System.err))
            {
                runFirstWorker(options, read(options, startNs), 1, children.members(), transport, startNs, null);
                for (int id = 2; id <= options.workers; id++)
                {
                    children.awaitExit(id, ChildWorkers.WORKER_TIMEOUT_MS);
                }
            }
        }
        else
        {
            try (Transport transport = ChildWorkers.launcherDriver("graph"))
            {
                final EdgeList graph = read(options, startNs);
                final String members = ChildWorkers.ipcMembers(options.workers);
                final SharedGraph shared = new SharedGraph(graph, options.workers, options.program().undirected());
                for (int id = 2; id <= options.workers; id++)
                {
                    startWorkerThread(graph, options, id, members, transport, shared);
                }
                runFirstWorker(options, graph, 1, members, transport, startNs, shared);
            }
        }
    }

    /**
     * Worker {@code id} as a thread of this process, on the graph read once for all of them: one JIT, one copy of
     * the edges and of their rows by source, the broadcast values read in memory, Aeron IPC on this process's media
     * driver between the workers for the rest. A worker that fails ends the job, as a failed worker process does.
     */
    private static void startWorkerThread(
        final EdgeList graph, final GraphOptions options, final int id, final String members,
        final Transport transport, final SharedGraph shared)
    {
        final Thread thread = new Thread(() ->
        {
            final long startNs = CLOCK.nanoTime();
            compute(graph, options, id, members, transport, shared);
            // No peak RSS of its own: it is worker 1's process's, which worker 1 reports.
            System.err.printf("graph worker %d: supersteps took %.3f s, a thread of worker 1's process%n", id,
                (CLOCK.nanoTime() - startNs) / 1e9);
        }, "graph-worker-" + id);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, ex) ->
        {
            System.err.println("shawarma " + options.algorithm + ": graph worker " + id + ": " + ex.getMessage());
            System.exit(1);
        });
        thread.start();
    }

    private static EdgeList read(final GraphOptions options, final long startNs)
    {
        final EdgeList graph = EdgeListParser.parseGraph(options.edges);
        if (options.source >= 0 && graph.indexOf(options.source) < 0)
        {
            throw new IllegalArgumentException("--source " + options.source + " is not a vertex of " +
                options.edges);
        }
        System.err.printf("read %,d vertices and %,d edges from %s in %.1f s%n", graph.vertexIds().length,
            graph.edgeCount(), options.edges, (CLOCK.nanoTime() - startNs) / 1e9);
        return graph;
    }

    private static void runFirstWorker(
        final GraphOptions options, final EdgeList graph, final int workerId, final String members,
        final Transport transport, final long startNs, final SharedGraph shared)
    {
        final long computeStartNs = CLOCK.nanoTime();
        final GraphWorker.Result all = compute(graph, options, workerId, members, transport, shared);
        System.err.printf("graph worker %d: supersteps took %.3f s, peak RSS %d MB%n", workerId,
            (CLOCK.nanoTime() - computeStartNs) / 1e9, ProcessStats.peakRssMb());
        try
        {
            deliver(options, all);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        System.err.printf("%s: %d supersteps, %d workers, %.1f s; results %s%n", options.algorithm,
            all.supersteps, FabricMembers.parse(members, "--members").size(), (CLOCK.nanoTime() - startNs) / 1e9,
            where(options));
    }

    /**
     * A worker other than the first: a child of a launcher on this machine (attached to its media driver with
     * {@code --aeron-dir}), or a worker on another host, with a media driver of its own.
     */
    private static void runWorker(final GraphOptions options)
    {
        if (null == options.members)
        {
            throw new IllegalArgumentException("--worker-id needs --members");
        }
        final EdgeList graph = EdgeListParser.parseGraph(options.edges);
        final long computeStartNs = CLOCK.nanoTime();
        try (Transport transport = null != options.aeronDir ?
            Transport.external(options.aeronDir, Throwable::printStackTrace, true) :
            ChildWorkers.launcherDriver("graph-worker-" + options.workerId))
        {
            compute(graph, options, options.workerId, options.members, transport, null);
        }
        System.out.printf("graph worker %d: supersteps took %.3f s, peak RSS %d MB%n",
            options.workerId, (CLOCK.nanoTime() - computeStartNs) / 1e9, ProcessStats.peakRssMb());
    }

    /**
     * Runs one worker of a job over the job's media driver.
     *
     * @param shared what the job's threads share, or null for a worker that ships its broadcasts.
     */
    static GraphWorker.Result compute(
        final EdgeList graph, final GraphOptions options, final int workerId, final String members,
        final Transport transport, final SharedGraph shared)
    {
        final String idle = Configuration.string(Configuration.IDLE_PROP, Configuration.IDLE_DEFAULT);
        try (GraphWorker worker = new GraphWorker(graph, FabricMembers.parse(members, "--members"), workerId,
            options.program(), transport.aeron(), STREAM_BASE, IdleStrategies.of(idle), options.maxSupersteps,
            System.err, SystemNanoClock.INSTANCE, shared))
        {
            return worker.gather(worker.run(ChildWorkers.CONNECT_TIMEOUT_NS), RESULTS_TIMEOUT_NS);
        }
    }

    private static String where(final GraphOptions options)
    {
        final String file = null != options.out ? "in " + options.out : "";
        final String fabric = null != options.into ? "put into " + options.into : "";
        return file + (file.isEmpty() || fabric.isEmpty() ? "" : ", ") + fabric;
    }

    /**
     * Writes every worker's results, sorted by vertex id, into the output file, the fabric, or both.
     */
    private static void deliver(final GraphOptions options, final GraphWorker.Result all) throws IOException
    {
        final long[] ids = all.vertexIds;
        final long[] values = all.values;
        final int total = ids.length;
        sortByIds(ids, values);
        if (null != options.into)
        {
            FabricResults.put(options.into, ids, values);
        }
        if (null == options.out)
        {
            return;
        }
        if (options.hasDoubleValues())
        {
            final double[] doubles = new double[total];
            for (int i = 0; i < total; i++)
            {
                doubles[i] = Double.longBitsToDouble(values[i]);
            }
            ResultWriter.write(options.out, ids, doubles);
        }
        else
        {
            ResultWriter.writeLongs(options.out, ids, values, MinLabelProgram.UNREACHED);
        }
    }

    /**
     * Sorts ids and their values together: each worker's part is sorted, so a merge of sorted runs.
     */
    static void sortByIds(final long[] ids, final long[] values)
    {
        final Integer[] order = new Integer[ids.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Long.compare(ids[a], ids[b]));
        final long[] sortedIds = new long[ids.length];
        final long[] sortedValues = new long[ids.length];
        for (int i = 0; i < order.length; i++)
        {
            sortedIds[i] = ids[order[i]];
            sortedValues[i] = values[order[i]];
        }
        System.arraycopy(sortedIds, 0, ids, 0, ids.length);
        System.arraycopy(sortedValues, 0, values, 0, values.length);
    }

    private static List<String> args(final GraphOptions options)
    {
        final List<String> args = new ArrayList<>(List.of(options.algorithm, "--edges", options.edges.toString(),
            "--iterations", Integer.toString(options.iterations), "--tolerance", Double.toString(options.tolerance),
            "--damping", Double.toString(options.damping), "--max-supersteps", Long.toString(options.maxSupersteps)));
        if (options.source >= 0)
        {
            args.addAll(List.of("--source", Long.toString(options.source)));
        }
        if (null != options.programClass)
        {
            args.addAll(List.of("--program-class", options.programClass, "--values", options.values));
        }
        return args;
    }
}
