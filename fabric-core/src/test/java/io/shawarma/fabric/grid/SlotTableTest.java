package io.shawarma.fabric.grid;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SlotTableTest
{
    @Test
    void shouldSpreadSlotsEvenlyAndBumpEpoch()
    {
        final SlotTable table = new SlotTable(256);

        assertEquals(256, table.rebalance(new int[]{ 1, 2, 3 }));

        assertEquals(1, table.epoch());
        assertEquals(86, table.slotsOf(1));
        assertEquals(85, table.slotsOf(2));
        assertEquals(85, table.slotsOf(3));
    }

    @Test
    void shouldMoveOnlyTheSlotsOfALostWorker()
    {
        final SlotTable table = new SlotTable(256);
        table.rebalance(new int[]{ 1, 2, 3, 4 });
        final int[] before = table.owners();

        final int moved = table.rebalance(new int[]{ 1, 2, 4 });

        assertEquals(64, moved);
        assertEquals(2, table.epoch());
        for (int slot = 0; slot < 256; slot++)
        {
            if (before[slot] != 3)
            {
                assertEquals(before[slot], table.ownerOf(slot), "slot " + slot + " moved needlessly");
            }
        }
        assertEquals(256, table.slotsOf(1) + table.slotsOf(2) + table.slotsOf(4));
    }

    @Test
    void shouldGiveAJoiningWorkerItsShareFromTheOthersOnly()
    {
        final SlotTable table = new SlotTable(256);
        table.rebalance(new int[]{ 1, 2, 3 });

        final int moved = table.rebalance(new int[]{ 1, 2, 3, 4 });

        assertEquals(64, moved);
        assertEquals(0, table.slotsOf(4), "live owners keep their slots until the data arrived");
        assertEquals(64, table.moving());
        int committed = 0;
        for (int slot = 0; slot < 256; slot++)
        {
            if (table.targetOf(slot) == 4)
            {
                assertNotEquals(4, table.ownerOf(slot));
                committed += table.commit(slot, 4, table.moveIdOf(slot)) ? 1 : 0;
            }
        }
        assertEquals(64, committed);
        assertEquals(64, table.slotsOf(4));
        assertEquals(64, table.slotsOf(1));
        assertEquals(2 + 64, table.epoch(), "one epoch for the plan, one per commit");
    }

    @Test
    void shouldKeepAMoveUnderWayAndRefuseAStaleCommit()
    {
        final SlotTable table = new SlotTable(8);
        table.rebalance(new int[]{ 1 });
        table.rebalance(new int[]{ 1, 2 });
        final int slot = firstMoving(table);
        final long moveId = table.moveIdOf(slot);

        assertEquals(0, table.rebalance(new int[]{ 1, 2 }), "the same plan again changes nothing");
        assertEquals(moveId, table.moveIdOf(slot));
        table.rebalance(new int[]{ 1 });
        assertEquals(0, table.moving(), "moves to a lost worker are cancelled");
        table.rebalance(new int[]{ 1, 2 });

        assertFalse(table.commit(slot, 2, moveId), "a cancelled move never commits");
        assertTrue(table.commit(slot, 2, table.moveIdOf(slot)));
        assertFalse(table.commit(slot, 2, table.moveIdOf(slot)), "nor twice");
    }

    private static int firstMoving(final SlotTable table)
    {
        for (int slot = 0; slot < table.slotCount(); slot++)
        {
            if (SlotTable.NO_OWNER != table.targetOf(slot))
            {
                return slot;
            }
        }
        throw new AssertionError("no slot moving");
    }

    @Test
    void shouldKeepEpochWhenNothingMoves()
    {
        final SlotTable table = new SlotTable(16);
        table.rebalance(new int[]{ 7 });

        assertEquals(0, table.rebalance(new int[]{ 7 }));
        assertEquals(1, table.epoch());
        assertEquals(16, table.rebalance(new int[0]));
        assertEquals(SlotTable.NO_OWNER, table.ownerOf(0));
    }
}
