package io.shawarma.fabric.grid;

import java.util.Arrays;

import static io.shawarma.fabric.grid.SlotTable.NO_OWNER;

/**
 * The backups of every slot of a {@link SlotTable}: up to {@code backupCount} workers per slot, other than its owner,
 * that hold a copy of the slot's vertices and apply every write to it before the owner acknowledges the write. Each
 * backup has a <em>fill id</em>: 0 once it holds the slot in sync, else the id of the fill its owner streams to it
 * (taken from the slot table's never reused move ids, so a stale fill is never mistaken for the current one). Only an
 * in-sync backup may replace a lost owner.
 * <p>
 * Assignment keeps every backup that is still a taker of slots and not the owner (least churn); a slot short of
 * backups gets the takers holding the fewest backups, lowest id first, each with a new fill id, the owners' short
 * slots taken in turn so that the spread stays even. Entries of a slot are kept packed: its backups first, then
 * {@link SlotTable#NO_OWNER}. Deterministic, like the rest of the table.
 */
final class BackupTable
{
    private final int backupCount;
    private final int[] workers;
    private final long[] fillIds;

    BackupTable(final int slotCount, final int backupCount)
    {
        this.backupCount = backupCount;
        workers = new int[slotCount * backupCount];
        fillIds = new long[slotCount * backupCount];
        Arrays.fill(workers, NO_OWNER);
    }

    /** @return backups wanted per slot (shawarma.grid.backups). */
    int count()
    {
        return backupCount;
    }

    /** @return the k-th backup of a slot, or {@link SlotTable#NO_OWNER}. */
    int backupOf(final int slot, final int k)
    {
        return workers[slot * backupCount + k];
    }

    /** @return 0 when the k-th backup of a slot holds it in sync, else the id of the fill it waits for. */
    long fillIdOf(final int slot, final int k)
    {
        return fillIds[slot * backupCount + k];
    }

    /** @return a copy of the backups, {@code slot * count() + k}. */
    int[] workers()
    {
        return workers.clone();
    }

    /** @return a copy of the fill ids, as {@link #workers()}. */
    long[] fillIds()
    {
        return fillIds.clone();
    }

    /** @return backups assigned, in sync or not. */
    int assigned()
    {
        int count = 0;
        for (final int worker : workers)
        {
            count += NO_OWNER != worker ? 1 : 0;
        }
        return count;
    }

    /** @return backups assigned and in sync. */
    int inSync()
    {
        int count = 0;
        for (int i = 0; i < workers.length; i++)
        {
            count += NO_OWNER != workers[i] && 0 == fillIds[i] ? 1 : 0;
        }
        return count;
    }

    /** @return slots a worker is a backup of. */
    int backupsOn(final int workerId)
    {
        int count = 0;
        for (final int worker : workers)
        {
            count += worker == workerId ? 1 : 0;
        }
        return count;
    }

    /** @return fills a worker has to stream, as the owner of their slots. */
    int fillsFrom(final SlotTable slots, final int workerId)
    {
        int count = 0;
        for (int i = 0; i < workers.length; i++)
        {
            count += NO_OWNER != workers[i] && 0 != fillIds[i] && slots.ownerOf(i / backupCount) == workerId ? 1 : 0;
        }
        return count;
    }

    void restore(final int slot, final int k, final int workerId, final long fillId)
    {
        workers[slot * backupCount + k] = workerId;
        fillIds[slot * backupCount + k] = fillId;
    }

    /**
     * @return the first in-sync backup of a slot among the takers, else among the live workers (a leaver hands the
     * slot over with its data), else {@link SlotTable#NO_OWNER}.
     */
    int promotable(final int slot, final int[] takerIds, final int[] liveWorkerIds)
    {
        final int candidate = firstInSync(slot, takerIds);
        return NO_OWNER != candidate ? candidate : firstInSync(slot, liveWorkerIds);
    }

    /**
     * The slot changed owner: the new owner is no longer one of its backups, and a backup still filling waits for a
     * fill from the new owner, under a new id (the old owner's stream, if any, is stale). An in-sync backup stays so.
     *
     * @return entries changed.
     */
    int ownerChanged(final SlotTable slots, final int slot)
    {
        final int owner = slots.ownerOf(slot);
        int changed = 0;
        for (int i = slot * backupCount, end = i + backupCount; i < end; i++)
        {
            if (NO_OWNER != workers[i] && workers[i] == owner)
            {
                workers[i] = NO_OWNER;
                fillIds[i] = 0;
                changed++;
            }
            else if (NO_OWNER != workers[i] && 0 != fillIds[i])
            {
                fillIds[i] = slots.newMoveId();
                changed++;
            }
        }
        pack(slot);
        return changed;
    }

    /**
     * A backup has the slot's vertices from a fill: it is in sync.
     *
     * @return false, changing nothing, when that is not the fill the worker waits for as a backup of the slot.
     */
    boolean filled(final int slot, final int workerId, final long fillId)
    {
        if (0 == fillId || slot < 0 || slot * backupCount >= workers.length)
        {
            return false;
        }
        for (int i = slot * backupCount, end = i + backupCount; i < end; i++)
        {
            if (workers[i] == workerId && fillIds[i] == fillId)
            {
                fillIds[i] = 0;
                return true;
            }
        }
        return false;
    }

    /**
     * Gives every owned slot {@code min(count(), takers other than its owner)} distinct backups: drops those that no
     * longer take slots or own the slot (and the surplus, those still filling first), keeps the others, and fills
     * the gaps with the takers holding the fewest backups, lowest id first, each with a new fill id.
     *
     * @param slots    whose owners the backups serve and whose move ids name the fills.
     * @param takerIds ascending ids of the workers that take slots.
     * @return entries changed.
     */
    int assign(final SlotTable slots, final int[] takerIds)
    {
        if (0 == backupCount)
        {
            return 0;
        }
        final int slotCount = workers.length / backupCount;
        int changed = 0;
        for (int slot = 0; slot < slotCount; slot++)
        {
            changed += dropInvalid(slot, slots.ownerOf(slot), takerIds);
        }

        final int[] held = new int[takerIds.length];
        for (final int worker : workers)
        {
            final int k = NO_OWNER == worker ? -1 : Arrays.binarySearch(takerIds, worker);
            if (k >= 0)
            {
                held[k]++;
            }
        }
        final long[] order = shortSlots(slots, takerIds);
        for (final long key : order)
        {
            final int slot = (int)(key % slotCount);
            final int owner = slots.ownerOf(slot);
            final int wanted = wanted(owner, takerIds);
            for (int k = count(slot); k < wanted; k++)
            {
                final int pick = leastHeld(slot, owner, takerIds, held);
                held[pick]++;
                workers[slot * backupCount + k] = takerIds[pick];
                fillIds[slot * backupCount + k] = slots.newMoveId();
                changed++;
            }
        }
        return changed;
    }

    /**
     * @return the owned slots short of backups, the first of each owner's, then the second of each, and so on, as
     * sort keys ending in the slot: taken in slot order, the slots of the owners with the lowest ids would draw every
     * backup from the others, and the last owner would be left with fewer backups than its share.
     */
    private long[] shortSlots(final SlotTable slots, final int[] takerIds)
    {
        final int slotCount = workers.length / backupCount;
        final int[] rank = new int[takerIds.length + 1];
        final long[] keys = new long[slotCount];
        int count = 0;
        for (int slot = 0; slot < slotCount; slot++)
        {
            final int owner = slots.ownerOf(slot);
            if (NO_OWNER != owner && count(slot) < wanted(owner, takerIds))
            {
                final int k = Arrays.binarySearch(takerIds, owner);
                final int ownerIndex = k >= 0 ? k : takerIds.length;
                keys[count++] = ((long)rank[ownerIndex]++ * rank.length + ownerIndex) * slotCount + slot;
            }
        }
        final long[] order = Arrays.copyOf(keys, count);
        Arrays.sort(order);
        return order;
    }

    private int wanted(final int owner, final int[] takerIds)
    {
        final int others = takerIds.length - (Arrays.binarySearch(takerIds, owner) >= 0 ? 1 : 0);
        return Math.min(backupCount, others);
    }

    private int dropInvalid(final int slot, final int owner, final int[] takerIds)
    {
        final int base = slot * backupCount;
        int changed = 0;
        for (int i = base; i < base + backupCount; i++)
        {
            if (NO_OWNER != workers[i] &&
                (NO_OWNER == owner || workers[i] == owner || Arrays.binarySearch(takerIds, workers[i]) < 0))
            {
                workers[i] = NO_OWNER;
                fillIds[i] = 0;
                changed++;
            }
        }
        pack(slot);
        // Fewer takers than before: keep the backups in sync, drop the last ones still filling first.
        final int surplus = NO_OWNER == owner ? 0 : count(slot) - wanted(owner, takerIds);
        for (int dropped = 0; dropped < surplus; dropped++)
        {
            int victim = base + count(slot) - 1;
            for (int i = victim; i >= base; i--)
            {
                if (0 != fillIds[i])
                {
                    victim = i;
                    break;
                }
            }
            workers[victim] = NO_OWNER;
            fillIds[victim] = 0;
            pack(slot);
            changed++;
        }
        return changed;
    }

    private int count(final int slot)
    {
        int count = 0;
        for (int i = slot * backupCount, end = i + backupCount; i < end; i++)
        {
            count += NO_OWNER != workers[i] ? 1 : 0;
        }
        return count;
    }

    /** Moves a slot's backups to its first entries, in order. */
    private void pack(final int slot)
    {
        final int base = slot * backupCount;
        int to = base;
        for (int i = base; i < base + backupCount; i++)
        {
            if (NO_OWNER != workers[i])
            {
                if (to != i)
                {
                    workers[to] = workers[i];
                    fillIds[to] = fillIds[i];
                    workers[i] = NO_OWNER;
                    fillIds[i] = 0;
                }
                to++;
            }
        }
    }

    private int leastHeld(final int slot, final int owner, final int[] takerIds, final int[] held)
    {
        int pick = -1;
        for (int k = 0; k < takerIds.length; k++)
        {
            final int candidate = takerIds[k];
            if (candidate != owner && !isBackup(slot, candidate) && (pick < 0 || held[k] < held[pick]))
            {
                pick = k;
            }
        }
        return pick;
    }

    private boolean isBackup(final int slot, final int workerId)
    {
        for (int i = slot * backupCount, end = i + backupCount; i < end; i++)
        {
            if (workers[i] == workerId)
            {
                return true;
            }
        }
        return false;
    }

    private int firstInSync(final int slot, final int[] workerIds)
    {
        for (int i = slot * backupCount, end = i + backupCount; i < end; i++)
        {
            if (NO_OWNER != workers[i] && 0 == fillIds[i] && Arrays.binarySearch(workerIds, workers[i]) >= 0)
            {
                return workers[i];
            }
        }
        return NO_OWNER;
    }
}
