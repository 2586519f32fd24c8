package io.shawarma.fabric.grid;

import io.shawarma.fabric.Placement;
import io.shawarma.fabric.store.Replication;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.fabric.store.VertexTable;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.*;

/**
 * An owner's and a backup's replicas wired back to back through a link that queues what each sends, so the test
 * decides what arrives and when: worker 1 owns every slot, worker 2 backs each up.
 */
class SlotReplicasTest
{
    private static final int SLOTS = 8;
    private static final long TIMEOUT_NS = 2_000_000_000L;
    private static final long LEASE_NS = 500_000_000L;
    private static final long RESTREAM_NS = 1_000_000_000L;
    private static final int OWNER = 1;
    private static final int BACKUP = 2;

    private final VertexStore ownerStore = new VertexTable(1_000, 8, 64, null);
    private final VertexStore backupStore = new VertexTable(1_000, 8, 64, null);
    private final ArrayDeque<Runnable> toBackup = new ArrayDeque<>();
    private final ArrayDeque<Runnable> toOwner = new ArrayDeque<>();
    private final List<Long> released = new ArrayList<>();
    private final List<Object[]> failed = new ArrayList<>();
    private final List<long[]> filled = new ArrayList<>();
    private boolean linkDown;
    private SlotMigration ownerMigration;
    private SlotMigration backupMigration;
    private SlotReplicas owner;
    private SlotReplicas backup;

    @BeforeEach
    void wire()
    {
        ownerMigration = migration(OWNER, ownerStore);
        backupMigration = migration(BACKUP, backupStore);
        owner = new SlotReplicas(OWNER, SLOTS, ownerStore, ownerMigration, link(OWNER), TIMEOUT_NS, LEASE_NS,
            RESTREAM_NS);
        backup = new SlotReplicas(BACKUP, SLOTS, backupStore, backupMigration, link(BACKUP), TIMEOUT_NS, LEASE_NS,
            RESTREAM_NS);
        ownerMigration.replicas(owner);
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, OWNER);
        view(1, owners, BACKUP, 0);
    }

    @AfterEach
    void close()
    {
        ownerStore.close();
        backupStore.close();
    }

    @Test
    void answersAWriteOnlyOnceItsBackupAppliedIt()
    {
        final long sequence = write(7, 42);
        assertTrue(sequence > 0, "the answer waits");
        assertTrue(released.isEmpty());
        deliver(toBackup);
        assertEquals(42, valueOf(backupStore, 7));
        assertTrue(released.isEmpty(), "no answer before the acknowledgement arrives");
        deliver(toOwner);
        assertEquals(List.of(sequence), released);
        assertEquals(0, owner.inFlight());
    }

    @Test
    void answersAtOnceWithoutBackups()
    {
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, OWNER);
        view(2, owners, SlotTable.NO_OWNER, 0);
        assertEquals(Replication.NOT_HELD, write(7, 42));
        assertTrue(toBackup.isEmpty());
    }

    @Test
    void failsAWriteAsUnknownWhenItsBackupOwnsTheSlotNow()
    {
        final long sequence = write(7, 42);
        final int[] promoted = new int[SLOTS];
        Arrays.fill(promoted, BACKUP);
        backupMigration.onPlacement(2, promoted);
        deliver(toBackup);
        assertEquals(-1, valueOf(backupStore, 7), "the new owner does not take the old owner's write");
        deliver(toOwner);
        assertTrue(released.isEmpty());
        assertEquals(sequence, failed.get(0)[0]);
        assertEquals(Status.TIMEOUT, failed.get(0)[1], "a write sent again may have been applied the first time");
        assertEquals(BACKUP, failed.get(0)[2]);
    }

    @Test
    void waitsForABackupWhoseViewStillGivesItTheSlot()
    {
        final int[] before = new int[SLOTS];
        Arrays.fill(before, BACKUP);
        backupMigration.onPlacement(1, before);
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, OWNER);
        ownerMigration.onPlacement(2, owners);
        final long sequence = write(7, 42);
        deliver(toBackup);
        assertTrue(toOwner.isEmpty(), "a backup behind the owner's view does not refuse");
        backupMigration.onPlacement(2, owners);
        owner.doWork(150_000_000);
        deliver(toBackup);
        deliver(toOwner);
        assertEquals(List.of(sequence), released);
        assertTrue(failed.isEmpty());
        assertEquals(42, valueOf(backupStore, 7));
    }

    @Test
    void refusesABackupWriteNamingAnotherSlotAndTheOwnerAnswersAtOnce()
    {
        final long sequence = write(7, 42);
        toBackup.clear();
        final int otherSlot = (Placement.slotOf(7, SLOTS) + 1) % SLOTS;
        backup.onBackupWrite(OWNER, sequence, 1, otherSlot, 7, false, new UnsafeBuffer(new byte[8]), 0, 8);
        deliver(toOwner);
        assertEquals(-1, valueOf(backupStore, 7), "applied nowhere");
        assertEquals(sequence, failed.get(0)[0]);
        assertEquals(Status.TIMEOUT, failed.get(0)[1]);
    }

    @Test
    void failsAWriteAsTimeoutWhenItsBackupStaysSilent()
    {
        final long sequence = write(7, 42);
        owner.doWork(TIMEOUT_NS / 2);
        assertTrue(failed.isEmpty());
        owner.doWork(TIMEOUT_NS + 1);
        assertEquals(sequence, failed.get(0)[0]);
        assertEquals(Status.TIMEOUT, failed.get(0)[1]);
        assertEquals(1, owner.timeouts());
    }

    @Test
    void stopsWaitingForABackupTheClusterTookOffTheSlot()
    {
        final long sequence = write(7, 42);
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, OWNER);
        view(2, owners, SlotTable.NO_OWNER, 0);
        assertEquals(List.of(sequence), released);
    }

    @Test
    void failsWritesAsUnknownWhenTheSlotIsNoLongerOwnedHere()
    {
        final long sequence = write(7, 42);
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, BACKUP);
        ownerMigration.onPlacement(2, owners);
        owner.onViewChanged();
        assertEquals(sequence, failed.get(0)[0]);
        assertEquals(Status.TIMEOUT, failed.get(0)[1], "a backup may have applied it before it took the slot");
    }

    @Test
    void sendsAgainAWriteTheLinkRefused()
    {
        linkDown = true;
        final long sequence = write(7, 42);
        assertTrue(toBackup.isEmpty());
        linkDown = false;
        owner.doWork(2_000_000);
        deliver(toBackup);
        deliver(toOwner);
        assertEquals(List.of(sequence), released);
    }

    @Test
    void sendsAgainAWriteWhoseAcknowledgementWasLost()
    {
        final long sequence = write(7, 42);
        deliver(toBackup);
        toOwner.clear();
        owner.doWork(50_000_000);
        assertTrue(toBackup.isEmpty(), "not before the resend interval");
        owner.doWork(150_000_000);
        deliver(toBackup);
        deliver(toOwner);
        assertEquals(List.of(sequence), released);
        assertEquals(42, valueOf(backupStore, 7));
    }

    @Test
    void refusesWritesOnceTheLeaseRanOutAndTakesThemAgainWhenRenewed()
    {
        owner.onJoinSent(0);
        owner.onViewHeard();
        owner.doWork(LEASE_NS - 1);
        assertNull(ownerMigration.writeRefusal(7));
        owner.doWork(LEASE_NS);
        assertNotNull(ownerMigration.writeRefusal(7));
        owner.onHeartbeatAck(LEASE_NS - 10);
        assertNull(ownerMigration.writeRefusal(7));
        owner.onHeartbeatAck(LEASE_NS + 10);
        assertNull(ownerMigration.writeRefusal(7), "an acknowledgement of a heartbeat from the future is ignored");
        owner.doWork(2 * LEASE_NS);
        assertNotNull(ownerMigration.writeRefusal(7));
    }

    @Test
    void fillsANewBackupWithTheSlotThenAppliesTheWritesAfterIt()
    {
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, OWNER);
        view(2, owners, SlotTable.NO_OWNER, 0);
        final int slot = Placement.slotOf(7, SLOTS);
        int inSlot = 0;
        for (long vertexId = 0; vertexId < 200; vertexId++)
        {
            write(vertexId, vertexId * 10);
            inSlot += Placement.slotOf(vertexId, SLOTS) == slot ? 1 : 0;
        }
        backupStore.put(1_000_003, new UnsafeBuffer(new byte[8]), 0, 8);
        view(3, owners, BACKUP, 77);
        for (int cycle = 1; cycle <= 2 * SLOTS; cycle++)
        {
            owner.doWork(cycle * 2_000_000L);
        }
        deliver(toBackup);
        assertEquals(-1, valueOf(backupStore, 1_000_003), "what the backup held before its fill is dropped");
        assertEquals(SLOTS, filled.size(), "one fill per slot reported");
        final long[] report = filled.stream().filter((r) -> r[1] == slot).findFirst().orElseThrow();
        assertEquals(77, report[0]);
        assertEquals(inSlot, report[2]);
        for (long vertexId = 0; vertexId < 200; vertexId++)
        {
            assertEquals(vertexId * 10, valueOf(backupStore, vertexId));
        }
        final long sequence = write(7, 99);
        deliver(toBackup);
        deliver(toOwner);
        assertEquals(99, valueOf(backupStore, 7));
        assertTrue(released.contains(sequence));
    }

    @Test
    void refusesAFillChunkOutOfSequence()
    {
        final int slot = Placement.slotOf(7, SLOTS);
        final UnsafeBuffer entries = new UnsafeBuffer(new byte[64]);
        entries.putLong(0, 7, LITTLE_ENDIAN);
        entries.putInt(Long.BYTES, 8, LITTLE_ENDIAN);
        entries.putLong(SlotMigration.ENTRY_HEADER, 5, LITTLE_ENDIAN);
        backup.onFillChunk(5, 1, slot, 1, true, 1, entries, 0, SlotMigration.ENTRY_HEADER + 8);
        assertEquals(-1, valueOf(backupStore, 7), "a chunk without its stream's first is ignored");
        assertTrue(filled.isEmpty());
        backup.onFillChunk(5, 1, slot, 0, true, 1, entries, 0, SlotMigration.ENTRY_HEADER + 8);
        assertEquals(5, valueOf(backupStore, 7));
        assertEquals(1, filled.size());
    }

    private SlotMigration migration(final int workerId, final VertexStore store)
    {
        return new SlotMigration(workerId, SLOTS, store, new SlotMigration.Link()
        {
            public boolean sendChunk(
                final int targetId, final long moveId, final long epoch, final int slot, final int sequence,
                final boolean last, final int vertexCount, final DirectBuffer vertices, final int length)
            {
                return fail("no moves here");
            }

            public void reportReceived(final long moveId, final int slot, final int vertexCount)
            {
                fail("no moves here");
            }
        }, RESTREAM_NS);
    }

    private void view(final long epoch, final int[] owners, final int backupId, final long fillId)
    {
        final int[] backups = new int[SLOTS];
        final long[] fillIds = new long[SLOTS];
        Arrays.fill(backups, backupId);
        Arrays.fill(fillIds, fillId);
        for (final SlotMigration migration : List.of(ownerMigration, backupMigration))
        {
            migration.onPlacement(epoch, owners);
        }
        owner.onBackups(1, backups, fillIds);
        backup.onBackups(1, backups, fillIds);
        for (final SlotMigration migration : List.of(ownerMigration, backupMigration))
        {
            migration.onSlotMoves(epoch, new int[0], new int[0], new long[0], 0);
        }
    }

    private long write(final long vertexId, final long value)
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[8]);
        bytes.putLong(0, value, LITTLE_ENDIAN);
        ownerStore.put(vertexId, bytes, 0, 8);
        return owner.onWrite(vertexId);
    }

    private static long valueOf(final VertexStore store, final long vertexId)
    {
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        return store.view(vertexId, view) < 0 ? -1 : view.getLong(0, LITTLE_ENDIAN);
    }

    private static void deliver(final ArrayDeque<Runnable> queue)
    {
        while (!queue.isEmpty())
        {
            queue.pollFirst().run();
        }
    }

    private SlotReplicas.Link link(final int from)
    {
        return new SlotReplicas.Link()
        {
            public boolean sendWrite(
                final int backupId, final long sequence, final long epoch, final int slot, final long vertexId,
                final boolean removed, final DirectBuffer value, final int length)
            {
                assertEquals(BACKUP, backupId);
                if (linkDown)
                {
                    return false;
                }
                final UnsafeBuffer copy = copy(value, 0, length);
                toBackup.addLast(() -> backup.onBackupWrite(from, sequence, epoch, slot, vertexId, removed, copy, 0,
                    length));
                return true;
            }

            public boolean sendAck(final int ownerId, final long sequence, final Status status)
            {
                assertEquals(OWNER, ownerId);
                toOwner.addLast(() -> owner.onAck(from, sequence, status));
                return true;
            }

            public boolean sendFillChunk(
                final int backupId, final long fillId, final long epoch, final int slot, final int sequence,
                final boolean last, final int vertexCount, final DirectBuffer vertices, final int length)
            {
                final UnsafeBuffer copy = copy(vertices, 0, length);
                toBackup.addLast(() -> backup.onFillChunk(fillId, epoch, slot, sequence, last, vertexCount, copy, 0,
                    length));
                return true;
            }

            public void reportFilled(final long fillId, final int slot, final int vertexCount)
            {
                filled.add(new long[]{ fillId, slot, vertexCount });
            }

            public void release(final long sequence)
            {
                released.add(sequence);
            }

            public void fail(final long sequence, final Status status, final int ownerId, final DirectBuffer text)
            {
                failed.add(new Object[]{ sequence, status, ownerId });
            }
        };
    }

    private static UnsafeBuffer copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new UnsafeBuffer(bytes);
    }
}
