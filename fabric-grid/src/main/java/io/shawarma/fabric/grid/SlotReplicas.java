package io.shawarma.fabric.grid;

import io.shawarma.fabric.Placement;
import io.shawarma.fabric.store.Replication;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A grid worker's side of slot backups ({@code shawarma.grid.backups}), without the wire.
 * <p>
 * Owner: every value written to a slot with backups is sent to each of them (a {@code BackupWrite} carrying the
 * vertex's whole current value, so sending it again is harmless: it is, every 100 ms until acknowledged) and the
 * write's answer is held until each acknowledged it. A backup the cluster took off the slot (it died) is no longer
 * waited for. A backup that refuses (it owns the slot now: the cluster promoted it), the slot changing owner, or no
 * acknowledgement within the backup timeout fails it as TIMEOUT: the outcome is unknown (a write sent again may have
 * been applied the first time). A backup the cluster assigned but that does not hold the slot yet is filled: the slot's
 * vertices are streamed to it ({@link SlotStreamer}, chunks marked as a fill) on the same link as the writes, so it
 * applies both in order, and it reports the fill to the cluster, which then counts it as in sync (only an in-sync
 * backup is promoted).
 * <p>
 * Lease: writes are refused (answered BACK_PRESSURED) once this worker has not heard the cluster acknowledge a
 * heartbeat for half the heartbeat timeout, counted from when it sent that heartbeat. The cluster declares a worker
 * dead only after a whole timeout of silence, so a worker cut off from the cluster stops acknowledging writes before
 * its slots can be given to anyone else.
 * <p>
 * Backup: {@link ReplicaReceiver} applies the writes and fills of slots this worker does not own.
 * <p>
 * Single threaded: the worker's agent thread. Allocation free per write.
 */
final class SlotReplicas implements Replication
{
    static final int MAX_BACKUPS = 2;
    private static final long NEVER = Long.MIN_VALUE;
    private static final long SCAN_INTERVAL_NS = 1_000_000;
    /**
     * A write unacknowledged this long is sent again: a backup that did not know its owner yet drops it, and an
     * acknowledgement can be refused by back pressure. Harmless twice: a write carries the vertex's whole value.
     */
    private static final long RESEND_INTERVAL_NS = 100_000_000;
    private static final UnsafeBuffer LEASE_EXPIRED =
        ascii("worker's lease with the grid's cluster ran out; retry shortly (its slots may move)");
    private static final UnsafeBuffer BACKUPS_BEHIND = ascii("slot's backups are behind; retry shortly");
    private static final UnsafeBuffer BACKUP_TIMEOUT =
        ascii("write applied here but its backups did not confirm it in time: outcome unknown");
    private static final UnsafeBuffer OWNER_CHANGED =
        ascii("slot changed owner before its backups confirmed the write: outcome unknown");
    private static final UnsafeBuffer PROMOTED =
        ascii("slot's backup owns the slot now and refused the write: outcome unknown, ask the new owner");

    /** Creates a worker's replicas once its migration and link exist. */
    @FunctionalInterface
    interface Factory
    {
        SlotReplicas create(SlotMigration migration, Link link);
    }

    /** What the replicas send. */
    interface Link
    {
        /** @return false when not sent now (sent again later). */
        boolean sendWrite(
            int backupId, long sequence, long epoch, int slot, long vertexId, boolean removed, DirectBuffer value,
            int length);

        /** @return false when not sent (the owner's answer then times out). */
        boolean sendAck(int ownerId, long sequence, Status status);

        /** @return false when not sent now (streamed again later). */
        boolean sendFillChunk(
            int backupId, long fillId, long epoch, int slot, int sequence, boolean last, int vertexCount,
            DirectBuffer vertices, int length);

        /** Tells the cluster a backup holds a slot now. */
        void reportFilled(long fillId, int slot, int vertexCount);

        /** The write's backups applied it: its answer goes. */
        void release(long sequence);

        /** The write's backups could not confirm it: its answer goes with this status instead. */
        void fail(long sequence, Status status, int ownerId, DirectBuffer text);
    }

    private final int workerId;
    private final int slotCount;
    private final VertexStore store;
    private final SlotMigration migration;
    private final Link link;
    private final SlotStreamer fillStreamer;
    private final long timeoutNs;
    private final long leaseNs;
    private final long restreamIntervalNs;
    private final UnsafeBuffer value = new UnsafeBuffer(0, 0);

    private int backupCount;
    private int[] backups = new int[0];
    private long[] fillIds = new long[0];
    private long[] streamedFills = new long[0];
    private long[] streamedAtNs = new long[0];
    private int fillsOwed;

    private final UnconfirmedWrites writes = new UnconfirmedWrites();

    private final ReplicaReceiver receiver;

    private boolean leased;
    private long leaseFromNs;
    private long joinSentNs;
    private long nowNs;
    private long nextScanNs = NEVER;
    private long writesSent;
    private long timeouts;

    /**
     * @param timeoutNs          a write's backups must confirm it within this, else its answer is TIMEOUT.
     * @param leaseNs            writes are refused this long after the last heartbeat the cluster acknowledged was
     *                           sent; half the cluster's heartbeat timeout.
     * @param restreamIntervalNs a fill still owed this long after it was streamed is streamed again.
     */
    SlotReplicas(
        final int workerId, final int slotCount, final VertexStore store, final SlotMigration migration,
        final Link link, final long timeoutNs, final long leaseNs, final long restreamIntervalNs)
    {
        this.workerId = workerId;
        this.slotCount = slotCount;
        this.store = store;
        this.migration = migration;
        this.link = link;
        this.timeoutNs = timeoutNs;
        this.leaseNs = leaseNs;
        this.restreamIntervalNs = restreamIntervalNs;
        fillStreamer = new SlotStreamer(slotCount, store, new SlotMigration.Link()
        {
            public boolean sendChunk(
                final int targetId, final long fillId, final long epoch, final int slot, final int sequence,
                final boolean last, final int vertexCount, final DirectBuffer vertices, final int length)
            {
                return link.sendFillChunk(targetId, fillId, epoch, slot, sequence, last, vertexCount, vertices, length);
            }

            public void reportReceived(final long moveId, final int slot, final int vertexCount)
            {
            }
        });
        receiver = new ReplicaReceiver(workerId, slotCount, store, migration, link);
    }

    // Owner side.

    public long onWrite(final long vertexId)
    {
        final int slot = Placement.slotOf(vertexId, slotCount);
        if (0 == backupCount || migration.slotOwner(slot) != workerId || !hasBackups(slot))
        {
            return NOT_HELD;
        }
        if (writes.isFull(1))
        {
            // Only writes that are not calls get here (calls are refused first): sent, but answered at once.
            sendUntracked(slot, vertexId);
            return NOT_HELD;
        }
        final long sequence = writes.add(slot, vertexId, nowNs, backups, backupCount);
        send(writes.indexOf(sequence));
        return sequence;
    }

    /**
     * @return null when a write to the slot may be applied now, else why not.
     */
    DirectBuffer writeRefusal(final int slot)
    {
        if (leased && nowNs - leaseFromNs >= leaseNs)
        {
            return LEASE_EXPIRED;
        }
        if (writes.isFull(2) && 0 != backupCount && hasBackups(slot))
        {
            return BACKUPS_BEHIND;
        }
        return null;
    }

    /**
     * A backup applied a write, or refused it.
     */
    void onAck(final int backupId, final long sequence, final Status status)
    {
        final int i = writes.indexOf(sequence);
        if (i < 0)
        {
            return;
        }
        for (int k = 0; k < MAX_BACKUPS; k++)
        {
            if (writes.awaited(i, k) == backupId)
            {
                if (Status.OK != status)
                {
                    // A refusal may answer a write sent again whose first copy the backup applied before it owned the
                    // slot: the outcome is unknown, not "not kept".
                    finish(i, Status.TIMEOUT, backupId, Status.MOVED == status ? PROMOTED : BACKUP_TIMEOUT);
                    return;
                }
                writes.acked(i, k);
            }
        }
        if (writes.isConfirmed(i))
        {
            finish(i, Status.OK, SlotTable.NO_OWNER, null);
        }
    }

    /**
     * The backups of every slot, from the cluster's view. Writes waiting on a backup no longer listed stop waiting
     * for it; writes to a slot no longer owned here are failed as TIMEOUT (outcome unknown).
     */
    void onBackups(final int backupCount, final int[] backups, final long[] fillIds)
    {
        final int count = Math.min(backupCount, MAX_BACKUPS);
        if (backups.length != slotCount * backupCount || fillIds.length != backups.length)
        {
            return;
        }
        if (count != this.backupCount || this.backups.length != slotCount * count)
        {
            this.backups = new int[slotCount * count];
            this.fillIds = new long[slotCount * count];
            streamedFills = new long[slotCount * count];
            streamedAtNs = new long[slotCount * count];
            this.backupCount = count;
        }
        int owed = 0;
        for (int slot = 0; slot < slotCount; slot++)
        {
            for (int k = 0; k < count; k++)
            {
                this.backups[slot * count + k] = backups[slot * backupCount + k];
                this.fillIds[slot * count + k] = fillIds[slot * backupCount + k];
                owed += 0 != fillIds[slot * backupCount + k] ? 1 : 0;
            }
            migration.backedUp(slot, isBackupOf(slot));
        }
        fillsOwed = owed;
        onViewChanged();
    }

    /**
     * Ownership may have changed: writes to a slot no longer owned here are failed as TIMEOUT, and writes waiting on a
     * backup the slot no longer has stop waiting for it.
     */
    void onViewChanged()
    {
        for (long sequence = writes.oldestSequence(); sequence <= writes.lastSequence(); sequence++)
        {
            final int i = writes.indexOf(sequence);
            if (i < 0)
            {
                continue;
            }
            final int slot = writes.slot(i);
            final int owner = migration.slotOwner(slot);
            if (owner != workerId)
            {
                // A backup may have applied it before it became the owner: the outcome is unknown.
                finish(i, Status.TIMEOUT, owner, OWNER_CHANGED);
                continue;
            }
            for (int k = 0; k < MAX_BACKUPS; k++)
            {
                final int awaited = writes.awaited(i, k);
                if (SlotTable.NO_OWNER != awaited && (k >= backupCount || backups[slot * backupCount + k] != awaited))
                {
                    writes.forget(i, k);
                }
            }
            if (writes.isConfirmed(i))
            {
                finish(i, Status.OK, SlotTable.NO_OWNER, null);
            }
        }
    }

    /**
     * Sends writes not sent yet, fails those past the timeout, and streams one fill that is owed.
     *
     * @return work done.
     */
    int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        if (NEVER != nextScanNs && nowNs - nextScanNs < 0 || writes.inFlight() == 0 && fillsOwed == 0)
        {
            return 0;
        }
        nextScanNs = nowNs + SCAN_INTERVAL_NS;
        for (long sequence = writes.oldestSequence(); sequence <= writes.lastSequence(); sequence++)
        {
            final int i = writes.indexOf(sequence);
            if (i < 0)
            {
                continue;
            }
            if (nowNs - writes.sentAtNs(i) > timeoutNs)
            {
                timeouts++;
                finish(i, Status.TIMEOUT, SlotTable.NO_OWNER, BACKUP_TIMEOUT);
            }
            else if (writes.isUnsent(i) || writes.resendIfDue(i, nowNs, RESEND_INTERVAL_NS))
            {
                send(i);
            }
        }
        return fillsOwed > 0 ? streamOwedFill(nowNs) : 0;
    }

    // Lease.

    /** A JOIN was sent at this time: any view the session hears later was made after the cluster applied it. */
    void onJoinSent(final long sentNs)
    {
        leased = true;
        joinSentNs = sentNs;
    }

    /** The session heard a view: the cluster applied the JOIN. */
    void onViewHeard()
    {
        leaseFromNs = Math.max(leaseFromNs, joinSentNs);
    }

    /** The cluster acknowledged a heartbeat sent at this time. */
    void onHeartbeatAck(final long sentNs)
    {
        if (sentNs - leaseFromNs > 0 && sentNs - nowNs <= 0)
        {
            leaseFromNs = sentNs;
        }
    }

    // Backup side.

    void onBackupWrite(
        final int ownerId, final long sequence, final long epoch, final int slot, final long vertexId,
        final boolean removed, final DirectBuffer buffer, final int offset, final int length)
    {
        receiver.onBackupWrite(ownerId, sequence, epoch, slot, vertexId, removed, buffer, offset, length);
    }

    void onFillChunk(
        final long fillId, final long epoch, final int slot, final int sequence, final boolean last,
        final int vertexCount, final DirectBuffer buffer, final int offset, final int length)
    {
        receiver.onFillChunk(fillId, epoch, slot, sequence, last, vertexCount, buffer, offset, length);
    }

    // Counts, for stat.

    long writesSent()
    {
        return writesSent;
    }

    long timeouts()
    {
        return timeouts;
    }

    long backupWritesApplied()
    {
        return receiver.backupWritesApplied();
    }

    long slotsFilled()
    {
        return receiver.slotsFilled();
    }

    int inFlight()
    {
        return writes.inFlight();
    }

    private boolean hasBackups(final int slot)
    {
        for (int k = 0; k < backupCount; k++)
        {
            if (SlotTable.NO_OWNER != backups[slot * backupCount + k])
            {
                return true;
            }
        }
        return false;
    }

    private boolean isBackupOf(final int slot)
    {
        for (int k = 0; k < backupCount; k++)
        {
            if (backups[slot * backupCount + k] == workerId)
            {
                return true;
            }
        }
        return false;
    }

    private void send(final int i)
    {
        final long vertexId = writes.vertexId(i);
        final int length = store.view(vertexId, value);
        for (int k = 0; k < backupCount; k++)
        {
            if (writes.isUnsent(i, k) && link.sendWrite(writes.awaited(i, k), writes.sequence(i), migration.epoch(),
                writes.slot(i), vertexId, length < 0, value, Math.max(0, length)))
            {
                writes.sent(i, k, nowNs);
                writesSent++;
            }
        }
    }

    private void sendUntracked(final int slot, final long vertexId)
    {
        final int length = store.view(vertexId, value);
        for (int k = 0; k < backupCount; k++)
        {
            final int backupId = backups[slot * backupCount + k];
            if (SlotTable.NO_OWNER != backupId)
            {
                link.sendWrite(backupId, 0, migration.epoch(), slot, vertexId, length < 0, value, Math.max(0, length));
            }
        }
    }

    private void finish(final int i, final Status status, final int ownerId, final DirectBuffer text)
    {
        final long sequence = writes.remove(i);
        if (Status.OK == status)
        {
            link.release(sequence);
        }
        else
        {
            link.fail(sequence, status, ownerId, text);
        }
    }

    private int streamOwedFill(final long nowNs)
    {
        for (int slot = 0; slot < slotCount; slot++)
        {
            if (migration.slotOwner(slot) != workerId || migration.isFrozen(slot))
            {
                continue;
            }
            for (int k = 0; k < backupCount; k++)
            {
                final int e = slot * backupCount + k;
                final long fillId = fillIds[e];
                if (0 == fillId || streamedFills[e] == fillId && nowNs - streamedAtNs[e] < restreamIntervalNs)
                {
                    continue;
                }
                if (!fillStreamer.stream(slot, fillId, backups[e], migration.epoch()))
                {
                    return 0;
                }
                streamedFills[e] = fillId;
                streamedAtNs[e] = nowNs;
                return 1;
            }
        }
        return 0;
    }

    private static UnsafeBuffer ascii(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }
}
