package io.shawarma.messaging;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker's outbound under back pressure: refused messages are held and sent on later cycles in order, never by
 * idling; held ones are dropped and counted after their window; a full store refuses at once.
 */
class OfferRetriesTest
{
    private static final int STREAM_ID = 1001;
    private static final long WINDOW_NS = 5_000_000;
    private static final int MESSAGE_BYTES = 256;

    private Transport transport;
    private ExclusivePublication publication;
    private Subscription subscription;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_BYTES]);
    private final List<Integer> received = new ArrayList<>();
    private long receivedCount;

    @BeforeEach
    void setUp()
    {
        transport = Transport.embedded("offer-retries-test", "sleeping", 1 << 16, Throwable::printStackTrace);
        subscription = transport.aeron().addSubscription("aeron:ipc", STREAM_ID);
        publication = transport.aeron().addExclusivePublication("aeron:ipc", STREAM_ID);
        awaitConnected(publication);
    }

    @AfterEach
    void tearDown()
    {
        transport.close();
    }

    @Test
    void shouldHoldRefusedMessagesAndSendThemInOrderOnLaterCycles()
    {
        final Outbound outbound = new Outbound(new OfferRetries(64 * 1024, 64, WINDOW_NS));
        outbound.nowNs(0);
        int sequence = 0;
        while (0 == outbound.retries().size())
        {
            assertTrue(send(outbound, sequence++));
        }
        final int heldFirst = sequence - 1;
        for (int i = 0; i < 10; i++)
        {
            assertTrue(send(outbound, sequence++), "held behind the first refused message");
        }
        assertEquals(11, outbound.retries().size());

        // The driver moves the publication's limit on its own thread: cycle until it has, within a bounded time.
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        for (int cycle = 0; (0 != outbound.retries().size() || received.size() < sequence) &&
            System.nanoTime() < deadlineNs; cycle++)
        {
            subscription.poll((buffer, offset, length, header) -> received.add(buffer.getInt(offset)), 100);
            outbound.nowNs(cycle);
            outbound.retry();
            LockSupport.parkNanos(100_000);
        }

        assertEquals(0, outbound.retries().size());
        assertEquals(0, outbound.retries().dropped());
        assertEquals(sequence, received.size());
        for (int i = 0; i < sequence; i++)
        {
            assertEquals(i, received.get(i), "in order, the held ones after " + heldFirst);
        }
    }

    @Test
    void shouldReuseTheRoomSentMessagesLeftKeepingTheOthersInOrder()
    {
        final ExclusivePublication other = transport.aeron().addExclusivePublication("aeron:ipc", STREAM_ID + 1);
        final Subscription otherSubscription = transport.aeron().addSubscription("aeron:ipc", STREAM_ID + 1);
        awaitConnected(other);
        final Outbound outbound = new Outbound(new OfferRetries(4 * MESSAGE_BYTES, 64, WINDOW_NS));
        int sequence = 0;
        while (0 == outbound.retries().size())
        {
            send(outbound, publication, sequence++);
        }
        final int firstHeld = sequence - 1;
        int otherSequence = 0;
        while (1 == outbound.retries().size())
        {
            send(outbound, other, otherSequence++);
        }
        assertTrue(send(outbound, publication, sequence++));
        assertTrue(send(outbound, other, otherSequence++));
        assertEquals(4, outbound.retries().size(), "full");

        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (2 != outbound.retries().size() && System.nanoTime() < deadlineNs)
        {
            otherSubscription.poll(this::countReceived, 100);
            outbound.retry();
            LockSupport.parkNanos(100_000);
        }
        assertEquals(2, outbound.retries().size(), "the other stream's two sent, leaving gaps");
        assertTrue(send(outbound, publication, sequence++), "fits once the gaps are reclaimed");

        while ((0 != outbound.retries().size() || received.size() < sequence) && System.nanoTime() < deadlineNs)
        {
            subscription.poll((buffer, offset, length, header) -> received.add(buffer.getInt(offset)), 100);
            outbound.retry();
            LockSupport.parkNanos(100_000);
        }
        assertEquals(sequence, received.size());
        for (int i = 0; i < sequence; i++)
        {
            assertEquals(i, received.get(i), "in order, the held ones from " + firstHeld);
        }
    }

    @Test
    void shouldDropAndCountHeldMessagesAfterTheirWindow()
    {
        final Outbound outbound = new Outbound(new OfferRetries(64 * 1024, 64, WINDOW_NS));
        outbound.nowNs(0);
        int sequence = 0;
        while (0 == outbound.retries().size())
        {
            send(outbound, sequence++);
        }
        outbound.nowNs(WINDOW_NS - 1);
        outbound.retry();
        assertEquals(1, outbound.retries().size());

        outbound.nowNs(WINDOW_NS);
        assertEquals(1, outbound.retry());
        assertEquals(0, outbound.retries().size());
        assertEquals(1, outbound.retries().dropped());
    }

    @Test
    void shouldRefuseAtOnceWhenNoRoomIsLeft()
    {
        final Outbound outbound = new Outbound(new OfferRetries(4 * MESSAGE_BYTES, 64, WINDOW_NS));
        int sequence = 0;
        while (0 == outbound.retries().size())
        {
            send(outbound, sequence++);
        }
        assertTrue(send(outbound, sequence++));
        assertTrue(send(outbound, sequence++));
        assertTrue(send(outbound, sequence++));
        assertFalse(send(outbound, sequence));
        assertEquals(4, outbound.retries().size());
    }

    @Test
    void shouldSendTheOthersOnceAPublicationIsClosed()
    {
        final Outbound outbound = new Outbound(new OfferRetries(64 * 1024, 64, WINDOW_NS));
        int sequence = 0;
        while (0 == outbound.retries().size())
        {
            send(outbound, sequence++);
        }
        publication.close();
        assertEquals(1, outbound.retry());
        assertEquals(1, outbound.retries().dropped());
        assertFalse(send(outbound, sequence), "closed: refused, not held");
    }

    @Test
    void shouldNotAllocateWhileHoldingAndRetrying()
    {
        final Outbound outbound = new Outbound(new OfferRetries(64 * 1024, 64, WINDOW_NS));
        final FragmentHandler countReceived = this::countReceived;
        for (int round = 0; round < 300; round++)
        {
            holdAndDrain(outbound, countReceived);
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        // The counter's own first reads may allocate: read it once before measuring. A steady-state allocation shows
        // in every window; the least of three windows discounts a one-off (a JIT recompilation under load).
        threads.getCurrentThreadAllocatedBytes();
        long allocated = Long.MAX_VALUE;
        for (int window = 0; window < 3; window++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < 100; round++)
            {
                holdAndDrain(outbound, countReceived);
            }
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }

        System.out.printf("allocation: holding and retrying: %d bytes over 100 rounds%n", allocated);
        assertEquals(0, outbound.retries().dropped());
        assertTrue(allocated <= 1024, "allocated " + allocated + " bytes");
    }

    private void holdAndDrain(final Outbound outbound, final FragmentHandler handler)
    {
        outbound.nowNs(0);
        while (0 == outbound.retries().size())
        {
            send(outbound, 0);
        }
        for (int i = 0; i < 10; i++)
        {
            send(outbound, 0);
        }
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while ((0 != outbound.retries().size() || subscription.poll(handler, 100) > 0) &&
            System.nanoTime() < deadlineNs)
        {
            subscription.poll(handler, 100);
            outbound.retry();
            LockSupport.parkNanos(100_000);
        }
        assertEquals(0, outbound.retries().size());
    }

    private void countReceived(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        receivedCount++;
    }

    private boolean send(final Outbound outbound, final int sequence)
    {
        return send(outbound, publication, sequence);
    }

    private boolean send(final Outbound outbound, final ExclusivePublication target, final int sequence)
    {
        message.putInt(0, sequence);
        return outbound.offer(target, message, 0, MESSAGE_BYTES);
    }

    private static void awaitConnected(final ExclusivePublication target)
    {
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (!target.isConnected() && System.nanoTime() < deadlineNs)
        {
            LockSupport.parkNanos(1_000_000);
        }
        assertTrue(target.isConnected());
    }
}
