package io.shawarma.fabric;

import io.shawarma.udf.Status;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Answers to writes that wait for their backups ({@link io.shawarma.fabric.store.Replication}): each is kept under
 * the sequence the replication gave its write, with a copy of its result, until the replication releases it as it
 * is or fails it with another status. A ring of a fixed number of entries: an entry is reused once its answer went,
 * and a result buffer grows to the largest result it held, so steady state allocates nothing.
 * <p>
 * Single threaded: the worker's agent thread.
 */
final class HeldReplies
{
    private final Replies replies;
    private final int mask;
    private final long[] sequences;
    private final Peer[] callers;
    private final long[] correlationIds;
    private final Status[] statuses;
    private final int[] resultLengths;
    private final ExpandableArrayBuffer[] results;
    private int held;

    /**
     * @param replies   sends the answers.
     * @param capacity  answers held at most; rounded up to a power of two.
     */
    HeldReplies(final Replies replies, final int capacity)
    {
        this.replies = replies;
        final int size = BitUtil.findNextPositivePowerOfTwo(capacity);
        mask = size - 1;
        sequences = new long[size];
        callers = new Peer[size];
        correlationIds = new long[size];
        statuses = new Status[size];
        resultLengths = new int[size];
        results = new ExpandableArrayBuffer[size];
        for (int i = 0; i < size; i++)
        {
            results[i] = new ExpandableArrayBuffer(64);
        }
    }

    /**
     * Holds a call's answer until its write's backups applied it.
     *
     * @param sequence the replication's sequence for the write; positive.
     * @return false when the entry for the sequence is still taken (the answer was sent at once instead).
     */
    boolean hold(
        final long sequence, final Peer caller, final long correlationId, final Status status,
        final DirectBuffer result, final int resultLength)
    {
        final int i = (int)sequence & mask;
        if (null != callers[i])
        {
            replies.send(caller, correlationId, status, Replies.NO_OWNER, result, resultLength);
            return false;
        }
        sequences[i] = sequence;
        callers[i] = caller;
        correlationIds[i] = correlationId;
        statuses[i] = status;
        resultLengths[i] = resultLength;
        results[i].putBytes(0, result, 0, resultLength);
        held++;
        return true;
    }

    /**
     * Sends a held answer as it was: the write's backups applied it.
     *
     * @return false when no answer is held under the sequence (released already, or never held).
     */
    boolean release(final long sequence)
    {
        final int i = (int)sequence & mask;
        if (null == callers[i] || sequences[i] != sequence)
        {
            return false;
        }
        replies.send(callers[i], correlationIds[i], statuses[i], Replies.NO_OWNER, results[i], resultLengths[i]);
        clear(i);
        return true;
    }

    /**
     * Answers a held call with another status instead: its write could not be confirmed by its backups.
     *
     * @return false when no answer is held under the sequence.
     */
    boolean fail(final long sequence, final Status status, final int ownerId, final DirectBuffer text)
    {
        final int i = (int)sequence & mask;
        if (null == callers[i] || sequences[i] != sequence)
        {
            return false;
        }
        replies.send(callers[i], correlationIds[i], status, ownerId, text);
        clear(i);
        return true;
    }

    /** @return answers held now. */
    int held()
    {
        return held;
    }

    private void clear(final int i)
    {
        callers[i] = null;
        statuses[i] = null;
        held--;
    }
}
