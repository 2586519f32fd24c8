package io.shawarma.fabric.grid;

import io.shawarma.fabric.Placement;
import io.shawarma.fabric.store.VertexStore;
import org.agrona.collections.LongArrayList;

import java.util.Arrays;

/**
 * Slots whose vertices a grid worker may hold without owning them: slots it lost (handed over, or taken away when it
 * was declared dead), streams installed for moves to it, the slots it backs up, and whatever its store held at a
 * restart. A sweep on each complete view drops the vertices of those it no longer has a reason to keep.
 * <p>
 * What was written here on behalf of a move or a backup carries the epoch it was written under, and stays while the
 * view is not newer: the source or owner may have heard of the move or backup before this worker.
 * <p>
 * Single threaded: driven by the {@link SlotMigration} that owns it.
 */
final class HeldSlots
{
    /** Written here before any placement: the view it belongs to is unknown, so no sweep drops it. */
    private static final long BEFORE_ANY_VIEW = Long.MAX_VALUE;

    private final int slotCount;
    private final VertexStore store;
    private final boolean[] held;
    /** Newest epoch the slot's vertices were written under here; -1 for data from before (kept by no epoch). */
    private final long[] heldAt;
    private final boolean[] backedUp;
    private final LongArrayList scratchIds = new LongArrayList();
    private long verticesDropped;

    HeldSlots(final int slotCount, final VertexStore store)
    {
        this.slotCount = slotCount;
        this.store = store;
        held = new boolean[slotCount];
        Arrays.fill(held, true);
        heldAt = new long[slotCount];
        Arrays.fill(heldAt, -1);
        backedUp = new boolean[slotCount];
    }

    /** The worker no longer owns the slot: what it holds of it is kept until a sweep finds no reason to. */
    void lost(final int slot)
    {
        held[slot] = true;
        heldAt[slot] = -1;
    }

    /** The worker owns the slot: its vertices are its own, out of every sweep. */
    void owned(final int slot)
    {
        held[slot] = false;
    }

    /**
     * Vertices of a slot not owned here were written here by a move's stream or a backup's write or fill.
     *
     * @param epoch          the epoch the sender wrote under.
     * @param placementEpoch the placement applied here, or -1 before any.
     */
    void written(final int slot, final long epoch, final long placementEpoch)
    {
        held[slot] = true;
        heldAt[slot] = placementEpoch < 0 ? BEFORE_ANY_VIEW : Math.max(heldAt[slot], Math.max(placementEpoch, epoch));
    }

    /** Whether this worker is one of the slot's backups in the last view: a backup's vertices are kept. */
    void backedUp(final int slot, final boolean backedUp)
    {
        this.backedUp[slot] = backedUp;
    }

    /** Drops every vertex of a slot held here (a backup being filled afresh). @return vertices dropped. */
    int drop(final int slot)
    {
        final boolean[] slots = new boolean[slotCount];
        slots[slot] = true;
        return drop(slots);
    }

    /**
     * Drops the vertices of every slot held here that is neither this worker's, nor moving to it, nor backed up here:
     * slots handed over, moves to here cancelled, backups taken away, and what a restarted worker's store held.
     *
     * @param viewEpoch     the view's epoch: what was written under a newer one stays.
     * @param owners        owner of each slot in the view.
     * @param workerId      this worker.
     * @param incomingMoves the move bringing each slot here, or {@link SlotMigration#NOT_MOVING}.
     */
    void sweep(final long viewEpoch, final int[] owners, final int workerId, final long[] incomingMoves)
    {
        final boolean[] slots = new boolean[slotCount];
        boolean any = false;
        for (int slot = 0; slot < slotCount; slot++)
        {
            if (held[slot] && owners[slot] != workerId && SlotMigration.NOT_MOVING == incomingMoves[slot] &&
                !backedUp[slot] && heldAt[slot] < viewEpoch)
            {
                slots[slot] = true;
                held[slot] = false;
                any = true;
            }
        }
        if (any)
        {
            verticesDropped += drop(slots);
        }
    }

    long verticesDropped()
    {
        return verticesDropped;
    }

    private int drop(final boolean[] slots)
    {
        scratchIds.clear();
        store.forEach((vertexId, buffer, length) ->
        {
            if (slots[Placement.slotOf(vertexId, slotCount)])
            {
                scratchIds.addLong(vertexId);
            }
        });
        for (int i = 0; i < scratchIds.size(); i++)
        {
            store.remove(scratchIds.getLong(i));
        }
        return scratchIds.size();
    }
}
