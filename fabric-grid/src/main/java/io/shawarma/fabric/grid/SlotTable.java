package io.shawarma.fabric.grid;

import java.util.Arrays;

/**
 * Which worker owns each hash slot (see {@link io.shawarma.fabric.Placement#slotOf(long, int)}), which slots are on
 * their way to another worker, and an epoch that grows with every change of either.
 * <p>
 * {@link #rebalance(int[])} aims at an even spread over the live workers and moves as few slots as it can: a worker
 * keeps its slots up to its fair share, and only orphaned or surplus slots change hands. A slot whose owner is gone
 * goes straight to its new owner (its data went with the owner). A slot whose owner is alive does not change owner
 * yet: it gets a <em>move</em>, named by a move id never reused, and changes owner only when the target reports the
 * slot's vertices installed ({@link #commit(int, int, long)}). A move no longer wanted is cancelled.
 * <p>
 * A slot taken from its owner without its data (the owner died, or left before it could hand it over) keeps a
 * <em>claim</em> naming that owner: its data directory may still hold the slot's vertices. When the claimant is live
 * again the slot goes back to it (a move from the interim owner, whose data the claimant merges with its own; or
 * straight, when the slot has no live owner), whatever its fair share; the claim ends when the claimant owns the slot
 * again. A slot has one claim: the last owner that lost it.
 * <p>
 * With backups ({@link BackupTable}), a slot whose owner is lost goes first to one of its in-sync backups: its copy
 * is current, so the lost owner gets no claim (an older claim stays: that claimant's data never reached the copy).
 * Backups are assigned again after every rebalance and commit; every change of a backup or of its fill bumps the
 * epoch too.
 */
final class SlotTable
{
    /** Owner of a slot while no worker is alive; also the target of a slot that is not moving. */
    static final int NO_OWNER = -1;

    private final int[] owners;
    private final int[] targets;
    private final long[] moveIds;
    private final int[] claims;
    private final BackupTable backups;
    private long epoch;
    private long nextMoveId = 1;

    SlotTable(final int slotCount)
    {
        this(slotCount, 0);
    }

    /**
     * @param slotCount   number of hash slots.
     * @param backupCount backups wanted per slot (shawarma.grid.backups).
     */
    SlotTable(final int slotCount, final int backupCount)
    {
        backups = new BackupTable(slotCount, backupCount);
        owners = new int[slotCount];
        targets = new int[slotCount];
        moveIds = new long[slotCount];
        claims = new int[slotCount];
        Arrays.fill(owners, NO_OWNER);
        Arrays.fill(targets, NO_OWNER);
        Arrays.fill(claims, NO_OWNER);
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

    /** @return the worker the slot is moving to, or {@link #NO_OWNER} when it is not moving. */
    int targetOf(final int slot)
    {
        return targets[slot];
    }

    /** @return the id of the slot's move; meaningful only while it is moving. */
    long moveIdOf(final int slot)
    {
        return moveIds[slot];
    }

    /** @return the owner that lost the slot without its data and may bring it back, or {@link #NO_OWNER}. */
    int claimOf(final int slot)
    {
        return claims[slot];
    }

    /** @return slots a worker claims (lost without their data, not yet back). */
    int claimsOf(final int workerId)
    {
        int count = 0;
        for (final int claimant : claims)
        {
            count += claimant == workerId ? 1 : 0;
        }
        return count;
    }

    long nextMoveId()
    {
        return nextMoveId;
    }

    /** @return a new move or fill id, never used before. */
    long newMoveId()
    {
        return nextMoveId++;
    }

    /** @return every slot's backups; change them only through this table. */
    BackupTable backups()
    {
        return backups;
    }

    /** @return a copy of the owners. */
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

    /** @return slots moving away from a worker. */
    int movesFrom(final int workerId)
    {
        int count = 0;
        for (int slot = 0; slot < owners.length; slot++)
        {
            count += owners[slot] == workerId && NO_OWNER != targets[slot] ? 1 : 0;
        }
        return count;
    }

    /** @return slots moving to a worker. */
    int movesTo(final int workerId)
    {
        int count = 0;
        for (final int target : targets)
        {
            count += target == workerId ? 1 : 0;
        }
        return count;
    }

    /** @return slots moving at all. */
    int moving()
    {
        int count = 0;
        for (final int target : targets)
        {
            count += NO_OWNER != target ? 1 : 0;
        }
        return count;
    }

    void restore(final long epoch, final int[] owners)
    {
        System.arraycopy(owners, 0, this.owners, 0, this.owners.length);
        this.epoch = epoch;
    }

    void restoreMove(final int slot, final int target, final long moveId)
    {
        targets[slot] = target;
        moveIds[slot] = moveId;
    }

    void restoreNextMoveId(final long nextMoveId)
    {
        this.nextMoveId = nextMoveId;
    }

    void restoreClaim(final int slot, final int claimant)
    {
        claims[slot] = claimant;
    }

    /**
     * Starts moving a slot of a live owner to another worker (a rebalance on load): a new move id, a new epoch.
     *
     * @return false, changing nothing, when the slot is already moving, has no owner, or the target owns it.
     */
    boolean move(final int slot, final int target)
    {
        if (NO_OWNER != targets[slot] || NO_OWNER == owners[slot] || owners[slot] == target)
        {
            return false;
        }
        targets[slot] = target;
        moveIds[slot] = nextMoveId++;
        epoch++;
        return true;
    }

    /**
     * Plans an even spread over the live workers, all of which take slots.
     *
     * @param liveWorkerIds ascending ids of the live workers.
     * @return number of slots whose owner or move changed.
     */
    int rebalance(final int[] liveWorkerIds)
    {
        return rebalance(liveWorkerIds, liveWorkerIds);
    }

    /**
     * Plans an even spread over the workers taking slots (see {@link #fairShare(int[])}): slots whose owner is not
     * live go to an in-sync backup if they have one, else straight to their new owner; a move for slots a live owner
     * gives up (a leaving worker is live until it handed everything over), and cancellation of moves no longer
     * wanted. A slot taken from its owner without its data is claimed by that owner. Backups are then assigned
     * again. Bumps the epoch when anything changed.
     *
     * @param takerIds      ascending ids of the workers that take slots.
     * @param liveWorkerIds ascending ids of every live worker: the takers and those leaving.
     * @return number of slots whose owner or move changed, plus backups changed.
     */
    int rebalance(final int[] takerIds, final int[] liveWorkerIds)
    {
        // Promoted first, so that the fair share counts a promoted slot as owned (it may then move, with its data).
        int changed = promote(takerIds, liveWorkerIds);
        final int[] fair = fairShare(takerIds);
        for (int slot = 0; slot < owners.length; slot++)
        {
            final int owner = owners[slot];
            final int wanted = fair[slot];
            if (wanted == owner)
            {
                if (NO_OWNER != targets[slot])
                {
                    targets[slot] = NO_OWNER;
                    changed++;
                }
            }
            else if (NO_OWNER == owner || Arrays.binarySearch(liveWorkerIds, owner) < 0 || NO_OWNER == wanted)
            {
                if (NO_OWNER != owner)
                {
                    claims[slot] = owner;
                }
                owners[slot] = wanted;
                targets[slot] = NO_OWNER;
                changed += 1 + backups.ownerChanged(this, slot);
            }
            else if (targets[slot] != wanted)
            {
                targets[slot] = wanted;
                moveIds[slot] = nextMoveId++;
                changed++;
            }
            if (owners[slot] == claims[slot])
            {
                claims[slot] = NO_OWNER;
            }
        }
        changed += backups.assign(this, takerIds);
        if (changed > 0)
        {
            epoch++;
        }
        return changed;
    }

    /**
     * Gives each slot whose owner is not live to an in-sync backup, if it has one: its copy is current, so the slot
     * keeps its data, its move is cancelled and the lost owner gets no claim (its copy is stale). An older claim
     * stays: the claimant lost the slot without its data, which is still only in its data directory.
     *
     * @return slots promoted.
     */
    private int promote(final int[] takerIds, final int[] liveWorkerIds)
    {
        int promoted = 0;
        for (int slot = 0; slot < owners.length; slot++)
        {
            if (NO_OWNER == owners[slot] || Arrays.binarySearch(liveWorkerIds, owners[slot]) >= 0)
            {
                continue;
            }
            final int backup = backups.promotable(slot, takerIds, liveWorkerIds);
            if (NO_OWNER != backup)
            {
                owners[slot] = backup;
                targets[slot] = NO_OWNER;
                if (claims[slot] == backup)
                {
                    claims[slot] = NO_OWNER;
                }
                backups.ownerChanged(this, slot);
                promoted++;
            }
        }
        return promoted;
    }

    /**
     * The target of a move has the slot's vertices: it becomes the owner, under a new epoch.
     *
     * @return false, changing nothing, when that is not the slot's current move (cancelled, redirected or done).
     */
    boolean commit(final int slot, final int workerId, final long moveId)
    {
        return commit(slot, workerId, moveId, null);
    }

    /**
     * As {@link #commit(int, int, long)}, and the slot's backups are assigned again under the same epoch: the new
     * owner is no longer one of them, and a backup still filling waits for a fill from the new owner.
     *
     * @param takerIds ascending ids of the workers that take slots (and backups); null to leave the gaps unfilled.
     */
    boolean commit(final int slot, final int workerId, final long moveId, final int[] takerIds)
    {
        if (slot < 0 || slot >= owners.length || targets[slot] != workerId || moveIds[slot] != moveId)
        {
            return false;
        }
        owners[slot] = workerId;
        targets[slot] = NO_OWNER;
        if (claims[slot] == workerId)
        {
            claims[slot] = NO_OWNER;
        }
        backups.ownerChanged(this, slot);
        if (null != takerIds)
        {
            backups.assign(this, takerIds);
        }
        epoch++;
        return true;
    }

    /**
     * A backup has the slot's vertices from the fill it waited for: it is in sync, under a new epoch.
     *
     * @return false, changing nothing, when the worker waits for no such fill of the slot.
     */
    boolean filled(final int slot, final int workerId, final long fillId)
    {
        if (!backups.filled(slot, workerId, fillId))
        {
            return false;
        }
        epoch++;
        return true;
    }

    /**
     * Every live worker's fair share: {@code slotCount / n}, one more for the first {@code slotCount % n} workers in
     * id order; a worker keeps the slots it owns up to its share (slots already moving count for their target). A
     * live worker gets back every slot it claims first, beyond its share if need be (its data is there).
     *
     * @param liveWorkerIds ascending ids of the live workers.
     * @return the owner each slot should have.
     */
    int[] fairShare(final int[] liveWorkerIds)
    {
        final int n = liveWorkerIds.length;
        final int[] kept = new int[n];
        final int[] target = new int[n];
        for (int k = 0; k < n; k++)
        {
            target[k] = owners.length / n + (k < owners.length % n ? 1 : 0);
        }

        final int[] fair = new int[owners.length];
        Arrays.fill(fair, NO_OWNER);
        for (int slot = 0; slot < owners.length; slot++)
        {
            final int k = NO_OWNER == claims[slot] ? -1 : Arrays.binarySearch(liveWorkerIds, claims[slot]);
            if (k >= 0)
            {
                kept[k]++;
                fair[slot] = claims[slot];
            }
        }
        // A move under way keeps its target when the target may still take it, so a rebalance does not undo it.
        keep(liveWorkerIds, targets, kept, target, fair);
        keep(liveWorkerIds, owners, kept, target, fair);

        int k = 0;
        for (int slot = 0; slot < owners.length; slot++)
        {
            if (NO_OWNER != fair[slot])
            {
                continue;
            }
            while (k < n && kept[k] >= target[k])
            {
                k++;
            }
            if (k < n)
            {
                fair[slot] = liveWorkerIds[k];
                kept[k]++;
            }
        }
        return fair;
    }

    private static void keep(
        final int[] liveWorkerIds, final int[] holders, final int[] kept, final int[] target, final int[] fair)
    {
        for (int slot = 0; slot < holders.length; slot++)
        {
            if (NO_OWNER != fair[slot] || NO_OWNER == holders[slot])
            {
                continue;
            }
            final int k = Arrays.binarySearch(liveWorkerIds, holders[slot]);
            if (k >= 0 && kept[k] < target[k])
            {
                kept[k]++;
                fair[slot] = holders[slot];
            }
        }
    }
}
