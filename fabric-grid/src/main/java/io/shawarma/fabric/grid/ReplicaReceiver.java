package io.shawarma.fabric.grid;

import io.shawarma.fabric.Placement;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.fabric.store.VertexStoreFullException;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A backup's side of slot backups: applies the writes and fills the owners of the slots it backs up send, in the
 * order they come (one link per owner, so a fill and the writes after it arrive in the order they were sent). A
 * write to a slot this worker owns is refused as MOVED: the cluster promoted it, and the old owner must not
 * acknowledge a write the slot's owner does not have.
 * <p>
 * Single threaded: driven by {@link SlotReplicas}.
 */
final class ReplicaReceiver
{
    private final int workerId;
    private final int slotCount;
    private final VertexStore store;
    private final SlotMigration migration;
    private final SlotReplicas.Link link;
    private final UnsafeBuffer fillView = new UnsafeBuffer(0, 0);
    private final long[] receivingFills;
    private final int[] nextFillChunks;
    private final int[] fillVertices;
    private long backupWritesApplied;
    private long slotsFilled;

    ReplicaReceiver(
        final int workerId, final int slotCount, final VertexStore store, final SlotMigration migration,
        final SlotReplicas.Link link)
    {
        this.workerId = workerId;
        this.slotCount = slotCount;
        this.store = store;
        this.migration = migration;
        this.link = link;
        receivingFills = new long[slotCount];
        nextFillChunks = new int[slotCount];
        fillVertices = new int[slotCount];
    }

    /**
     * A write to a slot this worker backs up: applied, unless this worker owns the slot (refused as MOVED; left
     * unanswered while this worker's view is older than the owner's) or the vertex is not in the slot named (refused
     * as MALFORMED, applied nowhere).
     */
    void onBackupWrite(
        final int ownerId, final long sequence, final long epoch, final int slot, final long vertexId,
        final boolean removed, final DirectBuffer buffer, final int offset, final int length)
    {
        Status status = Status.OK;
        if (slot < 0 || slot >= slotCount || Placement.slotOf(vertexId, slotCount) != slot)
        {
            // Answered, so the owner fails the write at once instead of sending it again until its timeout.
            status = Status.MALFORMED;
        }
        else if (migration.slotOwner(slot) == workerId)
        {
            if (epoch > migration.epoch())
            {
                // This worker has not heard the view that moved the slot away yet: no answer, the owner sends the
                // write again and by then the view has come.
                return;
            }
            status = Status.MOVED;
        }
        else
        {
            try
            {
                if (removed)
                {
                    store.remove(vertexId);
                }
                else
                {
                    store.put(vertexId, buffer, offset, length);
                }
                migration.holdBackup(slot, epoch);
                backupWritesApplied++;
            }
            catch (final VertexStoreFullException | IllegalArgumentException ex)
            {
                status = Status.STORE_FULL;
            }
        }
        if (0 != sequence)
        {
            link.sendAck(ownerId, sequence, status);
        }
    }

    /**
     * A chunk of a fill: the first drops what this worker held of the slot; the chunks after it are applied only in
     * sequence (a gap waits for the fill to be streamed again); the last reports the fill to the cluster.
     */
    void onFillChunk(
        final long fillId, final long epoch, final int slot, final int sequence, final boolean last,
        final int vertexCount, final DirectBuffer buffer, final int offset, final int length)
    {
        if (slot < 0 || slot >= slotCount || migration.slotOwner(slot) == workerId)
        {
            return;
        }
        if (0 == sequence)
        {
            migration.dropSlot(slot);
            receivingFills[slot] = fillId;
            nextFillChunks[slot] = 0;
            fillVertices[slot] = 0;
        }
        if (receivingFills[slot] != fillId || nextFillChunks[slot] != sequence)
        {
            return;
        }
        final int applied = SlotArrivals.putAll(
            store, slotCount, slot, buffer, offset, length, SlotMigration.REPLACE, fillView);
        if (applied < 0)
        {
            receivingFills[slot] = 0;
            return;
        }
        migration.holdBackup(slot, epoch);
        nextFillChunks[slot]++;
        fillVertices[slot] += applied;
        if (last)
        {
            receivingFills[slot] = 0;
            if (fillVertices[slot] == vertexCount)
            {
                slotsFilled++;
                link.reportFilled(fillId, slot, vertexCount);
            }
        }
    }

    long backupWritesApplied()
    {
        return backupWritesApplied;
    }

    long slotsFilled()
    {
        return slotsFilled;
    }
}
