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
        assertEquals(64, table.slotsOf(4));
        assertEquals(64, table.slotsOf(1));
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
