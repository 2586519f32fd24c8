package io.shawarma.fabric;

import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static io.shawarma.fabric.TestFabric.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker that stops polling: callers get TIMEOUT once their deadline passes on their own clock (a manual clock
 * here, so nothing depends on wall time), or BACK_PRESSURED once their bounded tables of calls in flight are full,
 * and the worker serves again when it resumes. TIMEOUT means the outcome is unknown: the call may still run when the
 * worker catches up.
 */
class TimeoutTest
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);

    @Test
    void shouldTimeOutAtTheDeadlineWhileTheWorkerStallsAndServeAfterItResumes() throws InterruptedException
    {
        final long timeoutNs = 300_000_000L;
        final CachedNanoClock clock = new CachedNanoClock();
        final int[] outcomes = new int[Status.values().length];
        final AtomicBoolean serving = new AtomicBoolean(true);
        final AtomicBoolean running = new AtomicBoolean(true);
        try (TestFabric fabric = new TestFabric(1, 1))
        {
            final Thread driver = drive(fabric.worker(1), serving, running);
            try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric.members)
                .idleStrategy(TestFabric.IDLE).callTimeoutNs(timeoutNs).nanoClock(clock)
                .resultHandler((correlationId, status, ownerId, buffer, offset, length) -> outcomes[status.code()]++)))
            {
                final UnsafeBuffer result = new UnsafeBuffer(new byte[64]);
                TestFabric.putCounter(client, 9, 0);

                serving.set(false);
                assertTrue(client.sendInvoke(9, ADD, int64(1), 0, 8) > 0);
                clock.advance(timeoutNs - 1);
                pollAFewTimes(client);
                assertEquals(0, outcomes[Status.TIMEOUT.code()], "not before its deadline");
                assertEquals(1, client.pendingCalls());

                clock.advance(PendingCalls.SCAN_INTERVAL_NS);
                pollAFewTimes(client);
                assertEquals(1, outcomes[Status.TIMEOUT.code()], "TIMEOUT once its deadline passed");
                assertEquals(0, client.pendingCalls());

                serving.set(true);
                assertEquals(Status.OK, client.invoke(9, ADD, int64(1), 0, 8, result));
                // The timed-out add ran when the worker resumed: TIMEOUT is an unknown outcome, not a failure.
                assertEquals(2, result.getLong(0, LITTLE_ENDIAN));
                assertEquals(1, client.lateResults());
            }
            finally
            {
                running.set(false);
                driver.join();
            }
        }
    }

    @Test
    void shouldBoundCallsToAStalledWorkerAndRecover() throws InterruptedException
    {
        final int maxPending = 128;
        final int calls = 1_000;
        final long timeoutNs = 2_000_000_000L;
        final CachedNanoClock clock = new CachedNanoClock();
        final int[] outcomes = new int[Status.values().length];
        final AtomicBoolean serving = new AtomicBoolean(true);
        final AtomicBoolean running = new AtomicBoolean(true);
        try (TestFabric fabric = new TestFabric(2, 2))
        {
            final Thread driver = drive(fabric.worker(2), serving, running);
            try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric.members)
                .idleStrategy(TestFabric.IDLE).callTimeoutNs(timeoutNs).maxPendingCalls(maxPending).nanoClock(clock)
                .resultHandler((correlationId, status, ownerId, buffer, offset, length) -> outcomes[status.code()]++)))
            {
                final long vertexId = fabric.vertexOwnedBy(2);
                TestFabric.putCounter(client, vertexId, 0);
                serving.set(false);

                int refused = 0;
                for (int i = 0; i < calls; i++)
                {
                    if (client.sendInvoke(vertexId, ADD, int64(1), 0, Long.BYTES) < 0)
                    {
                        refused++;
                    }
                    assertTrue(client.pendingCalls() <= maxPending, "calls in flight stay bounded");
                    client.poll();
                }
                clock.advance(timeoutNs);
                pollAFewTimes(client);
                assertEquals(0, client.pendingCalls());
                assertTrue(refused >= calls - maxPending, "refused " + refused + " of " + calls);
                assertEquals(calls - refused, outcomes[Status.TIMEOUT.code()], "every sent call timed out");

                // Through worker 1: it forwards to the stalled owner and answers TIMEOUT at its own deadline (the
                // client's clock stands still, so this TIMEOUT can only be worker 1's).
                final UnsafeBuffer result = new UnsafeBuffer(new byte[64]);
                assertEquals(Status.TIMEOUT, client.invokeVia(1, vertexId, ADD, int64(1), 0, Long.BYTES, result));
                assertTrue(result.getStringWithoutLengthAscii(0, client.resultLength()).contains("did not answer"));

                serving.set(true);
                assertEquals(Status.OK, client.invoke(vertexId, ADD, int64(1), 0, Long.BYTES, result));
                assertTrue(result.getLong(0, LITTLE_ENDIAN) >= 1);
            }
            finally
            {
                running.set(false);
                driver.join();
            }
        }
    }

    private static void pollAFewTimes(final FabricClient client)
    {
        for (int i = 0; i < 10; i++)
        {
            client.poll();
        }
    }

    private static Thread drive(final Worker worker, final AtomicBoolean serving, final AtomicBoolean running)
    {
        final Thread driver = new Thread(() ->
        {
            final IdleStrategy idle = IdleStrategies.of(TestFabric.IDLE);
            while (running.get())
            {
                idle.idle(serving.get() ? worker.invoker().invoke() : 0);
            }
        });
        driver.start();
        return driver;
    }
}
