package io.shawarma.fabric;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementTest
{
    private static final FabricMembers FIVE_WORKERS =
        FabricMembers.parse("1@aeron:ipc,2@aeron:ipc,3@aeron:ipc,7@aeron:ipc,9@aeron:ipc", "members");

    @Test
    void shouldSpreadSequentialVerticesEvenlyOverWorkers()
    {
        final Placement placement = new Placement(FIVE_WORKERS, 1);
        final int[] counts = new int[10];
        final int vertices = 100_000;
        for (long vertexId = 0; vertexId < vertices; vertexId++)
        {
            counts[placement.ownerOf(vertexId)]++;
        }
        for (final int workerId : new int[]{ 1, 2, 3, 7, 9 })
        {
            final int count = counts[workerId];
            assertTrue(Math.abs(count - vertices / 5) < vertices / 50, "worker " + workerId + " owns " + count);
        }
        assertEquals(vertices, counts[1] + counts[2] + counts[3] + counts[7] + counts[9]);
    }

    @Test
    void shouldKeepSlotsTheRemainderOfTheHashWhateverTheSlotCount()
    {
        final int[] slotCounts = { 1, 2, 3, 7, 64, 1000, 1024, 16_384 };
        for (final int slotCount : slotCounts)
        {
            for (long vertexId = -500; vertexId < 5000; vertexId += 7)
            {
                final int slot = Placement.slotOf(vertexId, slotCount);
                assertEquals(remainderSlot(vertexId, slotCount), slot, "vertex " + vertexId + ", " + slotCount);
            }
        }
    }

    @Test
    void shouldPlaceEveryVertexOnTheOnlyWorker()
    {
        final Placement placement = new Placement(FabricMembers.parse("4@aeron:ipc", "members"), 1);
        for (long vertexId = -1000; vertexId < 1000; vertexId++)
        {
            assertEquals(4, placement.ownerOf(vertexId));
        }
        assertEquals(4, placement.ownerOf(Long.MIN_VALUE));
        assertEquals(4, placement.ownerOf(Long.MAX_VALUE));
    }

    @Test
    void shouldFollowAnOverrideAndMoveToItsEpoch()
    {
        final Placement placement = new Placement(FIVE_WORKERS, 1);
        final long vertexId = 42;
        final int other = placement.ownerOf(vertexId) == 9 ? 1 : 9;

        placement.override(vertexId, other, 5);

        assertEquals(other, placement.ownerOf(vertexId));
        assertEquals(5, placement.epoch());
        placement.override(vertexId + 1, other, 3);
        assertEquals(5, placement.epoch(), "never back to an older epoch");
    }

    @Test
    void shouldBoundOverridesAndRelearnAfterClearing()
    {
        final Placement placement = new Placement(FIVE_WORKERS, 1);
        for (long vertexId = 0; vertexId < Placement.MAX_OVERRIDES; vertexId++)
        {
            placement.override(vertexId, 9, 2);
        }
        assertEquals(Placement.MAX_OVERRIDES, placement.overrideCount());
        placement.override(0, 7, 2);
        assertEquals(Placement.MAX_OVERRIDES, placement.overrideCount(), "replacing a held override keeps the rest");

        placement.override(Placement.MAX_OVERRIDES, 9, 2);

        assertEquals(1, placement.overrideCount(), "full: cleared, then the new one held");
        assertEquals(9, placement.ownerOf(Placement.MAX_OVERRIDES));
        assertEquals(new Placement(FIVE_WORKERS, 1).ownerOf(0), placement.ownerOf(0), "cleared: back to the hash");
    }

    private static int remainderSlot(final long vertexId, final int slotCount)
    {
        long z = vertexId + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int)(((z ^ (z >>> 31)) >>> 1) % slotCount);
    }
}
