package io.shawarma.fabric.graph;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.process.ChildWorkers;
import io.shawarma.fabric.process.ProcessStats;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code scripts/shawarma pagerank|sssp|cc|bfs ...}: runs a graph algorithm over N worker processes on this
 * machine. This process starts a media driver (embedded, SHARED threading mode) and N - 1 worker JVMs that attach
 * to it, so that the workers talk over Aeron IPC (shared memory, no network stack, no per-worker driver thread);
 * then, while the other workers read the edge list too, it reads and checks it, runs the first worker itself (and
 * prints the per-superstep progress on stderr), and merges every worker's vertices into the output file.
 */
public final class GraphMain
{
    /** The composition root's clock: the job's timings on the console. */
    private static final NanoClock CLOCK = SystemNanoClock.INSTANCE;

    private static final int STREAM_BASE = 3000;

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
        try (Transport transport = ChildWorkers.launcherDriver("graph");
            ChildWorkers children = ChildWorkers.overIpc("graph", GraphMain.class.getName(), options.workers,
                args(options), transport.aeronDirectoryName(), System.err))
        {
            final EdgeList graph = EdgeListParser.parseGraph(options.edges);
            if (options.source >= 0 && graph.indexOf(options.source) < 0)
            {
                throw new IllegalArgumentException("--source " + options.source + " is not a vertex of " +
                    options.edges);
            }
            System.err.printf("read %,d vertices and %,d edges from %s in %.1f s%n", graph.vertexIds().length,
                graph.edgeCount(), options.edges, (CLOCK.nanoTime() - startNs) / 1e9);

            final long computeStartNs = CLOCK.nanoTime();
            final GraphWorker.Result mine = compute(graph, options, 1, children.members(), transport);
            System.err.printf("graph worker 1: supersteps took %.3f s, peak RSS %d MB%n",
                (CLOCK.nanoTime() - computeStartNs) / 1e9, ProcessStats.peakRssMb());
            final List<GraphWorker.Result> results = new ArrayList<>();
            results.add(mine);
            for (int id = 2; id <= options.workers; id++)
            {
                results.add(readPart(children.awaitPart(id, ChildWorkers.WORKER_TIMEOUT_MS)));
            }
            write(options, results);
            System.err.printf("%s: %d supersteps, %d workers, %.1f s; wrote %s%n", options.algorithm,
                mine.supersteps, options.workers, (CLOCK.nanoTime() - startNs) / 1e9, options.out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void runWorker(final GraphOptions options)
    {
        if (null == options.aeronDir || null == options.members || null == options.part)
        {
            throw new IllegalArgumentException("--worker-id needs --members, --aeron-dir and --part");
        }
        final EdgeList graph = EdgeListParser.parseGraph(options.edges);
        final long computeStartNs = CLOCK.nanoTime();
        final GraphWorker.Result result;
        try (Transport transport = Transport.external(options.aeronDir, Throwable::printStackTrace, true))
        {
            result = compute(graph, options, options.workerId, options.members, transport);
        }
        System.out.printf("graph worker %d: supersteps took %.3f s, peak RSS %d MB%n", options.workerId,
            (CLOCK.nanoTime() - computeStartNs) / 1e9, ProcessStats.peakRssMb());
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(options.part))))
        {
            out.writeLong(result.supersteps);
            out.writeInt(result.vertexIds.length);
            for (int i = 0; i < result.vertexIds.length; i++)
            {
                out.writeLong(result.vertexIds[i]);
                out.writeLong(result.values[i]);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Runs one worker of a job over the job's media driver.
     */
    static GraphWorker.Result compute(
        final EdgeList graph, final GraphOptions options, final int workerId, final String members,
        final Transport transport)
    {
        final String idle = Configuration.string(Configuration.IDLE_PROP, Configuration.IDLE_DEFAULT);
        try (GraphWorker worker = new GraphWorker(graph, FabricMembers.parse(members, "--members"), workerId,
            options.program(), transport.aeron(), STREAM_BASE, IdleStrategies.of(idle), options.maxSupersteps,
            System.err))
        {
            return worker.run(ChildWorkers.CONNECT_TIMEOUT_NS);
        }
    }

    private static GraphWorker.Result readPart(final Path part) throws IOException
    {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(part))))
        {
            final long supersteps = in.readLong();
            final int count = in.readInt();
            final long[] ids = new long[count];
            final long[] values = new long[count];
            for (int i = 0; i < count; i++)
            {
                ids[i] = in.readLong();
                values[i] = in.readLong();
            }
            return new GraphWorker.Result(ids, values, supersteps);
        }
    }

    private static void write(final GraphOptions options, final List<GraphWorker.Result> results) throws IOException
    {
        int total = 0;
        for (final GraphWorker.Result result : results)
        {
            total += result.vertexIds.length;
        }
        final long[] ids = new long[total];
        final long[] values = new long[total];
        int position = 0;
        for (final GraphWorker.Result result : results)
        {
            System.arraycopy(result.vertexIds, 0, ids, position, result.vertexIds.length);
            System.arraycopy(result.values, 0, values, position, result.values.length);
            position += result.vertexIds.length;
        }
        sortByIds(ids, values);
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
        return args;
    }
}
