package io.shawarma.fabric.aggregate;

import java.util.Arrays;

/**
 * The peers' {@code AggregateRoundDone} marks: the last round each peer sent all of its exports of, with the
 * counts of its round before (for the progress line).
 */
final class RoundMarks
{
    private final int slot;
    private final int workers;
    private final long[] doneRound;
    private final long[] doneDevices;
    private final long[] doneChanged;

    RoundMarks(final int slot, final int workers)
    {
        this.slot = slot;
        this.workers = workers;
        doneRound = new long[workers];
        Arrays.fill(doneRound, Long.MIN_VALUE);
        doneDevices = new long[workers];
        doneChanged = new long[workers];
    }

    void onDone(final int senderSlot, final long round, final long devices, final long changed)
    {
        doneRound[senderSlot] = Math.max(doneRound[senderSlot], round);
        doneDevices[senderSlot] = devices;
        doneChanged[senderSlot] = changed;
    }

    /**
     * @return whether every peer sent all of its exports of the round.
     */
    boolean allDone(final long round)
    {
        for (int peer = 0; peer < workers; peer++)
        {
            if (peer != slot && doneRound[peer] < round)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the devices that ran on the peers, from their last marks.
     */
    long peerDevices()
    {
        return sumOfPeers(doneDevices);
    }

    /**
     * @return the devices whose output changed on the peers, from their last marks.
     */
    long peerChanged()
    {
        return sumOfPeers(doneChanged);
    }

    private long sumOfPeers(final long[] values)
    {
        long total = 0;
        for (int peer = 0; peer < workers; peer++)
        {
            total += peer == slot ? 0 : values[peer];
        }
        return total;
    }
}
