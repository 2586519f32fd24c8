package io.shawarma.fabric.grid;

/**
 * Writes an owner sent to its slot's backups and whose acknowledgements it awaits, by sequence: a ring of
 * {@link #CAPACITY} entries indexed by sequence, each with the backups it waits for (at most
 * {@link SlotReplicas#MAX_BACKUPS}), which of them it was sent to and which acknowledged it. Sequences are given in
 * order; at most {@link #CAPACITY} are in flight, so an entry is never taken by a later one while in use.
 * <p>
 * Single threaded: driven by {@link SlotReplicas}. Allocation free.
 */
final class UnconfirmedWrites
{
    static final int CAPACITY = io.shawarma.fabric.store.Replication.MAX_HELD;
    private static final int MASK = CAPACITY - 1;
    private static final int WIDTH = SlotReplicas.MAX_BACKUPS;

    private final long[] sequences = new long[CAPACITY];
    private final int[] slots = new int[CAPACITY];
    private final long[] vertexIds = new long[CAPACITY];
    private final long[] sentAtNs = new long[CAPACITY];
    private final long[] lastSentNs = new long[CAPACITY];
    private final int[] targets = new int[CAPACITY * WIDTH];
    private final int[] required = new int[CAPACITY];
    private final int[] sent = new int[CAPACITY];
    private final int[] acked = new int[CAPACITY];
    private long lastSequence;
    private long oldestSequence = 1;
    private int inFlight;

    /** @return true when fewer than {@code headroom} more writes may be tracked. */
    boolean isFull(final int headroom)
    {
        return lastSequence + headroom - oldestSequence >= CAPACITY;
    }

    /**
     * Tracks a write to a slot, waiting for each backup listed.
     *
     * @param backups     the backups of every slot, {@code backupCount} per slot, {@link SlotTable#NO_OWNER} for none.
     * @return the write's sequence; its entry is {@link #indexOf}.
     */
    long add(final int slot, final long vertexId, final long nowNs, final int[] backups, final int backupCount)
    {
        final long sequence = ++lastSequence;
        final int i = (int)sequence & MASK;
        sequences[i] = sequence;
        slots[i] = slot;
        vertexIds[i] = vertexId;
        sentAtNs[i] = nowNs;
        lastSentNs[i] = nowNs;
        sent[i] = 0;
        acked[i] = 0;
        int mask = 0;
        for (int k = 0; k < backupCount; k++)
        {
            final int backupId = backups[slot * backupCount + k];
            targets[i * WIDTH + k] = backupId;
            mask |= SlotTable.NO_OWNER != backupId ? 1 << k : 0;
        }
        required[i] = mask;
        inFlight++;
        return sequence;
    }

    /** @return the entry of a write in flight, or -1. */
    int indexOf(final long sequence)
    {
        final int i = (int)sequence & MASK;
        return 0 != sequence && sequences[i] == sequence ? i : -1;
    }

    long oldestSequence()
    {
        return oldestSequence;
    }

    long lastSequence()
    {
        return lastSequence;
    }

    int inFlight()
    {
        return inFlight;
    }

    long sequence(final int i)
    {
        return sequences[i];
    }

    int slot(final int i)
    {
        return slots[i];
    }

    long vertexId(final int i)
    {
        return vertexIds[i];
    }

    long sentAtNs(final int i)
    {
        return sentAtNs[i];
    }

    /** @return the k-th backup the write waits for, or -1 when it waits for none there. */
    int awaited(final int i, final int k)
    {
        return (required[i] & 1 << k) != 0 ? targets[i * WIDTH + k] : SlotTable.NO_OWNER;
    }

    /** @return true when the write still has to be sent to its k-th backup. */
    boolean isUnsent(final int i, final int k)
    {
        return (required[i] & 1 << k) != 0 && (sent[i] & 1 << k) == 0;
    }

    /** @return true when some backup the write waits for has not been sent it. */
    boolean isUnsent(final int i)
    {
        return sent[i] != required[i];
    }

    void sent(final int i, final int k, final long nowNs)
    {
        sent[i] |= 1 << k;
        lastSentNs[i] = nowNs;
    }

    /**
     * Marks the backups that have not acknowledged the write as unsent when it was last sent {@code intervalNs} ago
     * or more: a write or its acknowledgement may have been dropped on the way.
     *
     * @return true when some backup is to be sent it again.
     */
    boolean resendIfDue(final int i, final long nowNs, final long intervalNs)
    {
        if (nowNs - lastSentNs[i] < intervalNs || (acked[i] & required[i]) == required[i])
        {
            return false;
        }
        sent[i] &= acked[i];
        return true;
    }

    void acked(final int i, final int k)
    {
        acked[i] |= 1 << k;
    }

    /** The write no longer waits for its k-th backup (the cluster took it off the slot). */
    void forget(final int i, final int k)
    {
        required[i] &= ~(1 << k);
    }

    /** @return true when every backup the write waits for acknowledged it. */
    boolean isConfirmed(final int i)
    {
        return (acked[i] & required[i]) == required[i];
    }

    /** Stops tracking a write. @return its sequence. */
    long remove(final int i)
    {
        final long sequence = sequences[i];
        sequences[i] = 0;
        inFlight--;
        while (oldestSequence <= lastSequence && sequences[(int)oldestSequence & MASK] != oldestSequence)
        {
            oldestSequence++;
        }
        return sequence;
    }
}
