package io.shawarma.fabric.borrow;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * A long per peer, read and written by peer id on every forwarded call: a plain array for the small ids workers
 * have, a hash map for the rest. The array grows when a value is first put for a larger id, never on a read.
 * Single threaded.
 */
final class LongByPeer
{
    /** Ids below this are held in the array. */
    static final int MAX_DENSE_ID = 64 * 1024;

    private final long missingValue;
    private final Long2LongHashMap sparse;
    private long[] dense = new long[16];

    LongByPeer(final long missingValue)
    {
        this.missingValue = missingValue;
        this.sparse = new Long2LongHashMap(missingValue);
        Arrays.fill(dense, missingValue);
    }

    long get(final int peerId)
    {
        if (peerId >= 0 && peerId < dense.length)
        {
            return dense[peerId];
        }
        return peerId >= 0 && peerId < MAX_DENSE_ID ? missingValue : sparse.get(peerId);
    }

    void put(final int peerId, final long value)
    {
        if (peerId >= 0 && peerId < MAX_DENSE_ID)
        {
            if (peerId >= dense.length)
            {
                final int oldLength = dense.length;
                dense = Arrays.copyOf(dense, Math.min(MAX_DENSE_ID, Math.max(peerId + 1, oldLength * 2)));
                Arrays.fill(dense, oldLength, dense.length, missingValue);
            }
            dense[peerId] = value;
        }
        else
        {
            sparse.put(peerId, value);
        }
    }
}
