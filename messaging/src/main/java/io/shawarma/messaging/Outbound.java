package io.shawarma.messaging;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * Sends to publications and handles their back pressure, one of two ways. A caller that waits anyway (a client)
 * retries a refused offer with an idle strategy up to a deadline. An agent that serves others (a worker) never
 * idles: a refused message is copied into its {@link OfferRetries} and offered again on later duty cycles
 * ({@link #retry()}), in order per publication. Either way never an unbounded queue, and a message not accepted is
 * reported or counted. Messages that fit a publication's max payload can be encoded in place ({@link #tryClaim}).
 * Not final so that tests can capture frames without a media driver.
 */
public class Outbound
{
    // No claim was tried (the message is longer than the publication's max payload): offer it whole.
    private static final long NOT_TRIED = 0;
    // Messages to this publication are held for retry: the new one queues behind them.
    private static final long QUEUED_BEHIND = Long.MIN_VALUE;

    private final IdleStrategy retryIdle;
    private final long retryTimeoutNs;
    private final OfferRetries retries;
    private final BufferClaim claim = new BufferClaim();
    private long claimRefusal = NOT_TRIED;
    private long nowNs;
    private long backPressureEvents;
    private long bytesSent;

    /**
     * An outbound that retries a refused offer in place, idling between attempts.
     *
     * @param retryIdle      idle strategy between attempts.
     * @param retryTimeoutNs how long to keep retrying one offer.
     */
    public Outbound(final IdleStrategy retryIdle, final long retryTimeoutNs)
    {
        this.retryIdle = retryIdle;
        this.retryTimeoutNs = retryTimeoutNs;
        this.retries = null;
    }

    /**
     * An outbound that never idles: a refused message is held in {@code retries} for later duty cycles. The owner
     * tells it the time of each duty cycle ({@link #nowNs(long)}) and calls {@link #retry()}.
     *
     * @param retries where refused messages wait.
     */
    public Outbound(final OfferRetries retries)
    {
        this.retryIdle = null;
        this.retryTimeoutNs = 0;
        this.retries = retries;
    }

    /**
     * @param nowNs the current duty cycle's time: stamps messages held for retry (no clock read per message).
     */
    public void nowNs(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    /**
     * Offers the held messages again; drops those whose window ended.
     *
     * @return messages sent or dropped.
     */
    public int retry()
    {
        return null == retries ? 0 : retries.retry(nowNs);
    }

    /**
     * @return the held messages, or null when this outbound retries in place.
     */
    public OfferRetries retries()
    {
        return retries;
    }

    /**
     * @param publication to offer to.
     * @param buffer      holding the message.
     * @param offset      of the message.
     * @param length      of the message.
     * @return true when the message was accepted (or held for retry), false when it was refused: the publication is
     * closed, stayed back pressured or unconnected until the deadline, or no room is left to hold it.
     */
    public boolean offer(final Publication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        if (isQueuedBehind(publication))
        {
            return refused(publication, buffer, offset, length, QUEUED_BEHIND);
        }
        final long result = publication.offer(buffer, offset, length);
        if (result > 0)
        {
            bytesSent += length;
            return true;
        }
        return refused(publication, buffer, offset, length, result);
    }

    /**
     * Offers once, never holding the message nor idling: for senders that send again later themselves.
     *
     * @return true when the publication accepted the message.
     */
    public boolean offerOnce(
        final Publication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        if (isQueuedBehind(publication))
        {
            return false;
        }
        final long result = publication.offer(buffer, offset, length);
        if (result > 0)
        {
            bytesSent += length;
            return true;
        }
        backPressureEvents++;
        return false;
    }

    /**
     * Offers a message its sender sends again itself when it is refused (a Hello): retried in place by an outbound
     * that does so, offered once by one that holds refused messages, so that it is never held and then dropped
     * unseen.
     *
     * @return true when the publication accepted the message.
     */
    public boolean offerOrRefuse(
        final Publication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        return null == retries ? offer(publication, buffer, offset, length) :
            offerOnce(publication, buffer, offset, length);
    }

    /**
     * Claims room for a message in the publication's term, to encode it in place: in {@link #claimBuffer()} at
     * {@link #claimOffset()}, then {@link #commit()}. When it returns false, encode the message into a buffer of
     * your own and pass it to {@link #offerUnclaimed}, which handles the refusal.
     *
     * @param publication to send on.
     * @param length      of the whole message.
     * @return true when claimed.
     */
    public boolean tryClaim(final Publication publication, final int length)
    {
        if (isQueuedBehind(publication))
        {
            claimRefusal = QUEUED_BEHIND;
            return false;
        }
        if (length > publication.maxPayloadLength())
        {
            claimRefusal = NOT_TRIED;
            return false;
        }
        final long result = publication.tryClaim(length, claim);
        if (result > 0)
        {
            return true;
        }
        claimRefusal = result;
        return false;
    }

    /**
     * @return the term buffer of the current claim.
     */
    public MutableDirectBuffer claimBuffer()
    {
        return claim.buffer();
    }

    /**
     * @return where the current claim's message starts in {@link #claimBuffer()}.
     */
    public int claimOffset()
    {
        return claim.offset();
    }

    /**
     * Publishes the claimed message.
     */
    public void commit()
    {
        bytesSent += claim.length();
        claim.commit();
    }

    /**
     * Sends a message whose {@link #tryClaim} returned false, now encoded in the caller's buffer.
     *
     * @return as {@link #offer}.
     */
    public boolean offerUnclaimed(
        final Publication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        final long refusal = claimRefusal;
        claimRefusal = NOT_TRIED;
        return NOT_TRIED == refusal ?
            offer(publication, buffer, offset, length) : refused(publication, buffer, offset, length, refusal);
    }

    /**
     * @return how many messages were not accepted at the first attempt.
     */
    public long backPressureEvents()
    {
        return backPressureEvents;
    }

    /**
     * @return bytes of the messages accepted so far (held messages once their retry is accepted).
     */
    public long bytesSent()
    {
        return bytesSent + (null == retries ? 0 : retries.bytesSent());
    }

    private boolean isQueuedBehind(final Publication publication)
    {
        return null != retries && 0 != retries.size() && retries.holds(publication);
    }

    private boolean refused(
        final Publication publication, final DirectBuffer buffer, final int offset, final int length, final long result)
    {
        backPressureEvents++;
        if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
        {
            return false;
        }
        if (null != retries)
        {
            return retries.add(publication, buffer, offset, length, nowNs);
        }
        return retryInPlace(publication, buffer, offset, length);
    }

    private boolean retryInPlace(
        final Publication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadlineNs = System.nanoTime() + retryTimeoutNs;
        retryIdle.reset();
        long result;
        do
        {
            retryIdle.idle();
            result = publication.offer(buffer, offset, length);
            if (result > 0)
            {
                bytesSent += length;
                return true;
            }
        }
        while (result != Publication.CLOSED && result != Publication.MAX_POSITION_EXCEEDED &&
            System.nanoTime() - deadlineNs < 0);
        return false;
    }
}
