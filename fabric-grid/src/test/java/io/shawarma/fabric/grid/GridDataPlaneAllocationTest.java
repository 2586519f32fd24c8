package io.shawarma.fabric.grid;

import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.fabric.store.LocalVertices;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.*;

/**
 * After warm-up, a call through {@link GridDataClient} to a {@link GridDataPlane} allocates nothing on the client's
 * thread nor on the thread polling the data plane (the slot routing included).
 */
class GridDataPlaneAllocationTest
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int WARM_UP = 3_000;
    private static final int CALLS = 5_000;
    private static final long SLACK_BYTES = 1024;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    void shouldNotAllocatePerCallOnClientOrDataPlane() throws InterruptedException
    {
        final String channel = LoopbackPorts.freeUdpChannel();
        final Transport transport = Transport.embedded("grid-alloc", "sleeping", 1024 * 1024, Throwable::printStackTrace);
        final LocalVertices store = new LocalVertices(1_000, 8, 64, null);
        final LocalInvoker invoker = new LocalInvoker(
            store, UdfRegistry.load(getClass().getClassLoader()), 1024, Throwable::printStackTrace);
        final GridDataPlane dataPlane = new GridDataPlane(
            1, transport.aeron(), channel, 1000, invoker, new BackoffIdleStrategy(), TimeUnit.SECONDS.toNanos(1), 1024);
        final SlotMigration migration = new SlotMigration(1, 256, store, new NoLink(), TimeUnit.SECONDS.toNanos(1));
        final int[] owners = new int[256];
        Arrays.fill(owners, 1);
        migration.onPlacement(1, owners);
        dataPlane.migration(migration);
        dataPlane.placementEpoch(1);

        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread poller = new Thread(() ->
        {
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            while (running.get())
            {
                idle.idle(dataPlane.poll());
            }
        }, "grid-data-plane");
        poller.start();
        try (GridDataClient client = new GridDataClient(transport.aeron(), 77, "aeron:udp?endpoint=127.0.0.1:0",
            "1@" + channel, 256, TimeUnit.SECONDS.toNanos(5), "backoff"))
        {
            final UnsafeBuffer one = new UnsafeBuffer(new byte[Long.BYTES]);
            one.putLong(0, 1, LITTLE_ENDIAN);
            final UnsafeBuffer result = new UnsafeBuffer(new byte[64]);
            assertEquals(Status.OK, client.put(7, new UnsafeBuffer(new byte[Long.BYTES]), 0, Long.BYTES));
            calls(client, one, result, WARM_UP);

            final long clientBefore = THREADS.getCurrentThreadAllocatedBytes();
            final long planeBefore = THREADS.getThreadAllocatedBytes(poller.getId());
            calls(client, one, result, CALLS);
            final long clientAllocated = THREADS.getCurrentThreadAllocatedBytes() - clientBefore;
            final long planeAllocated = THREADS.getThreadAllocatedBytes(poller.getId()) - planeBefore;

            assertEquals(WARM_UP + CALLS, result.getLong(0, LITTLE_ENDIAN));
            System.out.printf("allocation: grid data plane %d bytes, grid data client %d bytes over %d calls%n",
                planeAllocated, clientAllocated, CALLS);
            assertTrue(planeAllocated <= SLACK_BYTES, "data plane allocated " + planeAllocated + " bytes");
            assertTrue(clientAllocated <= SLACK_BYTES, "client allocated " + clientAllocated + " bytes");
        }
        finally
        {
            running.set(false);
            poller.join(5_000);
            CloseHelper.quietCloseAll(dataPlane, store, transport);
        }
    }

    private static void calls(final GridDataClient client, final DirectBuffer one, final UnsafeBuffer result,
        final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final Status status = client.invoke(7, ADD, one, 0, Long.BYTES, result);
            if (Status.OK != status)
            {
                throw new AssertionError("call " + i + ": " + status);
            }
        }
    }
}
