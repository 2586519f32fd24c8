package io.shawarma.fabric.grid;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.shawarma.fabric.grid.SlotTable.NO_OWNER;
import static org.junit.jupiter.api.Assertions.*;

class SlotTableBackupsTest
{
    @Test
    void shouldGiveEveryOwnedSlotDistinctBackupsOtherThanItsOwnerSpreadEvenlyEachWithANewFill()
    {
        final SlotTable table = new SlotTable(256, 2);

        table.rebalance(new int[]{ 1, 2, 3, 4 });

        assertEquals(1, table.epoch(), "the backups come with the placement's epoch");
        final BackupTable backups = table.backups();
        final Set<Long> fillIds = new HashSet<>();
        for (int slot = 0; slot < 256; slot++)
        {
            final int first = backups.backupOf(slot, 0);
            final int second = backups.backupOf(slot, 1);
            assertNotEquals(NO_OWNER, first);
            assertNotEquals(NO_OWNER, second);
            assertNotEquals(first, second, "slot " + slot);
            assertNotEquals(table.ownerOf(slot), first, "slot " + slot);
            assertNotEquals(table.ownerOf(slot), second, "slot " + slot);
            assertTrue(fillIds.add(backups.fillIdOf(slot, 0)) && fillIds.add(backups.fillIdOf(slot, 1)),
                "every fill has its own id");
        }
        assertFalse(fillIds.contains(0L));
        for (int worker = 1; worker <= 4; worker++)
        {
            final int held = backups.backupsOn(worker);
            assertTrue(held >= 127 && held <= 129, "worker " + worker + " backs up " + held + " slots, not ~128");
        }
        assertEquals(512, backups.assigned());
        assertEquals(0, backups.inSync());
        assertEquals(1 + 512, table.nextMoveId(), "fill ids come from the move ids");
    }

    @Test
    void shouldGiveAsManyBackupsAsThereAreOtherWorkers()
    {
        final SlotTable table = new SlotTable(16, 2);
        table.rebalance(new int[]{ 7 });
        assertEquals(0, table.backups().assigned(), "a lone worker has no one to back it up");
        assertEquals(1, table.epoch());

        table.rebalance(new int[]{ 7, 8 });
        for (int slot = 0; slot < 16; slot++)
        {
            assertEquals(7, table.ownerOf(slot), "slots move only once their data arrived");
            assertEquals(8, table.backups().backupOf(slot, 0), "slot " + slot);
            assertEquals(NO_OWNER, table.backups().backupOf(slot, 1), "slot " + slot);
        }

        table.rebalance(new int[0]);
        assertEquals(0, table.backups().assigned(), "no owner, no backups");
    }

    @Test
    void shouldPromoteAnInSyncBackupWhenItsOwnerDiesWithoutAClaim()
    {
        final SlotTable table = new SlotTable(256, 1);
        table.rebalance(new int[]{ 1, 2, 3 });
        fillAll(table);
        final int[] before = table.owners();
        final int[] backupsBefore = table.backups().workers();
        final long nextId = table.nextMoveId();
        final long epoch = table.epoch();

        table.rebalance(new int[]{ 1, 3 });

        assertEquals(0, table.claimsOf(2), "the backups' copies are current: nothing to claim");
        assertEquals(0, table.slotsOf(2));
        for (int slot = 0; slot < 256; slot++)
        {
            if (before[slot] == 2)
            {
                assertEquals(backupsBefore[slot], table.ownerOf(slot), "slot " + slot + " goes to its backup");
            }
            else
            {
                assertEquals(before[slot], table.ownerOf(slot), "slot " + slot + " stays");
            }
            final int backup = table.backups().backupOf(slot, 0);
            assertEquals(table.ownerOf(slot) == 1 ? 3 : 1, backup, "slot " + slot + " has a backup again");
            final boolean replaced = backupsBefore[slot] == 2 || before[slot] == 2;
            assertEquals(replaced, table.backups().fillIdOf(slot, 0) >= nextId, "slot " + slot);
            assertEquals(!replaced, 0 == table.backups().fillIdOf(slot, 0), "slot " + slot);
        }
        assertEquals(epoch + 1, table.epoch(), "promotion, new backups and moves under one epoch");
    }

    @Test
    void shouldGiveADeadOwnersSlotsStraightAwayWithAClaimWhenNoBackupIsInSync()
    {
        final SlotTable table = new SlotTable(256, 1);
        table.rebalance(new int[]{ 1, 2, 3 });

        table.rebalance(new int[]{ 1, 3 });

        assertEquals(85, table.claimsOf(2), "as without backups");
        assertEquals(0, table.slotsOf(2));
        assertEquals(0, table.moving());
        assertEquals(256, table.backups().assigned());
        assertEquals(0, table.backups().inSync());
    }

    @Test
    void shouldKeepAnOlderClaimWhenASlotIsPromoted()
    {
        final SlotTable table = new SlotTable(256, 1);
        table.rebalance(new int[]{ 1, 2, 3 });
        table.rebalance(new int[]{ 1, 2 });
        assertEquals(85, table.claimsOf(3), "lost without its data: no backup in sync yet");
        fillAll(table);

        table.rebalance(new int[]{ 1 });

        assertEquals(256, table.slotsOf(1), "worker 2's slots promoted to their backup");
        assertEquals(0, table.claimsOf(2));
        assertEquals(85, table.claimsOf(3), "worker 3's data is still only in its data directory");
        table.rebalance(new int[]{ 1, 3 });
        for (int slot = 0; slot < 256; slot++)
        {
            if (table.claimOf(slot) == 3)
            {
                assertEquals(3, table.targetOf(slot), "slot " + slot + " comes back to it, to merge its data");
            }
        }
    }

    @Test
    void shouldMarkABackupInSyncOnlyForTheFillItWaitsFor()
    {
        final SlotTable table = new SlotTable(4, 1);
        table.rebalance(new int[]{ 1, 2 });
        final int backup = table.backups().backupOf(0, 0);
        final long fillId = table.backups().fillIdOf(0, 0);
        final long epoch = table.epoch();

        assertFalse(table.filled(0, backup, fillId + 1000), "another fill");
        assertFalse(table.filled(0, table.ownerOf(0), fillId), "another worker");
        assertFalse(table.filled(1, backup, fillId), "another slot");
        assertFalse(table.filled(-1, backup, fillId));
        assertFalse(table.filled(4, backup, fillId));
        assertEquals(epoch, table.epoch());

        assertTrue(table.filled(0, backup, fillId));
        assertEquals(0, table.backups().fillIdOf(0, 0));
        assertEquals(epoch + 1, table.epoch());
        assertFalse(table.filled(0, backup, fillId), "nor twice");
        assertFalse(table.filled(0, backup, 0), "in sync is not a fill");
    }

    @Test
    void shouldReplaceADeadOrLeavingBackupWithANewFill()
    {
        final SlotTable table = new SlotTable(64, 1);
        table.rebalance(new int[]{ 1, 2, 3, 4 });
        fillAll(table);
        final int[] backupsBefore = table.backups().workers();
        final long nextId = table.nextMoveId();

        table.rebalance(new int[]{ 1, 2, 3 }, new int[]{ 1, 2, 3, 4 });

        assertEquals(0, table.backups().backupsOn(4), "a leaving worker backs nothing up");
        assertEquals(64, table.backups().assigned());
        for (int slot = 0; slot < 64; slot++)
        {
            final long fillId = table.backups().fillIdOf(slot, 0);
            assertEquals(backupsBefore[slot] == 4, fillId >= nextId, "slot " + slot);
            assertEquals(backupsBefore[slot] != 4, 0 == fillId, "slot " + slot + ": a live backup is kept");
        }
    }

    @Test
    void shouldRecomputeASlotsBackupsWhenAMoveCommits()
    {
        final SlotTable table = new SlotTable(8, 1);
        table.rebalance(new int[]{ 1, 2, 3 });
        fillAll(table);
        final int slot = 0;
        final int owner = table.ownerOf(slot);
        final int backup = table.backups().backupOf(slot, 0);
        assertTrue(table.move(slot, backup));
        final long epoch = table.epoch();

        assertTrue(table.commit(slot, backup, table.moveIdOf(slot), new int[]{ 1, 2, 3 }));

        assertEquals(backup, table.ownerOf(slot));
        assertEquals(epoch + 1, table.epoch(), "the commit and its backups under one epoch");
        final int newBackup = table.backups().backupOf(slot, 0);
        assertNotEquals(backup, newBackup, "the new owner is no longer its backup");
        assertNotEquals(NO_OWNER, newBackup);
        assertNotEquals(0, table.backups().fillIdOf(slot, 0), "the new backup waits for a fill");
        assertEquals(1, table.backups().fillsFrom(table, backup));

        final int other = table.ownerOf(1);
        final int otherBackup = table.backups().backupOf(1, 0);
        final int target = 6 - other - otherBackup;
        assertTrue(table.move(1, target));
        assertTrue(table.commit(1, target, table.moveIdOf(1), new int[]{ 1, 2, 3 }));
        assertEquals(otherBackup, table.backups().backupOf(1, 0), "an in-sync backup stays with the new owner");
        assertEquals(0, table.backups().fillIdOf(1, 0));
        assertEquals(0, table.backups().fillsFrom(table, owner), "the old owner streams no fill");
    }

    @Test
    void shouldComputeTheSameTableFromTheSameInputs()
    {
        final SlotTable first = new SlotTable(128, 2);
        final SlotTable second = new SlotTable(128, 2);
        for (final SlotTable table : new SlotTable[]{ first, second })
        {
            table.rebalance(new int[]{ 1, 2, 3 });
            fillAll(table);
            table.rebalance(new int[]{ 1, 2, 3, 4, 5 });
            table.rebalance(new int[]{ 1, 3, 4, 5 });
            table.rebalance(new int[]{ 1, 3, 5 });
        }

        assertArrayEquals(first.owners(), second.owners());
        assertArrayEquals(first.backups().workers(), second.backups().workers());
        assertArrayEquals(first.backups().fillIds(), second.backups().fillIds());
        assertEquals(first.epoch(), second.epoch());
        assertEquals(first.nextMoveId(), second.nextMoveId());
    }

    @Test
    void shouldKeepNoBackupsWhenNoneAreWanted()
    {
        final SlotTable table = new SlotTable(16, 0);
        table.rebalance(new int[]{ 1, 2, 3 });
        table.rebalance(new int[]{ 1, 3 });

        assertEquals(0, table.backups().assigned());
        assertEquals(0, table.backups().workers().length);
        assertFalse(table.filled(0, 1, 1));
        assertEquals(2, table.epoch());
    }

    static void fillAll(final SlotTable table)
    {
        final BackupTable backups = table.backups();
        for (int slot = 0; slot < table.slotCount(); slot++)
        {
            for (int k = 0; k < backups.count(); k++)
            {
                if (NO_OWNER != backups.backupOf(slot, k) && 0 != backups.fillIdOf(slot, k))
                {
                    assertTrue(table.filled(slot, backups.backupOf(slot, k), backups.fillIdOf(slot, k)));
                }
            }
        }
    }
}
