package io.shawarma.fabric.grid;

import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.*;

/**
 * After warm-up, calls through {@link SlotRoutedClient} to a grid worker (a fabric worker serving by the slot
 * placement) allocate nothing on the client's thread nor on the worker's agent thread (the slot routing included),
 * with or without a backup worker (driven on the same thread: the owner holding each answer, the backup applying each
 * write and acknowledging it).
 */
class GridWorkerAllocationTest
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int SLOTS = 256;
    private static final int WARM_UP = 3_000;
    private static final int CALLS = 1_000;
    private static final int WINDOWS = 5;
    private static final long SLACK_BYTES = 1024;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @ParameterizedTest(name = "backup worker: {0}")
    @ValueSource(booleans = { false, true })
    void shouldNotAllocatePerCallOnClientOrWorker(final boolean withBackup) throws InterruptedException
    {
        final Transport transport =
            Transport.embedded("grid-alloc", "sleeping", 1024 * 1024, Throwable::printStackTrace);
        final GridNode node = new GridNode(1, LoopbackPorts.freeUdpChannel(), SLOTS, transport.aeronDirectoryName(),
            null);
        final GridNode backup = withBackup ? new GridNode(
            2, LoopbackPorts.freeUdpChannel(), SLOTS, transport.aeronDirectoryName(), null) : null;
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, 1);
        final int[] backups = new int[SLOTS];
        Arrays.fill(backups, withBackup ? 2 : SlotTable.NO_OWNER);
        final String channels = "1@" + node.channel + (withBackup ? ",2@" + backup.channel : "");
        for (final GridNode each : withBackup ? new GridNode[]{ node, backup } : new GridNode[]{ node })
        {
            each.agent().onPlacement(1, owners);
            each.agent().onSlotBackups(1, 1, backups, new long[SLOTS]);
            each.agent().onSlotMoves(1, new int[0], new int[0], new long[0], channels);
        }

        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread poller = new Thread(() ->
        {
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            while (running.get())
            {
                idle.idle(node.doWork() + (withBackup ? backup.doWork() : 0));
            }
        }, "grid-worker");
        poller.start();
        try (SlotRoutedClient client = SlotRoutedClient.connect(TestGrid.dataClient(transport.aeron(), 1_000_077,
            "1@" + node.channel, TimeUnit.SECONDS.toNanos(5), "backoff"), SLOTS))
        {
            final UnsafeBuffer one = new UnsafeBuffer(new byte[Long.BYTES]);
            one.putLong(0, 1, LITTLE_ENDIAN);
            final UnsafeBuffer result = new UnsafeBuffer(new byte[64]);
            // The first put also makes the connections (client to owner, owner to backup and back), which on a
            // loaded machine can outlast one call's timeout: connecting is not what this test measures.
            final UnsafeBuffer zero = new UnsafeBuffer(new byte[Long.BYTES]);
            TestGrid.await("the first put to be acknowledged", 60_000, () -> isOk(client.put(7, zero, 0, Long.BYTES)));

            calls(client, one, result, WARM_UP);

            // Steady state: some window of calls allocates nothing (on this loaded machine the JIT may still be
            // settling the worker's duty cycle in the first ones).
            long workerAllocated = Long.MAX_VALUE;
            long clientAllocated = Long.MAX_VALUE;
            int windows = 0;
            for (int window = 0; window < WINDOWS && (workerAllocated > SLACK_BYTES || clientAllocated > SLACK_BYTES);
                window++)
            {
                windows++;
                final long clientBefore = THREADS.getCurrentThreadAllocatedBytes();
                final long workerBefore = THREADS.getThreadAllocatedBytes(poller.getId());
                calls(client, one, result, CALLS);
                clientAllocated = THREADS.getCurrentThreadAllocatedBytes() - clientBefore;
                workerAllocated = THREADS.getThreadAllocatedBytes(poller.getId()) - workerBefore;
                System.out.printf("allocation: grid worker%s %d bytes, slot-routed client %d bytes over %d calls%n",
                    withBackup ? " and its backup" : "", workerAllocated, clientAllocated, CALLS);
            }

            assertTrue(workerAllocated <= SLACK_BYTES, "worker allocated " + workerAllocated + " bytes");
            assertTrue(clientAllocated <= SLACK_BYTES, "client allocated " + clientAllocated + " bytes");
            running.set(false);
            poller.join(5_000);
            if (withBackup)
            {
                final UnsafeBuffer held = new UnsafeBuffer(0, 0);
                assertEquals(Long.BYTES, backup.store().view(7, held), "the backup holds the vertex");
                assertEquals(WARM_UP + (long)CALLS * WINDOWS, held.getLong(0, LITTLE_ENDIAN) +
                    (long)CALLS * (WINDOWS - windows), "the backup applied every acknowledged write");
            }
        }
        finally
        {
            running.set(false);
            poller.join(5_000);
            CloseHelper.quietCloseAll(node, backup, transport);
        }
    }

    private static boolean isOk(final Status status)
    {
        if (Status.OK != status)
        {
            System.out.println("first put: " + status + ", trying again");
        }
        return Status.OK == status;
    }

    private static void calls(final SlotRoutedClient client, final DirectBuffer one, final UnsafeBuffer result,
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
