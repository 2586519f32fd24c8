package io.shawarma.fabric.borrow;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LongByPeerTest
{
    @Test
    void shouldAnswerTheMissingValueUntilPutForSmallAndLargeIds()
    {
        final LongByPeer values = new LongByPeer(-1);
        assertEquals(-1, values.get(5));
        assertEquals(-1, values.get(2_000_000));

        values.put(5, 50);
        values.put(1_000, 10_000);
        values.put(2_000_000, 7);

        assertEquals(50, values.get(5));
        assertEquals(10_000, values.get(1_000));
        assertEquals(-1, values.get(999), "grown slots start missing");
        assertEquals(-1, values.get(LongByPeer.MAX_DENSE_ID - 1));
        assertEquals(7, values.get(2_000_000));
        assertEquals(-1, values.get(-3));
    }
}
