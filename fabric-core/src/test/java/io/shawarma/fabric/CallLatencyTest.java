package io.shawarma.fabric;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallLatencyTest
{
    @Test
    void shouldPutEveryValueInABucketThatHoldsItToWithinOnePercent()
    {
        final SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 100_000; i++)
        {
            final long value = i < 1000 ? i : random.nextLong(CallLatency.HIGHEST_NS + 1);
            final int index = CallLatency.index(value);
            final long lowest = CallLatency.lowestValue(index);
            final long width = CallLatency.width(index);

            assertTrue(lowest <= value && value < lowest + width, value + " not in [" + lowest + ", +" + width + ")");
            assertTrue(width <= Math.max(1, lowest / 100), value + ": bucket width " + width);
        }
    }

    @Test
    void shouldNumberTheBucketsWithoutGaps()
    {
        long expectedLowest = 0;
        for (int index = 0; index <= CallLatency.index(CallLatency.HIGHEST_NS); index++)
        {
            assertEquals(expectedLowest, CallLatency.lowestValue(index), "bucket " + index);
            assertEquals(index, CallLatency.index(expectedLowest));
            expectedLowest += CallLatency.width(index);
        }
    }
}
