package io.shawarma.fabric.grid;

import java.util.Arrays;

/**
 * Which worker owns each hash slot (see {@link io.shawarma.fabric.Placement#slotOf(long, int)}), under an epoch that
 * grows with every change. {@link #rebalance(int[])} spreads the slots evenly over the live workers and moves as
 * few slots as it can: a worker keeps its slots up to its fair share, and only orphaned or surplus slots move.
 */
final class SlotTable
{
    /** Owner of a slot while no worker is alive. */
    static final int NO_OWNER = -1;

    private final int[] owners;
    private long epoch;

    SlotTable(final int slotCount)
    {
        owners = new int[slotCount];
        Arrays.fill(owners, NO_OWNER);
    }

    int slotCount()
    {
        return owners.length;
    }

    long epoch()
    {
        return epoch;
    }

    int ownerOf(final int slot)
    {
        return owners[slot];
    }

    /** @return a copy of the table. */
    int[] owners()
    {
        return owners.clone();
    }

    int slotsOf(final int workerId)
    {
        int count = 0;
        for (final int owner : owners)
        {
            count += owner == workerId ? 1 : 0;
        }
        return count;
    }

    void restore(final long epoch, final int[] owners)
    {
        System.arraycopy(owners, 0, this.owners, 0, this.owners.length);
        this.epoch = epoch;
    }

    /**
     * Gives every live worker its fair share: {@code slotCount / n}, one more for the first {@code slotCount % n}
     * workers in id order. Bumps the epoch when any slot moved.
     *
     * @param liveWorkerIds ascending ids of the live workers.
     * @return number of slots that changed owner.
     */
    int rebalance(final int[] liveWorkerIds)
    {
        final int n = liveWorkerIds.length;
        final int[] kept = new int[n];
        final int[] target = new int[n];
        for (int k = 0; k < n; k++)
        {
            target[k] = owners.length / n + (k < owners.length % n ? 1 : 0);
        }

        final boolean[] orphan = new boolean[owners.length];
        for (int slot = 0; slot < owners.length; slot++)
        {
            final int k = 0 == n ? -1 : Arrays.binarySearch(liveWorkerIds, owners[slot]);
            if (k >= 0 && kept[k] < target[k])
            {
                kept[k]++;
            }
            else
            {
                orphan[slot] = true;
            }
        }

        int moved = 0;
        int k = 0;
        for (int slot = 0; slot < owners.length; slot++)
        {
            if (!orphan[slot])
            {
                continue;
            }
            while (k < n && kept[k] >= target[k])
            {
                k++;
            }
            final int newOwner = k < n ? liveWorkerIds[k] : NO_OWNER;
            if (k < n)
            {
                kept[k]++;
            }
            if (newOwner != owners[slot])
            {
                owners[slot] = newOwner;
                moved++;
            }
        }
        if (moved > 0)
        {
            epoch++;
        }
        return moved;
    }
}
