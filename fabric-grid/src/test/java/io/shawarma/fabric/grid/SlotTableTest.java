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

    @Test
    void shouldGiveADeadOwnersSlotsBackToItWhenItReturns()
    {
        final SlotTable table = new SlotTable(256);
        table.rebalance(new int[]{ 1, 2, 3 });
        final int[] before = table.owners();

        table.rebalance(new int[]{ 1, 3 });
        assertEquals(85, table.claimsOf(2), "the dead owner claims every slot it lost");
        assertEquals(0, table.slotsOf(2));

        table.rebalance(new int[]{ 1, 2, 3 });

        assertEquals(85, table.movesTo(2), "its slots move back, with the interim owners' data");
        for (int slot = 0; slot < 256; slot++)
        {
            assertEquals(before[slot] == 2 ? 2 : SlotTable.NO_OWNER, table.targetOf(slot), "slot " + slot);
            if (before[slot] == 2)
            {
                assertTrue(table.commit(slot, 2, table.moveIdOf(slot)));
            }
        }
        assertEquals(0, table.claimsOf(2), "a claim ends when the claimant owns the slot again");
        assertArrayEquals(before, table.owners());
        assertEquals(0, table.rebalance(new int[]{ 1, 2, 3 }), "nothing more to move");
    }

    @Test
    void shouldGiveClaimedSlotsBackBeyondTheFairShareAndStraightWhenNoOneOwnsThem()
    {
        final SlotTable table = new SlotTable(256);
        table.rebalance(new int[]{ 1 });
        table.rebalance(new int[0]);
        assertEquals(256, table.claimsOf(1));
        assertEquals(SlotTable.NO_OWNER, table.ownerOf(0));

        table.rebalance(new int[]{ 1, 2 });

        assertEquals(256, table.slotsOf(1), "no live owner: straight back to the claimant, its data is there");
        assertEquals(0, table.claimsOf(1));
        assertEquals(0, table.moving());

        table.rebalance(new int[]{ 2 });
        table.rebalance(new int[]{ 1, 2 });
        assertEquals(256, table.movesTo(1), "every claimed slot, beyond its share of 128");
    }

    @Test
    void shouldMoveOneSlotOnRequest()
    {
        final SlotTable table = new SlotTable(4);
        table.rebalance(new int[]{ 1, 2 });

        assertTrue(table.move(0, 2));
        assertEquals(2, table.epoch());
        assertFalse(table.move(0, 2), "already moving");
        assertFalse(table.move(3, 2), "already the target's");
        assertTrue(table.commit(0, 2, table.moveIdOf(0)));
        assertEquals(3, table.slotsOf(2));
    }
}
