package io.shawarma.fabric.demo;

import io.aeron.CommonContext;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.fabric.udf.ScoreUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code scripts/shawarma demo}: starts a fabric of three worker processes on loopback UDP, loads vertices, runs
 * calls on every path (to the owner, forwarded by a non-owner, reads) and provokes every status a caller can see
 * today, checks every answer, prints a table of outcomes and latencies, and stops the workers. Exits 0 when every
 * answer was right, 1 when one was not, 2 on bad options.
 */
public final class Demo
{
    private static final int[] WORKER_IDS = {1, 2, 3};
    private static final int COUNTERS = 3000;
    private static final int SCORE_VECTORS = 100;
    private static final int FEATURES = 16;
    private static final long COUNTER_ID_BASE = 1;
    private static final long SCORE_ID_BASE = 1_000_000;
    private static final long UNKNOWN_ID_BASE = 9_000_000_000L;
    private static final int STORE_VALUE_MAX_BYTES = 1024;
    private static final int TOO_LARGE_VALUE_BYTES = 2048;
    private static final long WORKER_CALL_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long CLIENT_CALL_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long SETTLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_PENDING_CALLS = 64;
    private static final int ASYNC_BURST = 100;
    private static final int ERROR_CALLS = 3;
    private static final int DEFAULT_CALLS = 20_000;
    private static final long PATH_BUDGET_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long WARM_UP_BUDGET_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_PROBLEMS_SHOWN = 20;
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int READ = Udf.idOf(ReadUdf.NAME);
    private static final int SCORE = Udf.idOf(ScoreUdf.NAME);
    private static final int NO_SUCH_UDF = Udf.idOf("no-such-udf");

    private final int calls;
    private final boolean verbose;
    private final PrintStream out = System.out;
    private final SplittableRandom random = new SplittableRandom(7301);
    private final UnsafeBuffer args = new UnsafeBuffer(new byte[TOO_LARGE_VALUE_BYTES]);
    private final UnsafeBuffer result = new UnsafeBuffer(new byte[Configuration.MAX_PAYLOAD_BYTES_DEFAULT]);
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
    private final long[] expected = new long[COUNTERS];
    private final boolean[] uncertain = new boolean[COUNTERS];
    private final double[][] weights = new double[SCORE_VECTORS][FEATURES];
    private final List<CallStats> rows = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();
    private final Long2LongHashMap asyncCounterIndex = new Long2LongHashMap(-1);
    private CallStats asyncStats;
    private long asyncAnswers;
    private long problemCount;
    private volatile boolean finished;

    private Demo(final int calls, final boolean verbose)
    {
        this.calls = calls;
        this.verbose = verbose;
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
        System.exit(new Demo(calls, verbose).run());
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
            TimeUnit.NANOSECONDS.toSeconds(PATH_BUDGET_NS) + " s");
        out.println("  --verbose    show every line the workers print, prefixed [worker N]");
        out.println("  exit status: 0 all answers right, 1 something was wrong (printed), 2 bad options");
    }

    private int run()
    {
        final long startNs = System.nanoTime();
        // Every media driver of this demo (the workers' and the client's) lives under one base name, so the
        // clean-up removes exactly this demo's directories, even after a child had to be killed.
        final File aeronDirBase = new File(CommonContext.getAeronDirectoryName() + "-demo-" +
            ProcessHandle.current().pid());
        System.setProperty(CommonContext.AERON_DIR_PROP_NAME, aeronDirBase.getPath());

        final WorkerProcesses workers = new WorkerProcesses(
            WORKER_IDS, aeronDirBase.getPath(), workerProperties(), verbose, out);
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
            out.printf("workers ready in %.1f s; connecting a client%n", (System.nanoTime() - startNs) / 1e9);

            try (FabricClient client = FabricClient.connect(new FabricClient.Context()
                .fabric(workers.fabric())
                .idleStrategy(idleStrategy())
                .callTimeoutNs(CLIENT_CALL_TIMEOUT_NS)
                .maxPendingCalls(MAX_PENDING_CALLS)
                .connectTimeoutNs(CONNECT_TIMEOUT_NS)
                .resultHandler(this::onAsyncResult)))
            {
                runCalls(client, workers);
                describeWorkers(client, workers);
            }
        }
        catch (final RuntimeException ex)
        {
            // The message's first line: a worker's output, which it may go on with, is printed below.
            final String message = String.valueOf(ex.getMessage());
            problem("demo stopped: " + ex.getClass().getSimpleName() + ": " +
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

        if (!rows.isEmpty())
        {
            out.println();
            CallStats.printAll(out, rows);
        }
        if (!summary.isEmpty())
        {
            out.println();
            summary.forEach(out::println);
        }
        out.printf("%ntotal %.1f s%n", (System.nanoTime() - startNs) / 1e9);
        if (0 == problemCount)
        {
            out.println("OK: every answer was right; workers stopped, their /dev/shm directories removed");
            return 0;
        }

        out.println();
        out.println("worker output:");
        workers.printOutput(out);
        out.println();
        out.println("FAILED: " + problemCount + " problem(s)" +
            (problemCount > problems.size() ? ", first " + problems.size() + ":" : ":"));
        for (final String problem : problems)
        {
            out.println("  " + problem);
        }
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

    private void runCalls(final FabricClient client, final WorkerProcesses workers)
    {
        load(client);
        awaitForwarding(client);

        // Warm-up (not in the table): the same calls, so the JIT has compiled both sides before we measure.
        final int warmUp = Math.min(calls / 5, 5_000);
        out.println("warming up (" + warmUp + " calls per path), then " + calls + " calls per path");
        final CallStats scratch = new CallStats("warm-up", "");
        invokeAdd(client, scratch, warmUp, WARM_UP_BUDGET_NS, false);
        invokeAdd(client, scratch, warmUp, WARM_UP_BUDGET_NS, true);
        invokeScore(client, scratch, warmUp, WARM_UP_BUDGET_NS);
        get(client, scratch, warmUp, WARM_UP_BUDGET_NS);

        // On a busy machine a path stops at its time budget, so the demo stays short; the row says so.
        final CallStats local = row("invoke", "add @owner (local: 1 hop)");
        invokeAdd(client, local, calls, PATH_BUDGET_NS, false);
        final CallStats forwarded = row("invokeVia", "add @non-owner (forwarded: 2 hops)");
        invokeAdd(client, forwarded, calls, PATH_BUDGET_NS, true);
        final CallStats score = row("invoke", "score @owner (16 float64 dot product)");
        invokeScore(client, score, calls, PATH_BUDGET_NS);
        final CallStats reads = row("get", "value @owner");
        get(client, reads, calls, PATH_BUDGET_NS);
        for (final CallStats path : new CallStats[]{ local, forwarded, score, reads })
        {
            if (path.calls() < calls)
            {
                path.note("stopped at its " + TimeUnit.NANOSECONDS.toSeconds(PATH_BUDGET_NS) + " s time budget after " +
                    path.calls() + " of " + calls + " calls");
            }
        }

        noSuchVertex(client);
        noSuchUdf(client);
        udfFailed(client);
        malformed(client);
        moved(client);
        backPressured(client);
        timeout(client, workers);
        rows.add(CallStats.notApplicable(Status.UNAUTHENTICATED.name(),
            "n/a here (authentication is off: set shawarma.secret.file, docs/security.md)"));
        rows.add(CallStats.notApplicable(Status.LENT.name() + "/" + Status.LEASE_EXPIRED.name(),
            "n/a here (borrowing is off by default: shawarma.scheduler.policy=forward)"));

        verifyCounters(client);
    }

    private void load(final FabricClient client)
    {
        final CallStats stats = row("put", "load " + COUNTERS + " counters + " + SCORE_VECTORS + " vectors");
        out.println("loading " + COUNTERS + " counters and " + SCORE_VECTORS + " score weight vectors");
        for (int i = 0; i < COUNTERS; i++)
        {
            expected[i] = random.nextInt(1_000);
            args.putLong(0, expected[i], LITTLE_ENDIAN);
            final long vertexId = COUNTER_ID_BASE + i;
            final long t0 = System.nanoTime();
            final Status status = client.put(vertexId, args, 0, Long.BYTES);
            stats.record(status, System.nanoTime() - t0);
            if (Status.OK != status)
            {
                uncertain[i] = true;
                problem("put counter " + vertexId + ": " + describe(client, status));
            }
        }
        for (int v = 0; v < SCORE_VECTORS; v++)
        {
            for (int f = 0; f < FEATURES; f++)
            {
                weights[v][f] = random.nextDouble(-1, 1);
                args.putDouble(f * Double.BYTES, weights[v][f], LITTLE_ENDIAN);
            }
            final long vertexId = SCORE_ID_BASE + v;
            final long t0 = System.nanoTime();
            final Status status = client.put(vertexId, args, 0, FEATURES * Double.BYTES);
            stats.record(status, System.nanoTime() - t0);
            if (Status.OK != status)
            {
                problem("put score vector " + vertexId + ": " + describe(client, status));
            }
        }
    }

    /**
     * Workers connect to each other in the background after they print ready: wait (bounded) until every worker
     * can forward to every other one, so the measured forwarded calls see a settled fabric.
     */
    private void awaitForwarding(final FabricClient client)
    {
        for (final int via : WORKER_IDS)
        {
            for (final int owner : WORKER_IDS)
            {
                if (via == owner)
                {
                    continue;
                }
                final long vertexId = COUNTER_ID_BASE + counterOwnedBy(client, owner);
                final long deadlineNs = System.nanoTime() + SETTLE_TIMEOUT_NS;
                Status status;
                idle.reset();
                while (Status.OK != (status = client.invokeVia(via, vertexId, READ, args, 0, 0, result)))
                {
                    if (System.nanoTime() - deadlineNs >= 0)
                    {
                        throw new IllegalStateException("worker " + via + " could not forward to worker " + owner +
                            " within " + TimeUnit.NANOSECONDS.toSeconds(SETTLE_TIMEOUT_NS) + " s: " +
                            describe(client, status));
                    }
                    idle.idle();
                }
            }
        }
    }

    private void invokeAdd(
        final FabricClient client, final CallStats stats, final int count, final long budgetNs, final boolean forwarded)
    {
        final long deadlineNs = System.nanoTime() + budgetNs;
        for (int i = 0; i < count && System.nanoTime() - deadlineNs < 0; i++)
        {
            final int index = random.nextInt(COUNTERS);
            final long vertexId = COUNTER_ID_BASE + index;
            final long delta = 1 + random.nextInt(100);
            args.putLong(0, delta, LITTLE_ENDIAN);
            final int via = forwarded ? nonOwner(client, vertexId, i) : -1;

            final long t0 = System.nanoTime();
            final Status status = forwarded ?
                client.invokeVia(via, vertexId, ADD, args, 0, Long.BYTES, result) :
                client.invoke(vertexId, ADD, args, 0, Long.BYTES, result);
            stats.record(status, System.nanoTime() - t0);

            if (Status.OK == status)
            {
                expected[index] += delta;
                if (!uncertain[index] && result.getLong(0, LITTLE_ENDIAN) != expected[index])
                {
                    uncertain[index] = true;
                    problem("add " + delta + " to counter " + vertexId + (forwarded ? " via worker " + via : "") +
                        ": total " + result.getLong(0, LITTLE_ENDIAN) + ", expected " + expected[index]);
                }
            }
            else
            {
                // TIMEOUT or BACK_PRESSURED leave it open whether the add was applied.
                uncertain[index] = true;
                problem("add to counter " + vertexId + (forwarded ? " via worker " + via : "") + ": " +
                    describe(client, status));
            }
        }
    }

    private void invokeScore(final FabricClient client, final CallStats stats, final int count, final long budgetNs)
    {
        final double[] features = new double[FEATURES];
        final long deadlineNs = System.nanoTime() + budgetNs;
        for (int i = 0; i < count && System.nanoTime() - deadlineNs < 0; i++)
        {
            final int v = random.nextInt(SCORE_VECTORS);
            double expectedScore = 0;
            for (int f = 0; f < FEATURES; f++)
            {
                features[f] = random.nextDouble(-1, 1);
                args.putDouble(f * Double.BYTES, features[f], LITTLE_ENDIAN);
                expectedScore += weights[v][f] * features[f];
            }

            final long t0 = System.nanoTime();
            final Status status = client.invoke(SCORE_ID_BASE + v, SCORE, args, 0, FEATURES * Double.BYTES, result);
            stats.record(status, System.nanoTime() - t0);

            if (Status.OK != status)
            {
                problem("score vector " + (SCORE_ID_BASE + v) + ": " + describe(client, status));
            }
            else if (client.resultLength() != Double.BYTES ||
                Double.compare(result.getDouble(0, LITTLE_ENDIAN), expectedScore) != 0)
            {
                problem("score vector " + (SCORE_ID_BASE + v) + ": " + result.getDouble(0, LITTLE_ENDIAN) +
                    " (" + client.resultLength() + " bytes), expected " + expectedScore);
            }
        }
    }

    private void get(final FabricClient client, final CallStats stats, final int count, final long budgetNs)
    {
        final long deadlineNs = System.nanoTime() + budgetNs;
        for (int i = 0; i < count && System.nanoTime() - deadlineNs < 0; i++)
        {
            final int index = random.nextInt(COUNTERS);
            final long vertexId = COUNTER_ID_BASE + index;

            final long t0 = System.nanoTime();
            final Status status = client.get(vertexId, result);
            stats.record(status, System.nanoTime() - t0);

            if (Status.OK != status)
            {
                problem("get counter " + vertexId + ": " + describe(client, status));
            }
            else if (!uncertain[index] &&
                (client.resultLength() != Long.BYTES || result.getLong(0, LITTLE_ENDIAN) != expected[index]))
            {
                uncertain[index] = true;
                problem("get counter " + vertexId + ": " + result.getLong(0, LITTLE_ENDIAN) + " (" +
                    client.resultLength() + " bytes), expected " + expected[index]);
            }
        }
    }

    private void noSuchVertex(final FabricClient client)
    {
        final CallStats stats = row(Status.NO_SUCH_VERTEX.name(), "invoke read on ids never put");
        for (int i = 0; i < ERROR_CALLS; i++)
        {
            final long t0 = System.nanoTime();
            final Status status = client.invoke(UNKNOWN_ID_BASE + i, READ, args, 0, 0, result);
            stats.record(status, System.nanoTime() - t0);
            expect(stats, client, Status.NO_SUCH_VERTEX, status, "invoke read on vertex " + (UNKNOWN_ID_BASE + i));
        }
    }

    private void noSuchUdf(final FabricClient client)
    {
        final CallStats stats = row(Status.NO_SUCH_UDF.name(), "invoke \"no-such-udf\" on a counter");
        for (int i = 0; i < ERROR_CALLS; i++)
        {
            final long t0 = System.nanoTime();
            final Status status = client.invoke(COUNTER_ID_BASE + i, NO_SUCH_UDF, args, 0, 0, result);
            stats.record(status, System.nanoTime() - t0);
            expect(stats, client, Status.NO_SUCH_UDF, status, "invoke no-such-udf");
        }
    }

    private void udfFailed(final FabricClient client)
    {
        final CallStats stats = row(Status.UDF_FAILED.name(), "invoke add with 3-byte args (needs 8)");
        for (int i = 0; i < ERROR_CALLS; i++)
        {
            args.putLong(0, 1_000_000, LITTLE_ENDIAN);
            final long t0 = System.nanoTime();
            final Status status = client.invoke(COUNTER_ID_BASE + i, ADD, args, 0, 3, result);
            stats.record(status, System.nanoTime() - t0);
            // The counter must be unchanged: checked with every other counter at the end.
            expect(stats, client, Status.UDF_FAILED, status, "add with 3-byte args");
        }
    }

    private void malformed(final FabricClient client)
    {
        final CallStats stats = row(Status.MALFORMED.name(), "put a " + TOO_LARGE_VALUE_BYTES / 1024 +
            " KiB value (store max " + STORE_VALUE_MAX_BYTES + " B)");
        args.setMemory(0, TOO_LARGE_VALUE_BYTES, (byte)'x');
        for (int i = 0; i < ERROR_CALLS; i++)
        {
            final long vertexId = UNKNOWN_ID_BASE + 100 + i;
            final long t0 = System.nanoTime();
            final Status status = client.put(vertexId, args, 0, TOO_LARGE_VALUE_BYTES);
            stats.record(status, System.nanoTime() - t0);
            // put() returns no text, so the row says what the worker refused.
            expect(null, client, Status.MALFORMED, status, "put of " + TOO_LARGE_VALUE_BYTES + " bytes");

            final Status after = client.get(vertexId, result);
            if (Status.NO_SUCH_VERTEX != after)
            {
                problem("get vertex " + vertexId + " after a refused put: " + describe(client, after) +
                    ", expected NO_SUCH_VERTEX");
            }
        }
        stats.note("the owner refused the value (> " + Configuration.STORE_VALUE_MAX_BYTES_PROP + "=" +
            STORE_VALUE_MAX_BYTES + ") and stored nothing: a get afterwards is NO_SUCH_VERTEX");
    }

    private void moved(final FabricClient client)
    {
        final CallStats stats = row(Status.MOVED.name(), "invokeAt a worker that is not the owner");
        for (int i = 0; i < ERROR_CALLS; i++)
        {
            final long vertexId = COUNTER_ID_BASE + i;
            final int owner = client.placement().ownerOf(vertexId);
            final int notOwner = nonOwner(client, vertexId, i);
            final long t0 = System.nanoTime();
            final Status status = client.invokeAt(notOwner, vertexId, READ, args, 0, 0, result);
            stats.record(status, System.nanoTime() - t0);
            expect(stats, client, Status.MOVED, status, "invokeAt worker " + notOwner);
            if (Status.MOVED == status && client.lastOwnerId() != owner)
            {
                problem("MOVED from worker " + notOwner + " named owner " + client.lastOwnerId() + ", expected " +
                    owner);
            }
        }
        stats.note("each answer named the owner (lastOwnerId), as placement().ownerOf() says");
    }

    private void backPressured(final FabricClient client)
    {
        final CallStats stats = row(Status.BACK_PRESSURED.name(), "sendInvoke " + ASYNC_BURST + " adds, " +
            "maxPendingCalls " + MAX_PENDING_CALLS);
        asyncStats = stats;
        asyncAnswers = 0;
        asyncCounterIndex.clear();
        args.putLong(0, 1, LITTLE_ENDIAN);
        int accepted = 0;
        for (int i = 0; i < ASYNC_BURST; i++)
        {
            final int index = i % COUNTERS;
            final long t0 = System.nanoTime();
            final long correlationId = client.sendInvoke(COUNTER_ID_BASE + index, ADD, args, 0, Long.BYTES);
            final long sendNs = System.nanoTime() - t0;
            if (correlationId > 0)
            {
                accepted++;
                asyncCounterIndex.put(correlationId, index);
                stats.recordSend(sendNs);
            }
            else
            {
                stats.record(Status.of((int)-correlationId), sendNs);
            }
        }

        final long deadlineNs = System.nanoTime() + SETTLE_TIMEOUT_NS;
        idle.reset();
        while (asyncAnswers < accepted && System.nanoTime() - deadlineNs < 0)
        {
            idle.idle(client.poll());
        }
        if (accepted != MAX_PENDING_CALLS || stats.count(Status.BACK_PRESSURED) != ASYNC_BURST - MAX_PENDING_CALLS)
        {
            problem("sendInvoke accepted " + accepted + " of " + ASYNC_BURST + " with maxPendingCalls " +
                MAX_PENDING_CALLS + ", refused " + stats.count(Status.BACK_PRESSURED) + " as BACK_PRESSURED");
        }
        if (asyncAnswers != accepted || stats.count(Status.OK) != accepted)
        {
            problem("of " + accepted + " asynchronous adds sent, " + asyncAnswers + " answered, " +
                stats.count(Status.OK) + " OK");
        }
        stats.note("the client refused the calls past " + MAX_PENDING_CALLS + " in flight; the accepted ones were " +
            "answered through poll() (p50/p99: sendInvoke itself)");
    }

    private void onAsyncResult(
        final long correlationId, final Status status, final int ownerId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final int index = (int)asyncCounterIndex.remove(correlationId);
        if (index < 0 || null == asyncStats)
        {
            problem("answer " + status + " to asynchronous call " + correlationId + " that was not sent");
            return;
        }
        asyncAnswers++;
        asyncStats.answered(status);
        if (Status.OK == status)
        {
            expected[index] += 1;
            if (!uncertain[index] && buffer.getLong(offset, LITTLE_ENDIAN) != expected[index])
            {
                uncertain[index] = true;
                problem("asynchronous add to counter " + (COUNTER_ID_BASE + index) + ": total " +
                    buffer.getLong(offset, LITTLE_ENDIAN) + ", expected " + expected[index]);
            }
        }
        else
        {
            uncertain[index] = true;
            problem("asynchronous add to counter " + (COUNTER_ID_BASE + index) + ": " + status + " " +
                buffer.getStringWithoutLengthUtf8(offset, length));
        }
    }

    /**
     * Freezes one worker (SIGSTOP) and calls a vertex it owns: directly (the client gives up after its call
     * timeout) and through another worker (that worker gives up after its own, shorter, timeout and answers
     * TIMEOUT). Then lets it run again (SIGCONT) and shows it serves again.
     */
    private void timeout(final FabricClient client, final WorkerProcesses workers)
    {
        final CallStats stats = row(Status.TIMEOUT.name(), "call a vertex of a worker frozen by SIGSTOP");
        final int victim = WORKER_IDS[1];
        final int via = WORKER_IDS[2];
        final long vertexId = COUNTER_ID_BASE + counterOwnedBy(client, victim);

        workers.suspend(victim);
        try
        {
            long t0 = System.nanoTime();
            Status status = client.invoke(vertexId, READ, args, 0, 0, result);
            stats.record(status, System.nanoTime() - t0);
            expect(stats, client, Status.TIMEOUT, status, "invoke at frozen worker " + victim);

            t0 = System.nanoTime();
            status = client.invokeVia(via, vertexId, READ, args, 0, 0, result);
            stats.record(status, System.nanoTime() - t0);
            expect(stats, client, Status.TIMEOUT, status, "invokeVia worker " + via + " to frozen worker " + victim);
        }
        finally
        {
            workers.resume(victim);
        }

        final long resumedNs = System.nanoTime();
        final long deadlineNs = resumedNs + SETTLE_TIMEOUT_NS;
        int attempts = 0;
        Status status;
        idle.reset();
        do
        {
            attempts++;
            status = client.invoke(vertexId, READ, args, 0, 0, result);
            if (Status.OK != status)
            {
                idle.idle();
            }
        }
        while (Status.OK != status && System.nanoTime() - deadlineNs < 0);

        stats.note(String.format("direct: the client gave up after %d ms; via worker %d: it gave up after %d ms",
            TimeUnit.NANOSECONDS.toMillis(CLIENT_CALL_TIMEOUT_NS), via,
            TimeUnit.NANOSECONDS.toMillis(WORKER_CALL_TIMEOUT_NS)));
        if (Status.OK == status)
        {
            stats.note(String.format("after SIGCONT worker %d (pid %d) served vertex %d again in %.1f ms (%d call%s)",
                victim, workers.pid(victim), vertexId, (System.nanoTime() - resumedNs) / 1e6, attempts,
                attempts == 1 ? "" : "s"));
        }
        else
        {
            problem("worker " + victim + " did not serve again within " +
                TimeUnit.NANOSECONDS.toSeconds(SETTLE_TIMEOUT_NS) + " s of SIGCONT: " + describe(client, status));
        }
    }

    private void verifyCounters(final FabricClient client)
    {
        long sum = 0;
        int checked = 0;
        for (int i = 0; i < COUNTERS; i++)
        {
            final long vertexId = COUNTER_ID_BASE + i;
            final Status status = client.get(vertexId, result);
            if (Status.OK != status)
            {
                problem("final get of counter " + vertexId + ": " + describe(client, status));
            }
            else if (!uncertain[i])
            {
                checked++;
                sum += result.getLong(0, LITTLE_ENDIAN);
                if (result.getLong(0, LITTLE_ENDIAN) != expected[i])
                {
                    problem("counter " + vertexId + " ends at " + result.getLong(0, LITTLE_ENDIAN) + ", expected " +
                        expected[i]);
                }
            }
        }
        long expectedSum = 0;
        for (int i = 0; i < COUNTERS; i++)
        {
            expectedSum += uncertain[i] ? 0 : expected[i];
        }
        summary.add(String.format("  verified %d of %d counters at the end: their sum is %d, expected %d%s",
            checked, COUNTERS, sum, expectedSum, sum == expectedSum ? " (right)" : " (WRONG)"));
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
            summary.add(String.format("  worker %d  pid %-7d %-38s owns %d counters",
                WORKER_IDS[w], workers.pid(WORKER_IDS[w]), workers.channel(WORKER_IDS[w]), owned[w]));
        }
        summary.add(String.format("  client %d  pid %-7d answers that came after their call timed out: %d",
            client.id(), ProcessHandle.current().pid(), client.lateResults()));
    }

    private CallStats row(final String name, final String description)
    {
        final CallStats stats = new CallStats(name, description);
        rows.add(stats);
        return stats;
    }

    /**
     * Checks a status; on the first call of a row that got it, notes the worker's error text (when the call
     * returns one: with {@code stats} null it does not).
     */
    private void expect(
        final CallStats stats, final FabricClient client, final Status expectedStatus, final Status status,
        final String what)
    {
        if (expectedStatus != status)
        {
            problem(what + ": " + describe(client, status) + ", expected " + expectedStatus);
        }
        else if (null != stats && 1 == stats.count(expectedStatus) && client.resultLength() > 0)
        {
            stats.note("worker's text: \"" + result.getStringWithoutLengthUtf8(0, client.resultLength()) + "\"");
        }
    }

    private int counterOwnedBy(final FabricClient client, final int workerId)
    {
        for (int i = 0; i < COUNTERS; i++)
        {
            if (client.placement().ownerOf(COUNTER_ID_BASE + i) == workerId)
            {
                return i;
            }
        }
        throw new IllegalStateException("no counter is placed on worker " + workerId);
    }

    /**
     * @return a worker other than the vertex's owner, alternating between the others with {@code i}.
     */
    private static int nonOwner(final FabricClient client, final long vertexId, final int i)
    {
        final int owner = client.placement().ownerOf(vertexId);
        int pick = i % (WORKER_IDS.length - 1);
        for (final int workerId : WORKER_IDS)
        {
            if (workerId != owner && 0 == pick--)
            {
                return workerId;
            }
        }
        throw new IllegalStateException("no worker other than " + owner);
    }

    private String describe(final FabricClient client, final Status status)
    {
        final int length = Status.OK == status ? 0 : Math.min(client.resultLength(), result.capacity());
        return status + (length > 0 ? " \"" + new String(result.byteArray(), 0, length, StandardCharsets.UTF_8) +
            "\"" : "");
    }

    private void problem(final String problem)
    {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS_SHOWN)
        {
            problems.add(problem);
        }
    }
}
