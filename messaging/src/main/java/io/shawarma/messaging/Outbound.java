package io.shawarma.messaging;

import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * Offers to a publication with a bounded retry: back pressure and admin actions are retried with the idle strategy
 * up to a deadline, then reported to the caller. Never a silent drop, never an unbounded queue.
 * Not final so that tests can capture frames without a media driver.
 */
public class Outbound
{
    private final IdleStrategy retryIdle;
    private final long retryTimeoutNs;
    private long backPressureEvents;
    private long bytesSent;

    /**
     * @param retryIdle      idle strategy between attempts.
     * @param retryTimeoutNs how long to keep retrying one offer.
     */
    public Outbound(final IdleStrategy retryIdle, final long retryTimeoutNs)
    {
        this.retryIdle = retryIdle;
        this.retryTimeoutNs = retryTimeoutNs;
    }

    /**
     * @param publication to offer to.
     * @param buffer      holding the message.
     * @param offset      of the message.
     * @param length      of the message.
     * @return true when the message was accepted, false when the publication stayed back pressured, not connected
     * or closed until the deadline.
     */
    public boolean offer(final Publication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        long result = publication.offer(buffer, offset, length);
        if (result > 0)
        {
            bytesSent += length;
            return true;
        }

        backPressureEvents++;
        final long deadlineNs = System.nanoTime() + retryTimeoutNs;
        retryIdle.reset();
        while (result != Publication.CLOSED && result != Publication.MAX_POSITION_EXCEEDED)
        {
            retryIdle.idle();
            result = publication.offer(buffer, offset, length);
            if (result > 0)
            {
                bytesSent += length;
                return true;
            }
            if (System.nanoTime() - deadlineNs >= 0)
            {
                break;
            }
        }
        return false;
    }

    /**
     * @return how many offers were not accepted at the first attempt.
     */
    public long backPressureEvents()
    {
        return backPressureEvents;
    }

    /**
     * @return bytes of the messages accepted so far.
     */
    public long bytesSent()
    {
        return bytesSent;
    }
}
