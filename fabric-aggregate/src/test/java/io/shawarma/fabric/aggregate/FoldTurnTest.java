package io.shawarma.fabric.aggregate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoldTurnTest
{
    private final FoldTurn turn = new FoldTurn();

    @Test
    void shouldRestoreWhatANestedFoldOverwrote()
    {
        for (final int[] state : new int[][]{ { FoldTurn.NOT_FOLDING, -1, 0 }, { 7, -1, 1 }, { 3, 12, 0 },
            { Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 1, 1 } })
        {
            turn.start(state[0], state[1]);
            turn.outOfDomain = 1 == state[2];
            final long saved = turn.save();
            turn.start(99, 5);
            turn.restore(saved);
            assertEquals(state[0], turn.row);
            assertEquals(state[1], turn.edge);
            assertEquals(1 == state[2], turn.outOfDomain);
        }
    }

    @Test
    void shouldTellTurnsOnOtherDevices()
    {
        assertFalse(turn.isOnOther(4), "not folding");
        turn.start(4, -1);
        assertFalse(turn.isOnOther(4), "the device itself");
        turn.start(5, 0);
        assertTrue(turn.isOnOther(4));
    }
}
