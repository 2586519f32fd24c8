package io.shawarma.fabric;

import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatheredResultsTest
{
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
    private final GatheredResults gathered = new GatheredResults(
        FabricMembers.parse("1@aeron:ipc,2@aeron:ipc,3@aeron:ipc", "members"), 0, 10, NoOpIdleStrategy.INSTANCE,
        SystemNanoClock.INSTANCE);

    @Test
    void shouldPutWorkerOnesResultsFirstThenEachOthersInSlotOrder()
    {
        assertNull(gathered.onResults(2, 4, 1, entries(30, 300), 0, 1));
        assertNull(gathered.onResults(1, 5, 2, entries(20, 200), 0, 1));
        assertFalse(gathered.isComplete(1));
        assertNull(gathered.onResults(1, 5, 2, entries(21, 210), 0, 1));
        assertTrue(gathered.isComplete(1) && gathered.isComplete(2));

        gathered.merge(new long[]{ 10 }, new long[]{ 100 });

        assertArrayEquals(new long[]{ 10, 20, 21, 30 }, gathered.ids());
        assertArrayEquals(new long[]{ 100, 200, 210, 300 }, gathered.values());
        assertEquals(5, gathered.steps());
    }

    @Test
    void shouldTakeAWorkerWithNoResults()
    {
        assertNull(gathered.onResults(1, 1, 0, frame, 0, 0));
        assertTrue(gathered.isComplete(1));
        assertFalse(gathered.isComplete(2));
    }

    @Test
    void shouldRefuseATotalBeyondTheGraphAChangedTotalAndAnOverfill()
    {
        assertEquals("results total 11 outside [0, 10]", gathered.onResults(1, 1, 11, entries(1, 1), 0, 1));
        assertNull(gathered.onResults(1, 1, 1, entries(1, 1), 0, 1));
        assertEquals("results frame of 1 past the total 1", gathered.onResults(1, 1, 1, entries(2, 2), 0, 1));
        assertNull(gathered.onResults(2, 1, 2, entries(3, 3), 0, 1));
        assertEquals("results total 3 after 2 in an earlier frame", gathered.onResults(2, 1, 3, entries(4, 4), 0, 1));
        assertEquals(1, gathered.received(1));
    }

    @Test
    void shouldRefuseResultsSentToAWorkerOtherThanTheFirst()
    {
        final GatheredResults second = new GatheredResults(
            FabricMembers.parse("1@aeron:ipc,2@aeron:ipc", "members"), 1, 10, NoOpIdleStrategy.INSTANCE,
            SystemNanoClock.INSTANCE);

        assertEquals("results sent to a worker other than worker 1", second.onResults(0, 1, 1, entries(1, 1), 0, 1));
    }

    private UnsafeBuffer entries(final long id, final long value)
    {
        frame.putLong(0, id, LITTLE_ENDIAN);
        frame.putLong(Long.BYTES, value, LITTLE_ENDIAN);
        return frame;
    }
}
