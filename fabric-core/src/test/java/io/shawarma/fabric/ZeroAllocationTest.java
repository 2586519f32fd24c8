package io.shawarma.fabric;

import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.messaging.IdleStrategies;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static io.shawarma.fabric.TestFabric.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After warm-up, calls allocate nothing on the calling thread nor on the worker's thread. Measured with the
 * thread's allocated-bytes counter over many calls; a few hundred bytes of slack cover JIT and class loading noise.
 */
class ZeroAllocationTest
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int WARM_UP = 50_000;
    private static final int CALLS = 100_000;
    private static final int NETWORK_WARM_UP = 10_000;
    private static final int NETWORK_CALLS = 20_000;
    private static final long SLACK_BYTES = 1024;
    private static final long SLOW_CALL_TIMEOUT_NS = 30_000_000_000L;
    private static final long SLOW_OFFER_TIMEOUT_NS = 1_000_000_000L;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final UnsafeBuffer args = int64(1);
    private final UnsafeBuffer result = new UnsafeBuffer(new byte[64 * 1024]);
    private final IdleStrategy idle = IdleStrategies.of(TestFabric.IDLE);
    private long answers;

    @Test
    void shouldNotAllocateOnLocalInvoke()
    {
        try (TestFabric fabric = new TestFabric(1, 1))
        {
            final LocalInvoker invoker = fabric.worker(1).localInvoker();
            assertEquals(Status.OK, invoker.put(7, int64(0), 0, Long.BYTES));
            for (int i = 0; i < WARM_UP; i++)
            {
                invoker.invoke(7, ADD, args, 0, Long.BYTES);
            }

            final long before = allocatedBytes();
            for (int i = 0; i < CALLS; i++)
            {
                invoker.invoke(7, ADD, args, 0, Long.BYTES);
            }
            final long allocated = allocatedBytes() - before;

            assertEquals(Status.OK, invoker.invoke(7, ADD, args, 0, Long.BYTES));
            assertEquals(WARM_UP + CALLS + 1, invoker.result().getLong(0, LITTLE_ENDIAN));
            report("local invoke", allocated);
        }
    }

    @Test
    void shouldNotAllocateOnRemoteInvokeOnClientOrWorker()
    {
        try (TestFabric fabric = new TestFabric(1, 1))
        {
            final Worker worker = fabric.worker(1);
            final FabricClient client = connectWhileDriving(fabric, worker);
            try
            {
                assertEquals(
                    Status.OK, client.sendInvoke(7, ADD, args, 0, Long.BYTES) > 0 ? Status.OK : Status.BACK_PRESSURED);
                drive(worker, client, 1);
                answers = 0;

                roundTrips(worker, client, NETWORK_WARM_UP);
                final long before = allocatedBytes();
                roundTrips(worker, client, NETWORK_CALLS);
                final long allocated = allocatedBytes() - before;

                report("remote invoke, client and worker on one thread", allocated);
            }
            finally
            {
                client.close();
            }
        }
    }

    @Test
    void shouldNotAllocateOnSynchronousInvokeOnClient()
    {
        try (TestFabric fabric = new TestFabric(1); FabricClient client = fabric.client())
        {
            TestFabric.putCounter(client, 7, 0);
            for (int i = 0; i < NETWORK_WARM_UP; i++)
            {
                client.invoke(7, ADD, args, 0, Long.BYTES, result);
            }

            final int calls = NETWORK_CALLS;
            final long before = allocatedBytes();
            for (int i = 0; i < calls; i++)
            {
                client.invoke(7, ADD, args, 0, Long.BYTES, result);
            }
            final long allocated = allocatedBytes() - before;

            assertEquals(NETWORK_WARM_UP + calls, result.getLong(0, LITTLE_ENDIAN));
            report("synchronous invoke, client thread", allocated);
        }
    }

    @Test
    void shouldNotAllocateOnForwardedInvokeOnEitherWorker() throws InterruptedException
    {
        // Generous timeouts: on a loaded machine a call answered late, or refused after a stall of a media driver
        // longer than the default offer window (5 ms), would count as lost, and this test is about allocation.
        try (TestFabric fabric = new TestFabric(2,
            context -> context.callTimeoutNs(SLOW_CALL_TIMEOUT_NS).offerTimeoutNs(SLOW_OFFER_TIMEOUT_NS), 1, 2))
        {
            final AtomicBoolean running = new AtomicBoolean(true);
            final Thread driver = new Thread(() ->
            {
                while (running.get())
                {
                    if (0 == fabric.worker(1).invoker().invoke() + fabric.worker(2).invoker().invoke())
                    {
                        LockSupport.parkNanos(1_000);
                    }
                }
            }, "workers");
            driver.start();
            try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric.members)
                .idleStrategy(TestFabric.IDLE).callTimeoutNs(SLOW_CALL_TIMEOUT_NS).offerTimeoutNs(SLOW_OFFER_TIMEOUT_NS)
                .connectTimeoutNs(SLOW_CALL_TIMEOUT_NS)))
            {
                final long onTwo = fabric.vertexOwnedBy(2);
                TestFabric.putCounter(client, onTwo, 0);
                for (int i = 0; i < NETWORK_WARM_UP; i++)
                {
                    client.invokeVia(1, onTwo, ADD, args, 0, Long.BYTES, result);
                }

                // A call that fails leaves the counter short: by status, to say why.
                final int[] failed = new int[Status.values().length];
                final long before = THREADS.getThreadAllocatedBytes(driver.getId());
                final long clientBefore = allocatedBytes();
                for (int i = 0; i < NETWORK_CALLS; i++)
                {
                    failed[client.invokeVia(1, onTwo, ADD, args, 0, Long.BYTES, result).ordinal()]++;
                }
                final long clientAllocated = allocatedBytes() - clientBefore;
                final long allocated = THREADS.getThreadAllocatedBytes(driver.getId()) - before;

                failed[Status.OK.ordinal()] = 0;
                assertEquals(NETWORK_WARM_UP + NETWORK_CALLS, result.getLong(0, LITTLE_ENDIAN),
                    () -> "calls by status ordinal, OK left out: " + Arrays.toString(failed));
                assertTrue(fabric.worker(1).counters().invokesForwarded.get() >= NETWORK_WARM_UP + NETWORK_CALLS);
                report("forwarded invoke and relayed answer, both workers' thread", allocated);
                report("forwarded invoke, client thread", clientAllocated);
            }
            finally
            {
                running.set(false);
                driver.join();
            }
        }
    }

    private void roundTrips(final Worker worker, final FabricClient client, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long expected = answers + 1;
            if (client.sendInvoke(7, ADD, args, 0, Long.BYTES) <= 0)
            {
                throw new IllegalStateException("back pressured");
            }
            drive(worker, client, expected);
        }
    }

    private void drive(final Worker worker, final FabricClient client, final long expectedAnswers)
    {
        idle.reset();
        while (answers < expectedAnswers)
        {
            idle.idle(worker.invoker().invoke() + client.poll());
        }
    }

    private FabricClient connectWhileDriving(final TestFabric fabric, final Worker worker)
    {
        final AtomicBoolean connecting = new AtomicBoolean(true);
        final Thread driver = new Thread(() ->
        {
            while (connecting.get())
            {
                if (0 == worker.invoker().invoke())
                {
                    LockSupport.parkNanos(100_000);
                }
            }
        });
        driver.start();
        try
        {
            final FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric.members)
                .idleStrategy(TestFabric.IDLE)
                .resultHandler((correlationId, status, ownerId, buffer, offset, length) ->
                {
                    if (Status.OK != status)
                    {
                        throw new IllegalStateException("call failed: " + status);
                    }
                    answers++;
                }));
            assertEquals(Status.OK, client.put(7, int64(0), 0, Long.BYTES));
            return client;
        }
        finally
        {
            connecting.set(false);
            try
            {
                driver.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void report(final String path, final long allocated)
    {
        System.out.printf("allocation: %s: %d bytes over the measured calls%n", path, allocated);
        assertTrue(allocated <= SLACK_BYTES, path + " allocated " + allocated + " bytes");
    }

    private static long allocatedBytes()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
