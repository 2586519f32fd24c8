package io.shawarma.fabric.demo;

import io.aeron.CommonContext;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.File;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.shawarma.fabric.demo.DemoFabric.CLIENT_CALL_TIMEOUT_NS;
import static io.shawarma.fabric.demo.DemoFabric.COUNTERS;
import static io.shawarma.fabric.demo.DemoFabric.COUNTER_ID_BASE;
import static io.shawarma.fabric.demo.DemoFabric.MAX_PENDING_CALLS;
import static io.shawarma.fabric.demo.DemoFabric.SCORE_VECTORS;
import static io.shawarma.fabric.demo.DemoFabric.STORE_VALUE_MAX_BYTES;
import static io.shawarma.fabric.demo.DemoFabric.WORKER_CALL_TIMEOUT_NS;
import static io.shawarma.fabric.demo.DemoFabric.WORKER_IDS;

/**
 * {@code scripts/shawarma demo}: starts a fabric of three worker processes on loopback UDP, loads vertices, runs
 * calls on every path (to the owner, forwarded by a non-owner, reads) and provokes every status a caller can see,
 * checks every answer, prints a table of outcomes and latencies, and stops the workers. Exits 0 when every answer
 * was right, 1 when one was not, 2 on bad options.
 */
public final class Demo
{
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final int DEFAULT_CALLS = 20_000;

    private final int calls;
    private final boolean verbose;
    private final NanoClock clock;
    private final PrintStream out = System.out;
    private final DemoReport report = new DemoReport();
    private final DemoCalls pathCalls;
    private final StatusCalls statusCalls;
    private volatile boolean finished;

    private Demo(final int calls, final boolean verbose, final NanoClock clock)
    {
        this.calls = calls;
        this.verbose = verbose;
        this.clock = clock;
        pathCalls = new DemoCalls(clock, report, out);
        statusCalls = new StatusCalls(pathCalls, report);
    }

    public static void main(final String[] args)
    {
        int calls = DEFAULT_CALLS;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--help":
                case "-h":
                    usage(System.out);
                    System.exit(0);
                    return;
                case "--verbose":
                case "-v":
                    verbose = true;
                    break;
                case "--calls":
                    calls = i + 1 < args.length ? parseCalls(args[++i]) : -1;
                    break;
                default:
                    calls = args[i].startsWith("--calls=") ? parseCalls(args[i].substring("--calls=".length())) : -1;
                    if (calls < 0)
                    {
                        System.err.println("shawarma demo: unknown option '" + args[i] + "'");
                    }
                    break;
            }
            if (calls < 1)
            {
                usage(System.err);
                System.exit(2);
                return;
            }
        }
        Configuration.loadOrExit("demo", null);
        System.exit(new Demo(calls, verbose, SystemNanoClock.INSTANCE).run());
    }

    private static int parseCalls(final String value)
    {
        try
        {
            return Integer.parseInt(value.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            System.err.println("shawarma demo: --calls needs a positive number, got '" + value + "'");
            return -1;
        }
    }

    private static void usage(final PrintStream out)
    {
        out.println("usage: scripts/shawarma demo [--calls N] [--verbose] [-Dname=value ...]");
        out.println("  starts 3 worker processes on loopback UDP, loads " + COUNTERS + " counters and " +
            SCORE_VECTORS + " score vectors,");
        out.println("  runs N calls per path (default " + DEFAULT_CALLS + ") and a few calls per error status,");
        out.println("  checks every answer, prints outcomes and p50/p99 latency, stops the workers.");
        out.println("  --calls N    calls per path (to the owner, forwarded, reads); a path also stops after " +
            DemoCalls.pathBudgetSeconds() + " s");
        out.println("  --verbose    show every line the workers print, prefixed [worker N]");
        out.println("  exit status: 0 all answers right, 1 something was wrong (printed), 2 bad options");
    }

    private int run()
    {
        final long startNs = clock.nanoTime();
        // Every media driver of this demo (the workers' and the client's) lives under one base name, so the
        // clean-up removes exactly this demo's directories, even after a child had to be killed.
        final File aeronDirBase = new File(CommonContext.getAeronDirectoryName() + "-demo-" +
            ProcessHandle.current().pid());
        System.setProperty(CommonContext.AERON_DIR_PROP_NAME, aeronDirBase.getPath());

        final WorkerProcesses workers = new WorkerProcesses(
            WORKER_IDS, aeronDirBase.getPath(), workerProperties(), verbose, out, clock);
        final Runnable cleanUp = () ->
        {
            if (!finished)
            {
                out.println("shawarma demo: stopping the workers");
            }
            workers.close();
            workers.removeMatching(aeronDirBase.getParentFile(), aeronDirBase.getName() + "-shawarma-");
        };
        Runtime.getRuntime().addShutdownHook(new Thread(cleanUp, "shawarma-demo-clean-up"));

        try
        {
            out.println("starting " + WORKER_IDS.length + " workers on loopback UDP (" + idleStrategy() + " idle): " +
                workers.fabric());
            workers.start(READY_TIMEOUT_NS);
            out.printf("workers ready in %.1f s; connecting a client%n", (clock.nanoTime() - startNs) / 1e9);

            try (FabricClient client = FabricClient.connect(new FabricClient.Context()
                .fabric(workers.fabric())
                .idleStrategy(idleStrategy())
                .callTimeoutNs(CLIENT_CALL_TIMEOUT_NS)
                .maxPendingCalls(MAX_PENDING_CALLS)
                .connectTimeoutNs(CONNECT_TIMEOUT_NS)
                .resultHandler(statusCalls::onAsyncResult)))
            {
                pathCalls.runPaths(client, calls);
                statusCalls.runAll(client, workers);
                pathCalls.verifyCounters(client);
                describeWorkers(client, workers);
            }
        }
        catch (final RuntimeException ex)
        {
            // The message's first line: a worker's output, which it may go on with, is printed below.
            final String message = String.valueOf(ex.getMessage());
            report.problem("demo stopped: " + ex.getClass().getSimpleName() + ": " +
                (message.indexOf('\n') < 0 ? message : message.substring(0, message.indexOf('\n'))));
            if (verbose)
            {
                ex.printStackTrace(out);
            }
        }
        finally
        {
            finished = true;
            cleanUp.run();
        }

        report.printResults(out);
        out.printf("%ntotal %.1f s%n", (clock.nanoTime() - startNs) / 1e9);
        if (0 == report.problemCount())
        {
            out.println("OK: every answer was right; workers stopped, their /dev/shm directories removed");
            return 0;
        }

        out.println();
        out.println("worker output:");
        workers.printOutput(out);
        out.println();
        report.printProblems(out);
        return 1;
    }

    private static Map<String, String> workerProperties()
    {
        final Map<String, String> properties = new LinkedHashMap<>();
        properties.put(Configuration.IDLE_PROP, idleStrategy());
        properties.put(Configuration.STORE_VALUE_MAX_BYTES_PROP, Integer.toString(STORE_VALUE_MAX_BYTES));
        properties.put(Configuration.STORE_ENTRIES_PROP, Integer.toString(64 * 1024));
        properties.put(Configuration.CALL_TIMEOUT_MS_PROP,
            Long.toString(TimeUnit.NANOSECONDS.toMillis(WORKER_CALL_TIMEOUT_NS)));
        properties.put(Configuration.DRIVER_PROP, "embedded");
        return properties;
    }

    /**
     * Backoff, which leaves the CPU to others on a shared machine, unless {@code -Dshawarma.idle.strategy=...} says otherwise
     * (yielding answers several times faster on loopback; busy-spin starves the media drivers on 2 cores).
     */
    private static String idleStrategy()
    {
        return System.getProperty(Configuration.IDLE_PROP, "backoff");
    }

    private void describeWorkers(final FabricClient client, final WorkerProcesses workers)
    {
        final int[] owned = new int[WORKER_IDS.length];
        for (int i = 0; i < COUNTERS; i++)
        {
            final int owner = client.placement().ownerOf(COUNTER_ID_BASE + i);
            for (int w = 0; w < WORKER_IDS.length; w++)
            {
                owned[w] += WORKER_IDS[w] == owner ? 1 : 0;
            }
        }
        for (int w = 0; w < WORKER_IDS.length; w++)
        {
            report.summary(String.format("  worker %d  pid %-7d %-38s owns %d counters",
                WORKER_IDS[w], workers.pid(WORKER_IDS[w]), workers.channel(WORKER_IDS[w]), owned[w]));
        }
        report.summary(String.format("  client %d  pid %-7d answers that came after their call timed out: %d",
            client.id(), ProcessHandle.current().pid(), client.lateResults()));
    }
}
