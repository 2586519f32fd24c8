package io.shawarma.messaging;

import io.aeron.Publication;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Messages a publication refused, copied aside so that the sender's thread goes on serving other calls instead of
 * idling: each is offered again on later duty cycles ({@link #retry(long)}), in order per publication, and dropped
 * (counted) when its publication is closed or it is still refused when its retry window ends. Bounded and
 * pre-allocated: a message that does not fit is refused at once. Single threaded; allocation free.
 */
public final class OfferRetries
{
    // Publications refused within one pass: their later messages wait, so that none overtakes an earlier one.
    private static final int MAX_REFUSED_PER_PASS = 8;

    private final UnsafeBuffer bytes;
    private final Publication[] publications;
    private final int[] offsets;
    private final int[] lengths;
    private final long[] deadlinesNs;
    private final long retryWindowNs;
    private final Publication[] refused = new Publication[MAX_REFUSED_PER_PASS];
    private int refusedCount;
    private int count;
    // Bytes up to the end of the last held message, and of the held messages: sent ones leave gaps until compacted.
    private int usedBytes;
    private int liveBytes;
    private long dropped;
    private long bytesSent;

    /**
     * @param capacityBytes bytes of messages held at most.
     * @param maxMessages   messages held at most.
     * @param retryWindowNs how long a message is retried before it is dropped.
     */
    public OfferRetries(final int capacityBytes, final int maxMessages, final long retryWindowNs)
    {
        this.bytes = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BitUtil.align(capacityBytes, 64), 64));
        this.publications = new Publication[maxMessages];
        this.offsets = new int[maxMessages];
        this.lengths = new int[maxMessages];
        this.deadlinesNs = new long[maxMessages];
        this.retryWindowNs = retryWindowNs;
    }

    /**
     * Copies a refused message aside.
     *
     * @return false when it does not fit (too many messages or bytes held): not kept.
     */
    public boolean add(
        final Publication publication, final DirectBuffer buffer, final int offset, final int length,
        final long nowNs)
    {
        if (count == publications.length || length > bytes.capacity() - liveBytes)
        {
            return false;
        }
        if (length > bytes.capacity() - usedBytes)
        {
            compactBytes();
        }
        bytes.putBytes(usedBytes, buffer, offset, length);
        publications[count] = publication;
        offsets[count] = usedBytes;
        lengths[count] = length;
        deadlinesNs[count] = nowNs + retryWindowNs;
        count++;
        usedBytes += length;
        liveBytes += length;
        return true;
    }

    /**
     * @return true when a message to this publication is held: a new one must queue behind it.
     */
    public boolean holds(final Publication publication)
    {
        for (int i = 0; i < count; i++)
        {
            if (publications[i] == publication)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Offers every held message once (after an earlier refused one of the same publication: not this pass) and drops
     * those whose publication closed or whose window ended.
     *
     * @param nowNs this duty cycle's time.
     * @return messages sent or dropped.
     */
    public int retry(final long nowNs)
    {
        if (0 == count)
        {
            return 0;
        }
        refusedCount = 0;
        int kept = 0;
        int work = 0;
        for (int i = 0; i < count; i++)
        {
            final Publication publication = publications[i];
            final int length = lengths[i];
            final long result = isRefused(publication) ? Publication.BACK_PRESSURED :
                publication.offer(bytes, offsets[i], length);
            if (result > 0)
            {
                bytesSent += length;
                liveBytes -= length;
                work++;
            }
            else if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result ||
                nowNs - deadlinesNs[i] >= 0)
            {
                dropped++;
                liveBytes -= length;
                work++;
            }
            else
            {
                refuse(publication);
                publications[kept] = publication;
                offsets[kept] = offsets[i];
                lengths[kept] = length;
                deadlinesNs[kept] = deadlinesNs[i];
                kept++;
            }
        }
        for (int i = kept; i < count; i++)
        {
            publications[i] = null;
        }
        for (int i = 0; i < refusedCount; i++)
        {
            refused[i] = null;
        }
        count = kept;
        if (0 == kept)
        {
            usedBytes = 0;
        }
        return work;
    }

    /**
     * @return messages held now.
     */
    public int size()
    {
        return count;
    }

    /**
     * @return messages dropped after their retry window, or because their publication closed.
     */
    public long dropped()
    {
        return dropped;
    }

    /**
     * @return bytes of the held messages sent on a retry.
     */
    public long bytesSent()
    {
        return bytesSent;
    }

    /**
     * Moves the held messages down over the room the sent ones left, in order: only when a new message needs it, so
     * a retry pass never copies bytes.
     */
    private void compactBytes()
    {
        int position = 0;
        for (int i = 0; i < count; i++)
        {
            if (position != offsets[i])
            {
                // Moving down within the buffer: the copy handles the overlap like memmove.
                bytes.putBytes(position, bytes, offsets[i], lengths[i]);
                offsets[i] = position;
            }
            position += lengths[i];
        }
        usedBytes = position;
    }

    private boolean isRefused(final Publication publication)
    {
        if (MAX_REFUSED_PER_PASS == refusedCount)
        {
            // Too many refusing publications to track: the rest of this pass waits (next pass starts afresh).
            return true;
        }
        for (int i = 0; i < refusedCount; i++)
        {
            if (refused[i] == publication)
            {
                return true;
            }
        }
        return false;
    }

    private void refuse(final Publication publication)
    {
        if (refusedCount < MAX_REFUSED_PER_PASS && !isRefused(publication))
        {
            refused[refusedCount++] = publication;
        }
    }
}
