package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.graph.EdgeList;
import io.shawarma.fabric.graph.EdgeListException;
import io.shawarma.fabric.graph.ResultWriter;
import io.shawarma.fabric.process.ChildWorkers;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/shawarma aggregate ...}: runs an aggregate program over N worker processes on this machine, or over
 * the workers of {@code --members} on several hosts. This process builds the network (grid or edge list), checks the
 * options, starts a media driver (embedded) and, on one machine, N - 1 worker JVMs that attach to it, so that the
 * workers talk over Aeron IPC (across hosts each worker runs its own driver and they talk over UDP); it runs the
 * first worker itself (printing a progress line per round on stderr), which gets every other worker's device outputs
 * over the job's links after the last round, and writes them into the output file, sorted by device id.
 */
public final class AggregateMain
{
    /** The composition root's clock: the job's time on the console. */
    private static final NanoClock CLOCK = SystemNanoClock.INSTANCE;

    private static final int STREAM_BASE = 4000;
    private static final String DRIVER_IDLE = "sleeping";
    /** How long the first member waits for the others' outputs after the last round, and they for its word. */
    private static final long RESULTS_TIMEOUT_NS = 600_000_000_000L;

    private AggregateMain()
    {
    }

    public static void main(final String[] args)
    {
        final AggregateOptions options;
        try
        {
            options = AggregateOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("shawarma aggregate: " + ex.getMessage());
            System.err.println(AggregateOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help)
        {
            System.out.println(AggregateOptions.USAGE);
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
        catch (final EdgeListException | IllegalArgumentException | IllegalStateException | UncheckedIOException ex)
        {
            System.err.println("shawarma aggregate: " + ex.getMessage());
            System.exit(1);
        }
    }

    private static void runJob(final AggregateOptions options)
    {
        final long startNs = CLOCK.nanoTime();
        final EdgeList network = options.network();
        options.newProgram();
        checkSources(network, options);
        System.err.printf("%,d devices, %,d edges; %d rounds on %d worker(s)%n", network.vertexCount(),
            network.edgeCount(), options.rounds, options.workers);
        final AggregateWorker.Result all;
        if (null != options.members)
        {
            // Workers on other hosts, started there with --worker-id: this process is the first member, with a media
            // driver of its own that sends and receives the UDP frames (so the default idle strategy, not sleeping).
            try (Transport transport = ChildWorkers.launcherDriver("aggregate"))
            {
                all = computeFirst(network, options, options.fabricMembers().idAt(0), options.members, transport);
            }
        }
        else
        {
            // The workers' IPC frames never pass through the driver (it only keeps the books: connections, flow
            // control windows far larger than a round's frames), so it sleeps 1 ms between duty cycles rather than
            // taking CPU from the workers on a small machine; -Dshawarma.driver.idle=... overrides.
            try (Transport transport = ChildWorkers.launcherDriver("aggregate", DRIVER_IDLE);
                ChildWorkers children = ChildWorkers.overIpc("aggregate", AggregateMain.class.getName(),
                    options.workers, options.workerArgs(), transport.aeronDirectoryName(), System.err))
            {
                all = computeFirst(network, options, 1, children.members(), transport);
                for (int id = 2; id <= options.workers; id++)
                {
                    children.awaitExit(id, ChildWorkers.WORKER_TIMEOUT_MS);
                }
            }
        }
        final double[] values = new double[network.vertexCount()];
        for (int i = 0; i < all.deviceIds.length; i++)
        {
            values[network.indexOf(all.deviceIds[i])] = all.values[i];
        }
        write(options, network.vertexIds(), values);
        System.err.printf("aggregate %s: %d rounds, %d worker(s), %.1f s; wrote %s%n",
            null != options.program ? options.program : options.programClass, options.rounds, options.workers,
            (CLOCK.nanoTime() - startNs) / 1e9, options.out);
    }

    /**
     * Runs the first member, which prints the progress and gets every worker's outputs.
     */
    private static AggregateWorker.Result computeFirst(
        final EdgeList network, final AggregateOptions options, final int workerId, final String members,
        final Transport transport)
    {
        final AggregateWorker.Result all = compute(network, options, workerId, members, transport, System.err);
        System.err.printf("aggregate worker %d: %d rounds took %.6f s%n", workerId, all.rounds,
            all.roundNanos / 1e9);
        return all;
    }

    /**
     * A worker other than the first: a child of a launcher on this machine (attached to its media driver with
     * {@code --aeron-dir}), or a worker on another host, with a media driver of its own.
     */
    private static void runWorker(final AggregateOptions options)
    {
        final EdgeList network = options.network();
        checkSources(network, options);
        final AggregateWorker.Result own;
        try (Transport transport = null != options.aeronDir ?
            Transport.external(options.aeronDir, Throwable::printStackTrace, true) :
            ChildWorkers.launcherDriver("aggregate-worker-" + options.workerId))
        {
            own = compute(network, options, options.workerId, options.members, transport, null);
        }
        System.out.printf("aggregate worker %d: %d rounds took %.6f s; outputs sent to the first member%n",
            options.workerId, own.rounds, own.roundNanos / 1e9);
    }

    private static void checkSources(final EdgeList network, final AggregateOptions options)
    {
        if (null == options.sources)
        {
            options.sources = new long[]{network.vertexIds()[0]};
        }
        for (final long source : options.sources)
        {
            if (network.indexOf(source) < 0)
            {
                throw new IllegalArgumentException("--sources: " + source + " is not a device of the network");
            }
        }
    }

    /**
     * Runs one worker of a job over its media driver, then brings the outputs together at the first member.
     *
     * @return on the first member every worker's devices and outputs, elsewhere this worker's.
     */
    static AggregateWorker.Result compute(
        final EdgeList network, final AggregateOptions options, final int workerId, final String members,
        final Transport transport, final PrintStream progress)
    {
        final String idle = Configuration.string(Configuration.IDLE_PROP, Configuration.IDLE_DEFAULT);
        try (AggregateWorker worker = new AggregateWorker(network, FabricMembers.parse(members, "--members"), workerId,
            options.newProgram(), options.retention, options.seed + workerId, transport.aeron(), STREAM_BASE,
            IdleStrategies.of(idle), progress))
        {
            for (final long source : options.sources)
            {
                worker.engine().sense(Sensors.SOURCE, source, 1);
            }
            final AggregateWorker.Result result = worker.run(options.rounds, options.synchronous,
                TimeUnit.SECONDS.toNanos(options.connectTimeoutSeconds));
            if (null != progress)
            {
                // For bench aggregate: the wire per round and the memory per device, taken while the worker lives
                // (before gathering the outputs, whose frames are not a round's).
                System.gc();
                final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.err.printf("aggregate worker %d: sent %d bytes to its peers in %d rounds; heap used after GC " +
                    "%d bytes for its %d devices%n", workerId, worker.counters().bytesSent(), options.rounds, heap,
                    result.deviceIds.length);
            }
            if (worker.engine().failures() > 0)
            {
                System.err.printf("aggregate worker %d: %d device rounds failed and were skipped; the first: %s%n",
                    workerId, worker.engine().failures(), worker.engine().firstFailure());
            }
            if (worker.malformed() > 0)
            {
                System.err.printf("aggregate worker %d: dropped %d malformed frames or records%n", workerId,
                    worker.malformed());
            }
            return worker.gather(result, RESULTS_TIMEOUT_NS);
        }
    }

    private static void write(final AggregateOptions options, final long[] ids, final double[] values)
    {
        if (options.newProgram().integerOutput())
        {
            final long[] whole = new long[values.length];
            for (int i = 0; i < values.length; i++)
            {
                whole[i] = Double.POSITIVE_INFINITY == values[i] ? Long.MAX_VALUE : (long)values[i];
            }
            ResultWriter.writeLongs(options.out, ids, whole, Long.MAX_VALUE);
        }
        else
        {
            ResultWriter.write(options.out, ids, values);
        }
    }
}
