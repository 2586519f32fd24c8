package io.shawarma.fabric.demo;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

import static io.shawarma.fabric.demo.DemoFabric.ADD;
import static io.shawarma.fabric.demo.DemoFabric.CLIENT_CALL_TIMEOUT_NS;
import static io.shawarma.fabric.demo.DemoFabric.COUNTERS;
import static io.shawarma.fabric.demo.DemoFabric.COUNTER_ID_BASE;
import static io.shawarma.fabric.demo.DemoFabric.MAX_PENDING_CALLS;
import static io.shawarma.fabric.demo.DemoFabric.NO_SUCH_UDF;
import static io.shawarma.fabric.demo.DemoFabric.READ;
import static io.shawarma.fabric.demo.DemoFabric.SETTLE_TIMEOUT_NS;
import static io.shawarma.fabric.demo.DemoFabric.STORE_VALUE_MAX_BYTES;
import static io.shawarma.fabric.demo.DemoFabric.TOO_LARGE_VALUE_BYTES;
import static io.shawarma.fabric.demo.DemoFabric.UNKNOWN_ID_BASE;
import static io.shawarma.fabric.demo.DemoFabric.WORKER_CALL_TIMEOUT_NS;
import static io.shawarma.fabric.demo.DemoFabric.WORKER_IDS;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The demo's calls that provoke every status a caller can see, a row each, each answer checked.
 */
final class StatusCalls
{
    private static final int ASYNC_BURST = 100;
    private static final int ERROR_CALLS = 3;

    private final DemoCalls calls;
    private final DemoReport report;
    private final NanoClock clock;
    private final IdleStrategy idle;
    private final UnsafeBuffer args;
    private final UnsafeBuffer result;
    private final Long2LongHashMap asyncCounterIndex = new Long2LongHashMap(-1);
    private CallStats asyncStats;
    private long asyncAnswers;

    StatusCalls(final DemoCalls calls, final DemoReport report)
    {
        this.calls = calls;
        this.report = report;
        this.clock = calls.clock();
        this.idle = calls.idle();
        this.args = calls.args();
        this.result = calls.result();
    }

    /**
     * Provokes each status in turn; those this fabric cannot give get a row that says why.
     */
    void runAll(final FabricClient client, final WorkerProcesses workers)
    {
        noSuchVertex(client);
        noSuchUdf(client);
        udfFailed(client);
        malformed(client);
        moved(client);
        backPressured(client);
        timeout(client, workers);
        report.add(CallStats.notApplicable(Status.UNAUTHENTICATED.name(),
            "n/a here (authentication is off: set shawarma.secret.file, docs/security.md)"));
        report.add(CallStats.notApplicable(Status.LENT.name() + "/" + Status.LEASE_EXPIRED.name(),
            "n/a here (borrowing is off by default: shawarma.scheduler.policy=forward)"));
        report.add(CallStats.notApplicable(Status.STORE_FULL.name(),
            "n/a here (the stores are far from full; LocalInvokerTest fills one)"));
        report.add(CallStats.notApplicable(Status.OWNER_UNREACHABLE.name(),
            "n/a here (every worker is up; ClientRestartIT kills one)"));
    }

    /**
     * The client's handler for the answers to asynchronous calls.
     */
    void onAsyncResult(
        final long correlationId, final Status status, final int ownerId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final int index = (int)asyncCounterIndex.remove(correlationId);
        if (index < 0 || null == asyncStats)
        {
            report.problem("answer " + status + " to asynchronous call " + correlationId + " that was not sent");
            return;
        }
        asyncAnswers++;
        asyncStats.answered(status);
        if (Status.OK == status)
        {
            if (!calls.onAdded(index, 1, buffer.getLong(offset, LITTLE_ENDIAN)))
            {
                report.problem("asynchronous add to counter " + (COUNTER_ID_BASE + index) + ": total " +
                    buffer.getLong(offset, LITTLE_ENDIAN) + ", expected " + calls.expected(index));
            }
        }
        else
        {
            calls.markUncertain(index);
            report.problem("asynchronous add to counter " + (COUNTER_ID_BASE + index) + ": " + status + " " +
                buffer.getStringWithoutLengthUtf8(offset, length));
        }
    }

    /**
     * Invokes a UDF on a vertex, times the call into the row and checks its status.
     */
    private void invokeExpecting(
        final FabricClient client, final CallStats stats, final long vertexId, final int udf, final int argsLength,
        final Status expectedStatus, final String what)
    {
        final long t0 = clock.nanoTime();
        final Status status = client.invoke(vertexId, udf, args, 0, argsLength, result);
        stats.record(status, clock.nanoTime() - t0);
        calls.expect(stats, client, expectedStatus, status, what);
    }

    private void noSuchVertex(final FabricClient client)
    {
        final CallStats stats = report.row(Status.NO_SUCH_VERTEX.name(), "invoke read on ids never put");
        for (int i = 0; i < ERROR_CALLS; i++)
        {
            invokeExpecting(client, stats, UNKNOWN_ID_BASE + i, READ, 0, Status.NO_SUCH_VERTEX,
                "invoke read on vertex " + (UNKNOWN_ID_BASE + i));
        }
    }

    private void noSuchUdf(final FabricClient client)
    {
        final CallStats stats = report.row(Status.NO_SUCH_UDF.name(), "invoke \"no-such-udf\" on a counter");
        for (int i = 0; i < ERROR_CALLS; i++)
        {
            invokeExpecting(client, stats, COUNTER_ID_BASE + i, NO_SUCH_UDF, 0, Status.NO_SUCH_UDF,
                "invoke no-such-udf");
        }
    }

    private void udfFailed(final FabricClient client)
    {
        final CallStats stats = report.row(Status.UDF_FAILED.name(), "invoke add with 3-byte args (needs 8)");
        for (int i = 0; i < ERROR_CALLS; i++)
        {
            args.putLong(0, 1_000_000, LITTLE_ENDIAN);
            // The counter must be unchanged: checked with every other counter at the end.
            invokeExpecting(client, stats, COUNTER_ID_BASE + i, ADD, 3, Status.UDF_FAILED, "add with 3-byte args");
        }
    }

    private void malformed(final FabricClient client)
    {
        final CallStats stats = report.row(Status.MALFORMED.name(), "put a " + TOO_LARGE_VALUE_BYTES / 1024 +
            " KiB value (store max " + STORE_VALUE_MAX_BYTES + " B)");
        args.setMemory(0, TOO_LARGE_VALUE_BYTES, (byte)'x');
        for (int i = 0; i < ERROR_CALLS; i++)
        {
            final long vertexId = UNKNOWN_ID_BASE + 100 + i;
            final long t0 = clock.nanoTime();
            final Status status = client.put(vertexId, args, 0, TOO_LARGE_VALUE_BYTES);
            stats.record(status, clock.nanoTime() - t0);
            // put() returns no text, so the row says what the worker refused.
            calls.expect(null, client, Status.MALFORMED, status, "put of " + TOO_LARGE_VALUE_BYTES + " bytes");

            final Status after = client.get(vertexId, result);
            if (Status.NO_SUCH_VERTEX != after)
            {
                report.problem("get vertex " + vertexId + " after a refused put: " + calls.describe(client, after) +
                    ", expected NO_SUCH_VERTEX");
            }
        }
        stats.note("the owner refused the value (> " + Configuration.STORE_VALUE_MAX_BYTES_PROP + "=" +
            STORE_VALUE_MAX_BYTES + ") and stored nothing: a get afterwards is NO_SUCH_VERTEX");
    }

    private void moved(final FabricClient client)
    {
        final CallStats stats = report.row(Status.MOVED.name(), "invokeAt a worker that is not the owner");
        for (int i = 0; i < ERROR_CALLS; i++)
        {
            final long vertexId = COUNTER_ID_BASE + i;
            final int owner = client.placement().ownerOf(vertexId);
            final int notOwner = DemoFabric.nonOwner(client, vertexId, i);
            final long t0 = clock.nanoTime();
            final Status status = client.invokeAt(notOwner, vertexId, READ, args, 0, 0, result);
            stats.record(status, clock.nanoTime() - t0);
            calls.expect(stats, client, Status.MOVED, status, "invokeAt worker " + notOwner);
            if (Status.MOVED == status && client.lastOwnerId() != owner)
            {
                report.problem("MOVED from worker " + notOwner + " named owner " + client.lastOwnerId() +
                    ", expected " + owner);
            }
        }
        stats.note("each answer named the owner (lastOwnerId), as placement().ownerOf() says");
    }

    private void backPressured(final FabricClient client)
    {
        final CallStats stats = report.row(Status.BACK_PRESSURED.name(), "sendInvoke " + ASYNC_BURST + " adds, " +
            "maxPendingCalls " + MAX_PENDING_CALLS);
        asyncStats = stats;
        asyncAnswers = 0;
        asyncCounterIndex.clear();
        args.putLong(0, 1, LITTLE_ENDIAN);
        int accepted = 0;
        for (int i = 0; i < ASYNC_BURST; i++)
        {
            final int index = i % COUNTERS;
            final long t0 = clock.nanoTime();
            final long correlationId = client.sendInvoke(COUNTER_ID_BASE + index, ADD, args, 0, Long.BYTES);
            final long sendNs = clock.nanoTime() - t0;
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

        final long deadlineNs = clock.nanoTime() + SETTLE_TIMEOUT_NS;
        idle.reset();
        while (asyncAnswers < accepted && clock.nanoTime() - deadlineNs < 0)
        {
            idle.idle(client.poll());
        }
        if (accepted != MAX_PENDING_CALLS || stats.count(Status.BACK_PRESSURED) != ASYNC_BURST - MAX_PENDING_CALLS)
        {
            report.problem("sendInvoke accepted " + accepted + " of " + ASYNC_BURST + " with maxPendingCalls " +
                MAX_PENDING_CALLS + ", refused " + stats.count(Status.BACK_PRESSURED) + " as BACK_PRESSURED");
        }
        if (asyncAnswers != accepted || stats.count(Status.OK) != accepted)
        {
            report.problem("of " + accepted + " asynchronous adds sent, " + asyncAnswers + " answered, " +
                stats.count(Status.OK) + " OK");
        }
        stats.note("the client refused the calls past " + MAX_PENDING_CALLS + " in flight; the accepted ones were " +
            "answered through poll() (p50/p99: sendInvoke itself)");
    }

    /**
     * Freezes one worker (SIGSTOP) and calls a vertex it owns: directly (the client gives up after its call
     * timeout) and through another worker (that worker gives up after its own, shorter, timeout and answers
     * TIMEOUT). Then lets it run again (SIGCONT) and shows it serves again.
     */
    private void timeout(final FabricClient client, final WorkerProcesses workers)
    {
        final CallStats stats = report.row(Status.TIMEOUT.name(), "call a vertex of a worker frozen by SIGSTOP");
        final int victim = WORKER_IDS[1];
        final int via = WORKER_IDS[2];
        final long vertexId = COUNTER_ID_BASE + DemoFabric.counterOwnedBy(client, victim);

        workers.suspend(victim);
        try
        {
            invokeExpecting(client, stats, vertexId, READ, 0, Status.TIMEOUT, "invoke at frozen worker " + victim);

            final long t0 = clock.nanoTime();
            final Status status = client.invokeVia(via, vertexId, READ, args, 0, 0, result);
            stats.record(status, clock.nanoTime() - t0);
            calls.expect(stats, client, Status.TIMEOUT, status,
                "invokeVia worker " + via + " to frozen worker " + victim);
        }
        finally
        {
            workers.resume(victim);
        }

        final long resumedNs = clock.nanoTime();
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
        while (Status.OK != status && clock.nanoTime() - deadlineNs < 0);

        stats.note(String.format("direct: the client gave up after %d ms; via worker %d: it gave up after %d ms",
            TimeUnit.NANOSECONDS.toMillis(CLIENT_CALL_TIMEOUT_NS), via,
            TimeUnit.NANOSECONDS.toMillis(WORKER_CALL_TIMEOUT_NS)));
        if (Status.OK == status)
        {
            stats.note(String.format("after SIGCONT worker %d (pid %d) served vertex %d again in %.1f ms (%d call%s)",
                victim, workers.pid(victim), vertexId, (clock.nanoTime() - resumedNs) / 1e6, attempts,
                attempts == 1 ? "" : "s"));
        }
        else
        {
            report.problem("worker " + victim + " did not serve again within " +
                TimeUnit.NANOSECONDS.toSeconds(SETTLE_TIMEOUT_NS) + " s of SIGCONT: " +
                calls.describe(client, status));
        }
    }
}
