package io.shawarma.fabric.grid;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import static io.shawarma.fabric.grid.SlotTable.NO_OWNER;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The grid's state machine with slot backups: views carry them, fills complete through SlotReceived, a dead owner's
 * slots go to their in-sync backups, heartbeats are acknowledged, and the backups survive a snapshot.
 */
class GridStateBackupsTest
{
    private static final long TIMEOUT = 1000;

    private final RecordingOutput output = new RecordingOutput();
    private final GridState state = newState(1, output);

    private static GridState newState(final int backupCount, final GridOutput output)
    {
        return new GridState(64, TIMEOUT, 2, 4, name -> true, LoadSkew.OFF, backupCount, output);
    }

    @Test
    void shouldSendEveryWorkerTheBackupsWithItsView()
    {
        state.onJoin(1, 11, "a", 0);
        assertEquals(1, output.backupViews);
        assertEquals(1, output.lastBackupCount);
        assertArrayEquals(filled(64, NO_OWNER), output.lastBackups, "alone: no backups");

        state.onJoin(2, 12, "b", 0);

        assertEquals(3, output.backupViews, "both workers hear the new view");
        assertArrayEquals(filled(64, 2), output.lastBackups, "worker 1 owns every slot until the moves commit");
        for (final long fillId : output.lastFillIds)
        {
            assertNotEquals(0, fillId);
        }
    }

    @Test
    void shouldMarkABackupInSyncWhenItReportsItsFillAndTellEveryone()
    {
        state.onJoin(1, 11, "a", 0);
        state.onJoin(2, 12, "b", 0);
        final long fillId = output.lastFillIds[5];
        final long epoch = state.slots().epoch();
        final int views = output.backupViews;

        state.onSlotReceived(2, 99, 5, fillId, 1);
        state.onSlotReceived(1, 11, 5, fillId, 1);
        assertEquals(epoch, state.slots().epoch(), "a fill counts only from its backup's session");

        state.onSlotReceived(2, 12, 5, fillId, 1);

        assertEquals(epoch + 1, state.slots().epoch());
        assertEquals(0, output.lastFillIds[5]);
        assertEquals(views + 2, output.backupViews);
        assertEquals(1, output.lastOwners[5], "a fill moves nothing");
    }

    @Test
    void shouldGiveADeadOwnersSlotsToItsInSyncBackupsWithoutClaims()
    {
        joinThreeAndCommit();
        fillAll();
        final int[] owners = state.slots().owners();

        state.onSessionClosed(12, 10);

        assertEquals(0, state.slots().claimsOf(2));
        assertEquals(0, state.slots().slotsOf(2));
        for (int slot = 0; slot < 64; slot++)
        {
            assertNotEquals(NO_OWNER, state.slots().ownerOf(slot));
            if (owners[slot] != 2)
            {
                assertEquals(owners[slot], state.slots().ownerOf(slot), "slot " + slot + " stays");
            }
        }
        assertEquals(64, state.slots().backups().assigned(), "each slot has its backup again");
    }

    @Test
    void shouldClaimADeadOwnersSlotsWhenItsBackupsAreNotInSync()
    {
        joinThreeAndCommit();

        state.onSessionClosed(12, 10);

        assertEquals(21, state.slots().claimsOf(2), "as without backups");
    }

    @Test
    void shouldAcknowledgeEveryHeartbeatAppliedWithItsCorrelationIdAndTheEpoch()
    {
        state.onJoin(1, 11, "a", 0);
        state.onJoin(2, 12, "b", 0);
        final long epoch = state.slots().epoch();

        state.onHeartbeat(1, 11, 0, 0, "a", epoch, 777, 5);
        state.onHeartbeat(2, 99, 0, 0, "b", epoch, 778, 5);

        assertEquals(1, output.heartbeatAcks.size(), "a heartbeat from another session joins instead");
        assertArrayEquals(new long[]{ 11, 777, epoch }, output.heartbeatAcks.get(0));

        state.onLeave(1, 11, epoch, 779, 6);
        state.onLeave(1, 11, state.slots().epoch(), 780, 7);
        state.onLeave(3, 13, epoch, 781, 7);

        assertEquals(3, output.heartbeatAcks.size(), "an unknown worker's leave is not acknowledged");
        assertArrayEquals(new long[]{ 11, 779, state.slots().epoch() }, output.heartbeatAcks.get(1),
            "acknowledged after the view it caused");
        assertEquals(780, output.heartbeatAcks.get(2)[1]);
    }

    @Test
    void shouldTakeAWorkerBackUnderANewSessionAsADeathThenAJoin()
    {
        joinThreeAndCommit();
        fillAll();

        state.onJoin(2, 22, "b", 5);

        // Its old incarnation's slots went to their in-sync backups, without claims; it joins afresh and gets its
        // share back by moves, with their data.
        assertEquals(0, state.slots().slotsOf(2));
        assertEquals(64, state.slots().slotsOf(1) + state.slots().slotsOf(3));
        assertEquals(0, state.slots().claimsOf(2));
        assertEquals(21, state.slots().movesTo(2));
        assertTrue(state.slots().backups().inSync() < state.slots().backups().assigned(),
            "new backups are filled first");
        assertEquals(22, state.member(2).sessionId);
    }

    @Test
    void shouldKeepTheBackupsAcrossASnapshot()
    {
        joinThreeAndCommit();
        fillAll();
        state.onSessionClosed(12, 10);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = GridSnapshot.write(state, buffer);

        final GridState restored = newState(1, new RecordingOutput());
        GridSnapshot.read(buffer, length, restored);

        final BackupTable backups = state.slots().backups();
        assertArrayEquals(backups.workers(), restored.slots().backups().workers());
        assertArrayEquals(backups.fillIds(), restored.slots().backups().fillIds());
        final ExpandableArrayBuffer again = new ExpandableArrayBuffer();
        assertEquals(length, GridSnapshot.write(restored, again));
        for (int i = 0; i < length; i++)
        {
            assertEquals(buffer.getByte(i), again.getByte(i), "byte " + i);
        }

        final GridState more = newState(2, new RecordingOutput());
        GridSnapshot.read(buffer, length, more);
        for (int slot = 0; slot < 64; slot++)
        {
            assertEquals(backups.backupOf(slot, 0), more.slots().backups().backupOf(slot, 0));
            assertEquals(NO_OWNER, more.slots().backups().backupOf(slot, 1), "assigned on the next rebalance");
        }
        final GridState none = newState(0, new RecordingOutput());
        GridSnapshot.read(buffer, length, none);
        assertEquals(0, none.slots().backups().assigned());
    }

    private void joinThreeAndCommit()
    {
        state.onJoin(1, 11, "a", 0);
        state.onJoin(2, 12, "b", 0);
        state.onJoin(3, 13, "c", 0);
        for (final long session : new long[]{ 11, 12 })
        {
            for (final long[] move : output.movesBySession.get(session))
            {
                final int target = (int)move[1];
                state.onSlotReceived(target, 10 + target, (int)move[0], move[2], 1);
            }
        }
        assertEquals(0, state.slots().moving());
        assertEquals(21, state.slots().slotsOf(2));
    }

    private void fillAll()
    {
        final long[] fillIds = output.lastFillIds;
        final int[] backups = output.lastBackups;
        for (int i = 0; i < backups.length; i++)
        {
            if (NO_OWNER != backups[i] && 0 != fillIds[i])
            {
                final Member member = state.member(backups[i]);
                state.onSlotReceived(backups[i], member.sessionId, i, fillIds[i], 2);
            }
        }
        assertEquals(state.slots().backups().assigned(), state.slots().backups().inSync());
    }

    private static int[] filled(final int length, final int value)
    {
        final int[] values = new int[length];
        java.util.Arrays.fill(values, value);
        return values;
    }
}
