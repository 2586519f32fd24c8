package io.shawarma.fabric.grid;

import io.shawarma.fabric.Ownership;
import io.shawarma.fabric.Placement;
import io.shawarma.fabric.store.VertexStore;
import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * A grid worker's side of slot migration, without the wire: which slots it serves, which it has frozen because they
 * are moving away, the streams it owes, and the streams it is receiving.
 * <p>
 * Source: a slot listed in the cluster's moves is frozen (writes answered as retryable, reads still served), then its
 * vertices are streamed to the target in chunks. A frozen slot never takes a write again: it either leaves with the
 * placement that commits the move (its vertices are then dropped here, with that placement's moves list) or is
 * unfrozen by a moves list of the current epoch that no longer lists it (the move was cancelled). A move asked for
 * again after {@code restreamIntervalNs} is streamed again (a stream or its report was lost).
 * <p>
 * Target: chunks are staged in memory in sequence; a gap discards the stage. The last chunk installs the staged
 * vertices and the slot is reported received, so the cluster can commit the move. A stream for a slot this worker
 * owns is stale and ignored. Installing keeps what this worker already holds for the slot: a vertex only here stays,
 * a vertex in both is merged by the {@link VertexMerge} or else replaced by the stream's copy (the newer).
 * <p>
 * A stream carries the epoch of the source's moves list that asked for it (the move was pending then), and what it
 * installs stays until a view newer than that epoch no longer lists the move. The target's views may lag the
 * source's: a view older than the move says nothing about it, and dropping the stream on one would lose the slot
 * once the move commits (the source drops its copy then).
 * <p>
 * Restart: this worker keeps vertices of a slot it does not own only while the slot is moving to it. After a restart
 * its store may hold vertices of any slot: the first complete view drops those of every slot neither its own nor
 * moving to it. The cluster moves the slots it owned when it died back to it (see {@link SlotTable}), and the
 * install merges what the slot's interim owner streams with what was here. A slot taken away without being moved
 * (this worker was declared dead while alive) is kept the same way: it comes back when this worker rejoins.
 * <p>
 * Backups: vertices of a slot this worker backs up ({@link SlotReplicas}) are kept like a slot moving here.
 * <p>
 * Single threaded: the grid worker's agent drives it, and the worker consults it per call as its {@link Ownership}.
 */
final class SlotMigration implements Ownership
{
    /** Serve the call here. */
    static final int LOCAL = 0;
    /** Another worker owns the slot: answer MOVED. */
    static final int MOVED = 1;
    /** The slot is moving away: writes are refused with a retryable status, reads are served. */
    static final int FROZEN = 2;
    /** The slot is this worker's but its data is still on its way here: every call is refused as retryable. */
    static final int ARRIVING = 3;

    /** Bytes of vertices per chunk, before the chunk's own header. */
    static final int CHUNK_BYTES = 32 * 1024;
    static final int ENTRY_HEADER = Long.BYTES + Integer.BYTES;
    static final long NOT_MOVING = 0;

    /** Reconciles a vertex this worker holds with the copy a stream brings. */
    @FunctionalInterface
    interface VertexMerge
    {
        /**
         * Merges the stream's copy into the held value, when the vertex is held here and its type has a merge.
         *
         * @return false when it did not merge (the stream's copy then replaces what is held).
         */
        boolean merge(long vertexId, DirectBuffer incoming, int offset, int length);
    }

    /** No merge: the stream's copy replaces a held vertex. */
    static final VertexMerge REPLACE = (vertexId, incoming, offset, length) -> false;

    /** Creates a worker's migration once its link exists. */
    @FunctionalInterface
    interface Factory
    {
        SlotMigration create(Link link);
    }

    /** What the migration sends. */
    interface Link
    {
        /**
         * Sends one chunk of a slot's stream to its target, with the epoch of the moves list that asked for it (the
         * target hands it to {@link #onChunk}).
         *
         * @return false when it could not be sent (target unknown or not connected, back pressure): sent again later.
         */
        boolean sendChunk(
            int targetId, long moveId, long epoch, int slot, int sequence, boolean last, int vertexCount,
            DirectBuffer vertices, int length);

        /** Tells the cluster a move's vertices are installed here. */
        void reportReceived(long moveId, int slot, int vertexCount);
    }

    private final int workerId;
    private final int slotCount;
    private final VertexStore store;
    private final Link link;
    private final SlotStreamer streamer;
    private final SlotArrivals arrivals;
    private final long restreamIntervalNs;
    private final int[] owners;
    private final long[] frozenMoves;
    private final int[] frozenTargets;
    /** Epoch of the latest moves list that listed the slot's move: the move was pending then. */
    private final long[] frozenEpochs;
    private final long[] streamedAtNs;
    private final boolean[] streamDue;
    /** Id of the move bringing the slot here by the last complete view, or {@link #NOT_MOVING}. */
    private final long[] incomingMoves;
    /** Id of the move whose stream was installed here last. */
    private final long[] installedMoves;
    private final HeldSlots heldSlots;
    private SlotReplicas replicas;
    private long placementEpoch = -1;
    private long syncedEpoch = -1;
    private long verticesReceived;
    private long slotsSent;
    private long slotsReceived;

    /**
     * @param workerId           this worker.
     * @param slotCount          the grid's slot count.
     * @param store              this worker's vertices.
     * @param link               to targets and the cluster.
     * @param restreamIntervalNs a move asked for again this long after its last stream is streamed again.
     */
    SlotMigration(
        final int workerId, final int slotCount, final VertexStore store, final Link link,
        final long restreamIntervalNs)
    {
        this(workerId, slotCount, store, link, REPLACE, restreamIntervalNs);
    }

    /**
     * @param merge reconciles a held vertex with a stream's copy; the other parameters as above.
     */
    SlotMigration(
        final int workerId, final int slotCount, final VertexStore store, final Link link, final VertexMerge merge,
        final long restreamIntervalNs)
    {
        this.workerId = workerId;
        this.slotCount = slotCount;
        this.store = store;
        this.link = link;
        streamer = new SlotStreamer(slotCount, store, link);
        arrivals = new SlotArrivals(slotCount, store, merge, restreamIntervalNs);
        this.restreamIntervalNs = restreamIntervalNs;
        owners = new int[slotCount];
        Arrays.fill(owners, SlotTable.NO_OWNER);
        frozenMoves = new long[slotCount];
        frozenTargets = new int[slotCount];
        frozenEpochs = new long[slotCount];
        streamedAtNs = new long[slotCount];
        streamDue = new boolean[slotCount];
        incomingMoves = new long[slotCount];
        installedMoves = new long[slotCount];
        heldSlots = new HeldSlots(slotCount, store);
    }

    /** @param replicas the worker's slot backups, which may refuse writes for now. */
    void replicas(final SlotReplicas replicas)
    {
        this.replicas = replicas;
    }

    /**
     * @param vertexId of a call.
     * @return {@link #LOCAL}, {@link #MOVED} or {@link #FROZEN}.
     */
    int route(final long vertexId)
    {
        final int slot = Placement.slotOf(vertexId, slotCount);
        if (owners[slot] != workerId)
        {
            return MOVED;
        }
        if (arrivals.isAwaited(slot))
        {
            return ARRIVING;
        }
        return NOT_MOVING == frozenMoves[slot] ? LOCAL : FROZEN;
    }

    /** @return the owner of a vertex's slot in the placement applied, or -1 before any. */
    public int ownerOf(final long vertexId)
    {
        return owners[Placement.slotOf(vertexId, slotCount)];
    }

    /** @return the worker a frozen vertex's slot is moving to. */
    int targetOf(final long vertexId)
    {
        return frozenTargets[Placement.slotOf(vertexId, slotCount)];
    }

    /** @return the worker a vertex's slot is moving to when this worker owns it and has frozen it, else -1. */
    public int movingTo(final long vertexId)
    {
        return FROZEN == route(vertexId) ? targetOf(vertexId) : NO_WORKER;
    }

    /** @return true when this worker owns the vertex's slot but the slot's stream has not been installed yet. */
    public boolean isArriving(final long vertexId)
    {
        return ARRIVING == route(vertexId);
    }

    public DirectBuffer writeRefusal(final long vertexId)
    {
        return null == replicas ? null : replicas.writeRefusal(Placement.slotOf(vertexId, slotCount));
    }

    /** @return the owner of a slot in the placement applied, or -1 before any. */
    int slotOwner(final int slot)
    {
        return owners[slot];
    }

    /** @return true when the slot is this worker's and frozen: moving away. */
    boolean isFrozen(final int slot)
    {
        return NOT_MOVING != frozenMoves[slot];
    }

    /** Whether this worker is one of the slot's backups, as the view says: a backup's vertices are kept. */
    void backedUp(final int slot, final boolean backedUp)
    {
        heldSlots.backedUp(slot, backedUp);
    }

    /**
     * Vertices of a slot this worker backs up were written here: kept until a view newer than the write's epoch (or
     * the placement here then) no longer lists this worker as a backup of the slot.
     */
    void holdBackup(final int slot, final long epoch)
    {
        if (owners[slot] != workerId)
        {
            heldSlots.written(slot, epoch, placementEpoch);
        }
    }

    /** Drops every vertex of a slot held here (a backup being filled afresh). @return vertices dropped. */
    int dropSlot(final int slot)
    {
        return heldSlots.drop(slot);
    }

    /** @return the epoch of the placement applied; 0 before any. */
    public long epoch()
    {
        return Math.max(0, placementEpoch);
    }

    /**
     * A new placement. A slot this worker owned and no longer owns is unfrozen and its vertices are kept until the
     * moves list of the placement's epoch says whether the slot is moving back here: the cluster committed its move
     * away (the usual case, dropped then), or took it away without its data because it declared this worker dead
     * (it comes back when this worker rejoins, and the vertices here are merged with the interim owner's).
     * <p>
     * A slot that becomes this worker's while it was moving here, before the move's stream was installed, was given
     * to it straight: its source was declared dead or left mid-move. The source's stream may still be on its way
     * (a source declared dead while alive, a leaver past its leave timeout): the slot is awaited, its calls refused as
     * retryable ({@link #ARRIVING}) rather than answered as if its vertices did not exist, until that stream is
     * installed or {@code restreamIntervalNs} has passed without it (the source is gone: what is here is served).
     *
     * @return false when older than the one applied (ignored).
     */
    boolean onPlacement(final long epoch, final int[] slotOwners)
    {
        if (epoch < placementEpoch || slotOwners.length != slotCount)
        {
            return false;
        }
        for (int slot = 0; slot < slotCount; slot++)
        {
            if (owners[slot] == workerId && slotOwners[slot] != workerId)
            {
                heldSlots.lost(slot);
                unfreeze(slot);
                arrivals.stopAwaiting(slot);
            }
            else if (owners[slot] != workerId && slotOwners[slot] == workerId && NOT_MOVING != incomingMoves[slot] &&
                installedMoves[slot] != incomingMoves[slot])
            {
                arrivals.await(slot, incomingMoves[slot]);
            }
            owners[slot] = slotOwners[slot];
            if (owners[slot] == workerId)
            {
                heldSlots.owned(slot);
            }
        }
        placementEpoch = epoch;
        return true;
    }

    /**
     * The moves this worker is the source of. Slots listed are frozen (and streamed when new or asked again after
     * the restream interval). Only a list of the applied placement's epoch unfreezes slots it does not list: an older
     * list is ignored, a newer one (its placement was lost) only freezes.
     */
    void onSlotMoves(final long epoch, final int[] slots, final int[] targets, final long[] moveIds, final long nowNs)
    {
        if (epoch < placementEpoch)
        {
            return;
        }
        final boolean[] listed = new boolean[slotCount];
        final long[] toHere = new long[slotCount];
        for (int i = 0; i < slots.length; i++)
        {
            final int slot = slots[i];
            if (slot >= 0 && slot < slotCount && targets[i] == workerId && owners[slot] != workerId)
            {
                toHere[slot] = moveIds[i];
            }
            if (slot < 0 || slot >= slotCount || owners[slot] != workerId)
            {
                continue;
            }
            listed[slot] = true;
            frozenEpochs[slot] = epoch;
            if (frozenMoves[slot] != moveIds[i] || frozenTargets[slot] != targets[i])
            {
                frozenMoves[slot] = moveIds[i];
                frozenTargets[slot] = targets[i];
                streamDue[slot] = true;
            }
            else if (!streamDue[slot] && nowNs - streamedAtNs[slot] >= restreamIntervalNs)
            {
                streamDue[slot] = true;
            }
        }
        if (epoch == placementEpoch)
        {
            for (int slot = 0; slot < slotCount; slot++)
            {
                if (!listed[slot])
                {
                    unfreeze(slot);
                }
            }
            System.arraycopy(toHere, 0, incomingMoves, 0, slotCount);
            heldSlots.sweep(epoch, owners, workerId, incomingMoves);
            syncedEpoch = epoch;
        }
    }

    /**
     * Streams one slot that is due, if any, and stops awaiting the streams that did not come in time.
     *
     * @return work done: 1 when a slot was streamed.
     */
    int doWork(final long nowNs)
    {
        if (arrivals.awaitedSlots() > 0)
        {
            arrivals.expireAwaited(nowNs);
        }
        for (int slot = 0; slot < slotCount; slot++)
        {
            if (streamDue[slot])
            {
                if (streamer.stream(slot, frozenMoves[slot], frozenTargets[slot], frozenEpochs[slot]))
                {
                    streamDue[slot] = false;
                    streamedAtNs[slot] = nowNs;
                    slotsSent++;
                    return 1;
                }
                // Not sent (the target not connected or not proven yet, back pressure): no work, so the agent idles
                // before the next try instead of spinning over the store.
                return 0;
            }
        }
        return 0;
    }

    /**
     * A chunk of a slot's stream from its source.
     *
     * @param epoch of the source's moves list that asked for the stream.
     * @return true when it completed a stream (installed and reported).
     */
    boolean onChunk(
        final long moveId, final long epoch, final int slot, final int sequence, final boolean last,
        final int vertexCount, final DirectBuffer buffer, final int offset, final int length)
    {
        if (slot < 0 || slot >= slotCount ||
            owners[slot] == workerId && !arrivals.awaits(slot, moveId) ||
            !arrivals.stage(moveId, slot, sequence, last, buffer, offset, length))
        {
            return false;
        }
        heldSlots.written(slot, epoch, placementEpoch);
        final int installed = arrivals.install(slot);
        if (installed != vertexCount)
        {
            return false;
        }
        verticesReceived += installed;
        slotsReceived++;
        installedMoves[slot] = moveId;
        if (owners[slot] == workerId)
        {
            // An awaited stream: the slot is already this worker's, there is no move left to commit.
            arrivals.stopAwaiting(slot);
        }
        else
        {
            link.reportReceived(moveId, slot, installed);
        }
        return true;
    }

    long placementEpoch()
    {
        return placementEpoch;
    }

    /** @return the epoch of the last complete view (placement and its moves) applied; -1 before any. */
    long syncedEpoch()
    {
        return syncedEpoch;
    }

    int ownedSlots()
    {
        int owned = 0;
        for (final int owner : owners)
        {
            owned += owner == workerId ? 1 : 0;
        }
        return owned;
    }

    int frozenSlots()
    {
        int frozen = 0;
        for (final long move : frozenMoves)
        {
            frozen += NOT_MOVING != move ? 1 : 0;
        }
        return frozen;
    }

    long verticesSent()
    {
        return streamer.verticesSent();
    }

    long verticesReceived()
    {
        return verticesReceived;
    }

    long verticesDropped()
    {
        return heldSlots.verticesDropped();
    }

    /** @return vertices of streams merged into a copy held here (a restarted worker's own data). */
    long verticesMerged()
    {
        return arrivals.verticesMerged();
    }

    long slotsSent()
    {
        return slotsSent;
    }

    long slotsReceived()
    {
        return slotsReceived;
    }

    /** @return slots owned here whose data is still awaited. */
    int awaitedSlots()
    {
        return arrivals.awaitedSlots();
    }

    private void unfreeze(final int slot)
    {
        frozenMoves[slot] = NOT_MOVING;
        frozenEpochs[slot] = 0;
        frozenTargets[slot] = SlotTable.NO_OWNER;
        streamDue[slot] = false;
    }
}
