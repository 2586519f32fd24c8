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

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code scripts/shawarma aggregate ...}: runs an aggregate program over N worker processes on this machine. This
 * process builds the network (grid or edge list), checks the options, starts a media driver (embedded) and N - 1
 * worker JVMs that attach to it, so that the workers talk over Aeron IPC, runs worker 1 itself (printing a progress
 * line per round on stderr), then merges every worker's device values into the output file, sorted by device id.
 */
public final class AggregateMain
{
    /** The composition root's clock: the job's time on the console. */
    private static final NanoClock CLOCK = SystemNanoClock.INSTANCE;

    private static final int STREAM_BASE = 4000;
    private static final String DRIVER_IDLE = "sleeping";

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
        System.err.printf("%,d devices, %,d edges; %d rounds on %d worker(s)%n", network.vertexCount(),
            network.edgeCount(), options.rounds, options.workers);

        // The workers' IPC frames never pass through the driver (it only keeps the books: connections, flow
        // control windows far larger than a round's frames), so it sleeps 1 ms between duty cycles rather than
        // taking CPU from the workers on a small machine; -Dshawarma.driver.idle=... overrides.
        try (Transport transport = ChildWorkers.launcherDriver("aggregate", DRIVER_IDLE);
            ChildWorkers children = ChildWorkers.overIpcWithParts("aggregate", AggregateMain.class.getName(),
                options.workers, options.workerArgs(), transport.aeronDirectoryName(), System.err))
        {
            final double[] values = new double[network.vertexCount()];
            final AggregateWorker.Result mine = compute(network, options, 1, children.members(), transport, System.err);
            System.err.printf("aggregate worker 1: %d rounds took %.6f s%n", mine.rounds, mine.roundNanos / 1e9);
            place(network, mine, values);
            for (int id = 2; id <= options.workers; id++)
            {
                place(network, readPart(children.awaitPart(id, ChildWorkers.WORKER_TIMEOUT_MS)), values);
            }
            write(options, network.vertexIds(), values);
            System.err.printf("aggregate %s: %d rounds, %d worker(s), %.1f s; wrote %s%n",
                null != options.program ? options.program : options.programClass, options.rounds, options.workers,
                (CLOCK.nanoTime() - startNs) / 1e9, options.out);
        }
    }

    private static void runWorker(final AggregateOptions options)
    {
        if (null == options.aeronDir || null == options.members || null == options.part)
        {
            throw new IllegalArgumentException("--worker-id needs --members, --aeron-dir and --part");
        }
        final AggregateWorker.Result result;
        try (Transport transport = Transport.external(options.aeronDir, Throwable::printStackTrace, true))
        {
            result = compute(options.network(), options, options.workerId, options.members, transport, null);
        }
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(options.part))))
        {
            out.writeInt(result.deviceIds.length);
            for (int i = 0; i < result.deviceIds.length; i++)
            {
                out.writeLong(result.deviceIds[i]);
                out.writeDouble(result.values[i]);
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
            final AggregateWorker.Result result =
                worker.run(options.rounds, options.synchronous, ChildWorkers.CONNECT_TIMEOUT_NS);
            if (null != progress)
            {
                // For bench aggregate: the wire per round and the memory per device, taken while the worker lives.
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
            return result;
        }
    }

    private static void place(final EdgeList network, final AggregateWorker.Result result, final double[] values)
    {
        for (int i = 0; i < result.deviceIds.length; i++)
        {
            values[network.indexOf(result.deviceIds[i])] = result.values[i];
        }
    }

    private static AggregateWorker.Result readPart(final Path part)
    {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(part))))
        {
            final int count = in.readInt();
            final long[] ids = new long[count];
            final double[] values = new double[count];
            for (int i = 0; i < count; i++)
            {
                ids[i] = in.readLong();
                values[i] = in.readDouble();
            }
            return new AggregateWorker.Result(ids, values, 0, 0);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
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
