package io.shawarma.fabric;

import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static io.shawarma.fabric.TestFabric.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker that stops polling: callers get TIMEOUT within their deadline (or BACK_PRESSURED once their bounded
 * tables of calls in flight are full), and the worker serves again when it resumes. TIMEOUT means the outcome is
 * unknown: the call may still run when the worker catches up.
 */
class TimeoutTest
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);

    @Test
    void shouldTimeOutWhileWorkerStallsAndServeAfterItResumes() throws InterruptedException
    {
        final AtomicBoolean serving = new AtomicBoolean(true);
        final AtomicBoolean running = new AtomicBoolean(true);
        try (TestFabric fabric = new TestFabric(1, 1))
        {
            final Thread driver = drive(fabric.worker(1), serving, running);
            try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric.members)
                .idleStrategy(TestFabric.IDLE).callTimeoutNs(300_000_000L)))
            {
                final UnsafeBuffer result = new UnsafeBuffer(new byte[64]);
                TestFabric.putCounter(client, 9, 0);

                serving.set(false);
                final long start = System.nanoTime();
                assertEquals(Status.TIMEOUT, client.invoke(9, ADD, int64(1), 0, 8, result));
                final long waitedMs = (System.nanoTime() - start) / 1_000_000;
                assertEquals(true, waitedMs >= 300 && waitedMs < 5_000, "waited " + waitedMs + " ms");

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
        final int[] outcomes = new int[Status.values().length];
        final AtomicBoolean serving = new AtomicBoolean(true);
        final AtomicBoolean running = new AtomicBoolean(true);
        try (TestFabric fabric = new TestFabric(2, 2))
        {
            final Thread driver = drive(fabric.worker(2), serving, running);
            try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric.members)
                .idleStrategy(TestFabric.IDLE).callTimeoutNs(2_000_000_000L).maxPendingCalls(maxPending)
                .resultHandler((correlationId, status, ownerId, buffer, offset, length) -> outcomes[status.code()]++)))
            {
                final long vertexId = fabric.vertexOwnedBy(2);
                TestFabric.putCounter(client, vertexId, 0);
                serving.set(false);

                final long start = System.nanoTime();
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
                final IdleStrategy idle = IdleStrategies.of(TestFabric.IDLE);
                while (client.pendingCalls() > 0)
                {
                    idle.idle(client.poll());
                }
                assertTrue(refused >= calls - maxPending, "refused " + refused + " of " + calls);
                assertEquals(calls - refused, outcomes[Status.TIMEOUT.code()], "every sent call timed out");

                // Through worker 1: it forwards to the stalled owner and answers TIMEOUT at its own deadline.
                final UnsafeBuffer result = new UnsafeBuffer(new byte[64]);
                assertEquals(Status.TIMEOUT, client.invokeVia(1, vertexId, ADD, int64(1), 0, Long.BYTES, result));
                final long waitedMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(waitedMs < 10_000, "callers were answered within bounded time, took " + waitedMs + " ms");

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
