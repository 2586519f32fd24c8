package io.shawarma.fabric.demo;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.udf.Status;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.shawarma.fabric.demo.DemoFabric.ADD;
import static io.shawarma.fabric.demo.DemoFabric.COUNTERS;
import static io.shawarma.fabric.demo.DemoFabric.COUNTER_ID_BASE;
import static io.shawarma.fabric.demo.DemoFabric.FEATURES;
import static io.shawarma.fabric.demo.DemoFabric.READ;
import static io.shawarma.fabric.demo.DemoFabric.SCORE;
import static io.shawarma.fabric.demo.DemoFabric.SCORE_ID_BASE;
import static io.shawarma.fabric.demo.DemoFabric.SCORE_VECTORS;
import static io.shawarma.fabric.demo.DemoFabric.SETTLE_TIMEOUT_NS;
import static io.shawarma.fabric.demo.DemoFabric.TOO_LARGE_VALUE_BYTES;
import static io.shawarma.fabric.demo.DemoFabric.WORKER_IDS;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The demo's calls on every path (to the owner, forwarded by a non-owner, reads), each answer checked against what
 * the demo put and added: every counter's expected total, unless an answer left it open whether an add was applied.
 */
final class DemoCalls
{
    private static final long PATH_BUDGET_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long WARM_UP_BUDGET_NS = TimeUnit.SECONDS.toNanos(1);

    private final NanoClock clock;
    private final DemoReport report;
    private final PrintStream out;
    private final SplittableRandom random = new SplittableRandom(7301);
    private final UnsafeBuffer args = new UnsafeBuffer(new byte[TOO_LARGE_VALUE_BYTES]);
    private final UnsafeBuffer result = new UnsafeBuffer(new byte[Configuration.MAX_PAYLOAD_BYTES_DEFAULT]);
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
    private final long[] expected = new long[COUNTERS];
    private final boolean[] uncertain = new boolean[COUNTERS];
    private final double[][] weights = new double[SCORE_VECTORS][FEATURES];

    DemoCalls(final NanoClock clock, final DemoReport report, final PrintStream out)
    {
        this.clock = clock;
        this.report = report;
        this.out = out;
    }

    /**
     * @return a path's time budget, for the usage text.
     */
    static long pathBudgetSeconds()
    {
        return TimeUnit.NANOSECONDS.toSeconds(PATH_BUDGET_NS);
    }

    /**
     * Loads the vertices, waits until every worker forwards, warms up, then makes {@code calls} calls per path.
     */
    void runPaths(final FabricClient client, final int calls)
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
        final CallStats local = report.row("invoke", "add @owner (local: 1 hop)");
        invokeAdd(client, local, calls, PATH_BUDGET_NS, false);
        final CallStats forwarded = report.row("invokeVia", "add @non-owner (forwarded: 2 hops)");
        invokeAdd(client, forwarded, calls, PATH_BUDGET_NS, true);
        final CallStats score = report.row("invoke", "score @owner (16 float64 dot product)");
        invokeScore(client, score, calls, PATH_BUDGET_NS);
        final CallStats reads = report.row("get", "value @owner");
        get(client, reads, calls, PATH_BUDGET_NS);
        for (final CallStats path : new CallStats[]{ local, forwarded, score, reads })
        {
            if (path.calls() < calls)
            {
                path.note("stopped at its " + pathBudgetSeconds() + " s time budget after " + path.calls() + " of " +
                    calls + " calls");
            }
        }
    }

    /**
     * Reads every counter back and checks those whose total is certain.
     */
    void verifyCounters(final FabricClient client)
    {
        long sum = 0;
        int checked = 0;
        for (int i = 0; i < COUNTERS; i++)
        {
            final long vertexId = COUNTER_ID_BASE + i;
            final Status status = client.get(vertexId, result);
            if (Status.OK != status)
            {
                report.problem("final get of counter " + vertexId + ": " + describe(client, status));
            }
            else if (!uncertain[i])
            {
                checked++;
                sum += result.getLong(0, LITTLE_ENDIAN);
                if (result.getLong(0, LITTLE_ENDIAN) != expected[i])
                {
                    report.problem("counter " + vertexId + " ends at " + result.getLong(0, LITTLE_ENDIAN) +
                        ", expected " + expected[i]);
                }
            }
        }
        long expectedSum = 0;
        for (int i = 0; i < COUNTERS; i++)
        {
            expectedSum += uncertain[i] ? 0 : expected[i];
        }
        report.summary(String.format("  verified %d of %d counters at the end: their sum is %d, expected %d%s",
            checked, COUNTERS, sum, expectedSum, sum == expectedSum ? " (right)" : " (WRONG)"));
    }

    NanoClock clock()
    {
        return clock;
    }

    IdleStrategy idle()
    {
        return idle;
    }

    UnsafeBuffer args()
    {
        return args;
    }

    UnsafeBuffer result()
    {
        return result;
    }

    long expected(final int index)
    {
        return expected[index];
    }

    /**
     * An add was applied: the counter's expected total grows by {@code delta}.
     *
     * @return false when the total answered differs (the counter is then left out of the final check).
     */
    boolean onAdded(final int index, final long delta, final long total)
    {
        expected[index] += delta;
        if (!uncertain[index] && total != expected[index])
        {
            uncertain[index] = true;
            return false;
        }
        return true;
    }

    /**
     * An answer left it open whether a call changed the counter: it is left out of the final check.
     */
    void markUncertain(final int index)
    {
        uncertain[index] = true;
    }

    /**
     * Checks a status; on the first call of a row that got it, notes the worker's error text (when the call
     * returns one: with {@code stats} null it does not).
     */
    void expect(
        final CallStats stats, final FabricClient client, final Status expectedStatus, final Status status,
        final String what)
    {
        if (expectedStatus != status)
        {
            report.problem(what + ": " + describe(client, status) + ", expected " + expectedStatus);
        }
        else if (null != stats && 1 == stats.count(expectedStatus) && client.resultLength() > 0)
        {
            stats.note("worker's text: \"" + result.getStringWithoutLengthUtf8(0, client.resultLength()) + "\"");
        }
    }

    /**
     * @return the status and, unless OK, the text the worker answered with.
     */
    String describe(final FabricClient client, final Status status)
    {
        final int length = Status.OK == status ? 0 : Math.min(client.resultLength(), result.capacity());
        return status + (length > 0 ? " \"" + new String(result.byteArray(), 0, length, StandardCharsets.UTF_8) +
            "\"" : "");
    }

    private void load(final FabricClient client)
    {
        final CallStats stats = report.row("put", "load " + COUNTERS + " counters + " + SCORE_VECTORS + " vectors");
        out.println("loading " + COUNTERS + " counters and " + SCORE_VECTORS + " score weight vectors");
        for (int i = 0; i < COUNTERS; i++)
        {
            expected[i] = random.nextInt(1_000);
            args.putLong(0, expected[i], LITTLE_ENDIAN);
            final long vertexId = COUNTER_ID_BASE + i;
            final long t0 = clock.nanoTime();
            final Status status = client.put(vertexId, args, 0, Long.BYTES);
            stats.record(status, clock.nanoTime() - t0);
            if (Status.OK != status)
            {
                uncertain[i] = true;
                report.problem("put counter " + vertexId + ": " + describe(client, status));
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
            final long t0 = clock.nanoTime();
            final Status status = client.put(vertexId, args, 0, FEATURES * Double.BYTES);
            stats.record(status, clock.nanoTime() - t0);
            if (Status.OK != status)
            {
                report.problem("put score vector " + vertexId + ": " + describe(client, status));
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
                final long vertexId = COUNTER_ID_BASE + DemoFabric.counterOwnedBy(client, owner);
                final long deadlineNs = clock.nanoTime() + SETTLE_TIMEOUT_NS;
                Status status;
                idle.reset();
                while (Status.OK != (status = client.invokeVia(via, vertexId, READ, args, 0, 0, result)))
                {
                    if (clock.nanoTime() - deadlineNs >= 0)
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
        final long deadlineNs = clock.nanoTime() + budgetNs;
        for (int i = 0; i < count && clock.nanoTime() - deadlineNs < 0; i++)
        {
            final int index = random.nextInt(COUNTERS);
            final long vertexId = COUNTER_ID_BASE + index;
            final long delta = 1 + random.nextInt(100);
            args.putLong(0, delta, LITTLE_ENDIAN);
            final int via = forwarded ? DemoFabric.nonOwner(client, vertexId, i) : -1;

            final long t0 = clock.nanoTime();
            final Status status = forwarded ?
                client.invokeVia(via, vertexId, ADD, args, 0, Long.BYTES, result) :
                client.invoke(vertexId, ADD, args, 0, Long.BYTES, result);
            stats.record(status, clock.nanoTime() - t0);

            if (Status.OK == status)
            {
                if (!onAdded(index, delta, result.getLong(0, LITTLE_ENDIAN)))
                {
                    report.problem("add " + delta + " to counter " + vertexId +
                        (forwarded ? " via worker " + via : "") + ": total " + result.getLong(0, LITTLE_ENDIAN) +
                        ", expected " + expected[index]);
                }
            }
            else
            {
                // TIMEOUT or BACK_PRESSURED leave it open whether the add was applied.
                uncertain[index] = true;
                report.problem("add to counter " + vertexId + (forwarded ? " via worker " + via : "") + ": " +
                    describe(client, status));
            }
        }
    }

    private void invokeScore(final FabricClient client, final CallStats stats, final int count, final long budgetNs)
    {
        final double[] features = new double[FEATURES];
        final long deadlineNs = clock.nanoTime() + budgetNs;
        for (int i = 0; i < count && clock.nanoTime() - deadlineNs < 0; i++)
        {
            final int v = random.nextInt(SCORE_VECTORS);
            double expectedScore = 0;
            for (int f = 0; f < FEATURES; f++)
            {
                features[f] = random.nextDouble(-1, 1);
                args.putDouble(f * Double.BYTES, features[f], LITTLE_ENDIAN);
                expectedScore += weights[v][f] * features[f];
            }

            final long t0 = clock.nanoTime();
            final Status status = client.invoke(SCORE_ID_BASE + v, SCORE, args, 0, FEATURES * Double.BYTES, result);
            stats.record(status, clock.nanoTime() - t0);

            if (Status.OK != status)
            {
                report.problem("score vector " + (SCORE_ID_BASE + v) + ": " + describe(client, status));
            }
            else if (client.resultLength() != Double.BYTES ||
                Double.compare(result.getDouble(0, LITTLE_ENDIAN), expectedScore) != 0)
            {
                report.problem("score vector " + (SCORE_ID_BASE + v) + ": " + result.getDouble(0, LITTLE_ENDIAN) +
                    " (" + client.resultLength() + " bytes), expected " + expectedScore);
            }
        }
    }

    private void get(final FabricClient client, final CallStats stats, final int count, final long budgetNs)
    {
        final long deadlineNs = clock.nanoTime() + budgetNs;
        for (int i = 0; i < count && clock.nanoTime() - deadlineNs < 0; i++)
        {
            final int index = random.nextInt(COUNTERS);
            final long vertexId = COUNTER_ID_BASE + index;

            final long t0 = clock.nanoTime();
            final Status status = client.get(vertexId, result);
            stats.record(status, clock.nanoTime() - t0);

            if (Status.OK != status)
            {
                report.problem("get counter " + vertexId + ": " + describe(client, status));
            }
            else if (!uncertain[index] &&
                (client.resultLength() != Long.BYTES || result.getLong(0, LITTLE_ENDIAN) != expected[index]))
            {
                uncertain[index] = true;
                report.problem("get counter " + vertexId + ": " + result.getLong(0, LITTLE_ENDIAN) + " (" +
                    client.resultLength() + " bytes), expected " + expected[index]);
            }
        }
    }
}
