package io.shawarma.fabric.grid;

import io.shawarma.fabric.Placement;
import io.shawarma.fabric.store.ChronicleVertexStore;
import io.shawarma.fabric.store.VertexStore;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two workers' migration state machines wired back to back: worker 1 owns every slot and moves one to worker 2.
 */
class SlotMigrationTest
{
    private static final int SLOTS = 16;
    private static final int VALUE_BYTES = 1024;
    private static final long RESTREAM_NS = 1_000;

    private final VertexStore sourceStore = new ChronicleVertexStore(2_500, VALUE_BYTES, VALUE_BYTES, null);
    private final VertexStore targetStore = new ChronicleVertexStore(2_500, VALUE_BYTES, VALUE_BYTES, null);
    private final List<long[]> reports = new ArrayList<>();
    private final List<Integer> droppedSequences = new ArrayList<>();
    private int chunksSent;
    private SlotMigration target;
    private final SlotMigration source = new SlotMigration(1, SLOTS, sourceStore, new SlotMigration.Link()
    {
        public boolean sendChunk(
            final int targetId, final long moveId, final long epoch, final int slot, final int sequence,
            final boolean last, final int vertexCount, final DirectBuffer vertices, final int length)
        {
            assertEquals(2, targetId);
            chunksSent++;
            if (!droppedSequences.remove((Integer)sequence))
            {
                target.onChunk(moveId, epoch, slot, sequence, last, vertexCount, vertices, 0, length);
            }
            return true;
        }

        public void reportReceived(final long moveId, final int slot, final int vertexCount)
        {
            fail("the source reports nothing");
        }
    }, RESTREAM_NS);

    private final SlotMigration.Link targetLink = new SlotMigration.Link()
    {
        public boolean sendChunk(
            final int targetId, final long moveId, final long epoch, final int slot, final int sequence,
            final boolean last, final int vertexCount, final DirectBuffer vertices, final int length)
        {
            return fail("the target sends nothing");
        }

        public void reportReceived(final long moveId, final int slot, final int vertexCount)
        {
            reports.add(new long[]{ moveId, slot, vertexCount });
        }
    };

    {
        target = new SlotMigration(2, SLOTS, targetStore, targetLink, RESTREAM_NS);
    }

    @AfterEach
    void close()
    {
        sourceStore.close();
        targetStore.close();
    }

    @Test
    void shouldFreezeStreamInstallAndHandOverASlot()
    {
        final int[] owners = owners(1);
        source.onPlacement(1, owners);
        target.onPlacement(1, owners);
        final int inSlot = fill(sourceStore, 3, 2000);
        final long vertex = vertexIn(3);
        assertEquals(SlotMigration.LOCAL, source.route(vertex));

        source.onSlotMoves(1, new int[]{ 3 }, new int[]{ 2 }, new long[]{ 7 }, 0);

        assertEquals(SlotMigration.FROZEN, source.route(vertex), "no write once the move is known");
        assertEquals(2, source.targetOf(vertex));
        assertEquals(1, source.syncedEpoch());
        assertEquals(1, source.doWork(0));
        assertTrue(chunksSent > 1, "a slot of " + inSlot + " KiB values takes several chunks");
        assertArrayEquals(new long[]{ 7, 3, inSlot }, reports.get(0));
        assertEquals(inSlot, targetStore.size());
        assertEquals(SlotMigration.MOVED, target.route(vertex), "the target serves it only once committed");
        assertEquals(0, source.doWork(1), "streamed once");

        owners[3] = 2;
        source.onPlacement(2, owners);
        target.onPlacement(2, owners);

        assertEquals(SlotMigration.MOVED, source.route(vertex));
        assertEquals(SlotMigration.LOCAL, target.route(vertex));
        assertEquals(2000, sourceStore.size(), "kept until the moves list says the slot is not coming back");
        source.onSlotMoves(2, new int[0], new int[0], new long[0], 2);
        assertEquals(2000 - inSlot, sourceStore.size(), "the source drops what it handed over");
        assertEquals(vertex, valueOf(targetStore, vertex));
        assertEquals(inSlot, source.verticesSent());
        assertEquals(inSlot, target.verticesReceived());
    }

    @Test
    void shouldUnfreezeACancelledMoveOnlyWithAMovesListOfItsPlacement()
    {
        source.onPlacement(4, owners(1));
        final long vertex = vertexIn(5);
        source.onSlotMoves(4, new int[]{ 5 }, new int[]{ 2 }, new long[]{ 9 }, 0);

        source.onSlotMoves(5, new int[0], new int[0], new long[0], 0);
        assertEquals(SlotMigration.FROZEN, source.route(vertex), "its placement (epoch 5) was not seen: stay frozen");
        source.onSlotMoves(3, new int[0], new int[0], new long[0], 0);
        assertEquals(SlotMigration.FROZEN, source.route(vertex), "an older list changes nothing");

        source.onPlacement(5, owners(1));
        source.onSlotMoves(5, new int[0], new int[0], new long[0], 0);

        assertEquals(SlotMigration.LOCAL, source.route(vertex));
        assertEquals(0, source.frozenSlots());
    }

    @Test
    void shouldDiscardAStreamWithAGapAndTakeItWhenStreamedAgain()
    {
        final int[] owners = owners(1);
        source.onPlacement(1, owners);
        target.onPlacement(1, owners);
        final int inSlot = fill(sourceStore, 6, 2000);
        droppedSequences.add(1);

        source.onSlotMoves(1, new int[]{ 6 }, new int[]{ 2 }, new long[]{ 11 }, 0);
        source.doWork(0);
        assertTrue(reports.isEmpty(), "a lost chunk: nothing installed, nothing reported");
        assertEquals(0, targetStore.size());

        source.onSlotMoves(1, new int[]{ 6 }, new int[]{ 2 }, new long[]{ 11 }, RESTREAM_NS);
        source.doWork(RESTREAM_NS);

        assertArrayEquals(new long[]{ 11, 6, inSlot }, reports.get(0));
        assertEquals(inSlot, targetStore.size());
    }

    @Test
    void shouldIgnoreAStreamForASlotTheTargetOwnsAndMalformedEntries()
    {
        final int[] owners = owners(1);
        owners[2] = 2;
        target.onPlacement(1, owners);
        final UnsafeBuffer entries = new UnsafeBuffer(new byte[64]);
        final long vertex = vertexIn(2);
        entries.putLong(0, vertex, LITTLE_ENDIAN);
        entries.putInt(Long.BYTES, 8, LITTLE_ENDIAN);

        assertFalse(target.onChunk(1, 1, 2, 0, true, 1, entries, 0, 20), "its own slot: a stale stream");
        assertFalse(target.onChunk(1, 1, 4, 0, true, 1, entries, 0, 20), "a vertex of another slot");
        assertFalse(target.onChunk(1, 1, 4, 0, true, 1, entries, 0, 13), "truncated");
        assertFalse(target.onChunk(1, 1, 99, 0, true, 1, entries, 0, 20), "no such slot");
        assertTrue(reports.isEmpty());
        assertEquals(0, targetStore.size());
    }

    @Test
    void shouldKeepOnlyItsOwnAndIncomingSlotsAfterARestartAndLetTheStreamWinWhereBothHoldAVertex()
    {
        restartAndRestoreSlot3();

        assertEquals(100, longOf(targetStore, vertexIn(3, 0)), "a vertex only the restarted worker held stays");
        assertEquals(201, longOf(targetStore, vertexIn(3, 1)), "held by both: the interim owner's (newer) wins");
        assertEquals(202, longOf(targetStore, vertexIn(3, 2)), "written while it was away: arrives");
        assertEquals(0, target.verticesMerged());
    }

    @Test
    void shouldMergeAVertexBothHoldWithTheMergeWhenThereIsOne()
    {
        target = new SlotMigration(2, SLOTS, targetStore, targetLink, (vertexId, incoming, offset, length) ->
        {
            final UnsafeBuffer held = new UnsafeBuffer(new byte[Long.BYTES]);
            if (targetStore.get(vertexId, held) < 0)
            {
                return false;
            }
            held.putLong(0, held.getLong(0, LITTLE_ENDIAN) + incoming.getLong(offset, LITTLE_ENDIAN), LITTLE_ENDIAN);
            targetStore.put(vertexId, held, 0, Long.BYTES);
            return true;
        }, RESTREAM_NS);

        restartAndRestoreSlot3();

        assertEquals(100, longOf(targetStore, vertexIn(3, 0)));
        assertEquals(101 + 201, longOf(targetStore, vertexIn(3, 1)), "merged");
        assertEquals(202, longOf(targetStore, vertexIn(3, 2)));
        assertEquals(1, target.verticesMerged());
    }

    @Test
    void shouldKeepASlotTakenAwayWithoutAMoveUntilAViewSaysItIsNotComingBack()
    {
        final int[] owners = owners(2);
        target.onPlacement(1, owners);
        target.onSlotMoves(1, new int[0], new int[0], new long[0], 0);
        putLong(targetStore, vertexIn(4, 0), 7);

        owners[4] = 1;
        target.onPlacement(2, owners);
        assertEquals(7, longOf(targetStore, vertexIn(4, 0)), "declared dead while alive: kept for now");
        target.onSlotMoves(2, new int[]{ 4 }, new int[]{ 2 }, new long[]{ 3 }, 0);
        assertEquals(7, longOf(targetStore, vertexIn(4, 0)), "moving back here: kept for the merge");

        target.onPlacement(3, owners);
        target.onSlotMoves(3, new int[0], new int[0], new long[0], 0);
        assertFalse(targetStore.contains(vertexIn(4, 0)), "not coming back: dropped");
    }

    @Test
    void shouldKeepAStreamInstalledBeforeItsViewArrivedAndDropItOnceANewerViewNoLongerListsIt()
    {
        final int[] owners = owners(1);
        target.onPlacement(1, owners);
        final UnsafeBuffer entries = new UnsafeBuffer(new byte[64]);
        final long vertex = vertexIn(6);
        entries.putLong(0, vertex, LITTLE_ENDIAN);
        entries.putInt(Long.BYTES, 8, LITTLE_ENDIAN);
        assertTrue(target.onChunk(12, 1, 6, 0, true, 1, entries, 0, 20), "its source heard of the move first");

        target.onSlotMoves(1, new int[0], new int[0], new long[0], 0);
        assertTrue(targetStore.contains(vertex), "a view older than the move: the stream stays");

        target.onPlacement(2, owners);
        target.onSlotMoves(2, new int[0], new int[0], new long[0], 0);
        assertFalse(targetStore.contains(vertex), "the move was cancelled: dropped");
    }

    @Test
    void shouldKeepAStreamThroughAViewOlderThanItsMoveSoThatTheCommittedSlotHasItsData()
    {
        final int[] owners = owners(1);
        source.onPlacement(1, owners);
        source.onSlotMoves(1, new int[0], new int[0], new long[0], 0);
        target.onPlacement(1, owners);
        target.onSlotMoves(1, new int[0], new int[0], new long[0], 0);
        final int inSlot = fill(sourceStore, 6, 200);
        final long vertex = vertexIn(6);

        // Epoch 2 changes another slot; epoch 3 moves slot 6 here. The source hears both before the target hears 2.
        final int[] atTwo = owners.clone();
        atTwo[9] = 3;
        source.onPlacement(2, atTwo);
        source.onSlotMoves(2, new int[0], new int[0], new long[0], 0);
        source.onPlacement(3, atTwo);
        source.onSlotMoves(3, new int[]{ 6 }, new int[]{ 2 }, new long[]{ 12 }, 0);
        source.doWork(0);
        assertArrayEquals(new long[]{ 12, 6, inSlot }, reports.get(0), "installed at epoch 1, reported");

        target.onPlacement(2, atTwo);
        target.onSlotMoves(2, new int[0], new int[0], new long[0], 0);
        assertTrue(targetStore.contains(vertex), "a view older than the move says nothing about it: kept");
        target.onPlacement(3, atTwo);
        target.onSlotMoves(3, new int[]{ 6 }, new int[]{ 2 }, new long[]{ 12 }, 0);

        // The cluster commits on the report: the source drops its copy, the target serves the slot.
        final int[] atFour = atTwo.clone();
        atFour[6] = 2;
        source.onPlacement(4, atFour);
        source.onSlotMoves(4, new int[0], new int[0], new long[0], 0);
        target.onPlacement(4, atFour);
        target.onSlotMoves(4, new int[0], new int[0], new long[0], 0);
        assertFalse(sourceStore.contains(vertex), "handed over");
        assertEquals(SlotMigration.LOCAL, target.route(vertex));
        assertEquals(vertex, valueOf(targetStore, vertex), "the committed slot's data is at its new owner");
        assertEquals(inSlot, target.verticesReceived());
        assertEquals(0, target.verticesDropped());
    }

    @Test
    void shouldAwaitTheStreamOfASlotGivenItStraightMidMoveAndServeTheSlotOnceItIsInstalled()
    {
        final int inSlot = fill(sourceStore, 6, 200);
        final long vertex = vertexIn(6);
        final int[] owners = viewOfSlot6MovingToTheTarget();

        // The source is declared dead before it streamed (it is alive, only slow): the slot comes here straight.
        owners[6] = 2;
        target.onPlacement(2, owners);
        target.onSlotMoves(2, new int[0], new int[0], new long[0], 0);
        assertEquals(SlotMigration.ARRIVING, target.route(vertex), "no NO_SUCH_VERTEX while its data is on its way");
        assertEquals(1, target.awaitedSlots());
        assertFalse(target.onChunk(11, 1, 6, 0, true, 0, new UnsafeBuffer(new byte[0]), 0, 0), "another move's stream");

        source.doWork(0);

        assertEquals(SlotMigration.LOCAL, target.route(vertex));
        assertEquals(vertex, valueOf(targetStore, vertex), "the stream of the move that was under way is installed");
        assertEquals(inSlot, target.verticesReceived());
        assertTrue(reports.isEmpty(), "no move is left to commit");
        assertEquals(0, target.awaitedSlots());
    }

    @Test
    void shouldServeAnAwaitedSlotWhenItsStreamDoesNotComeWithinTheRestreamInterval()
    {
        final int[] owners = owners(1);
        target.onPlacement(1, owners);
        target.onSlotMoves(1, new int[]{ 6 }, new int[]{ 2 }, new long[]{ 12 }, 0);
        owners[6] = 2;
        target.onPlacement(2, owners);
        final long vertex = vertexIn(6);

        target.doWork(100);
        assertEquals(SlotMigration.ARRIVING, target.route(vertex));
        target.doWork(100 + RESTREAM_NS - 1);
        assertEquals(SlotMigration.ARRIVING, target.route(vertex));
        target.doWork(100 + RESTREAM_NS);

        assertEquals(SlotMigration.LOCAL, target.route(vertex), "its source is gone: what is here is served");
        assertEquals(0, target.awaitedSlots());
    }

    @Test
    void shouldNotAwaitASlotCommittedHereAfterItsStreamWasInstalled()
    {
        final int[] owners = viewOfSlot6MovingToTheTarget();
        source.doWork(0);

        owners[6] = 2;
        target.onPlacement(2, owners);

        assertEquals(SlotMigration.LOCAL, target.route(vertexIn(6)));
        assertEquals(0, target.awaitedSlots());
    }

    /** @return the owners of a view at epoch 1 (all worker 1's), applied by both with slot 6 moving to worker 2. */
    private int[] viewOfSlot6MovingToTheTarget()
    {
        final int[] owners = owners(1);
        source.onPlacement(1, owners);
        source.onSlotMoves(1, new int[]{ 6 }, new int[]{ 2 }, new long[]{ 12 }, 0);
        target.onPlacement(1, owners);
        target.onSlotMoves(1, new int[]{ 6 }, new int[]{ 2 }, new long[]{ 12 }, 0);
        return owners;
    }

    /**
     * Worker 2 restarts on a store with vertices of slots 3, 5 and 7; it owns slot 5, slot 3 (its own before it
     * died, owned by worker 1 meanwhile) is moving back to it, slot 7 is someone else's.
     */
    private void restartAndRestoreSlot3()
    {
        putLong(targetStore, vertexIn(3, 0), 100);
        putLong(targetStore, vertexIn(3, 1), 101);
        putLong(targetStore, vertexIn(5, 0), 102);
        putLong(targetStore, vertexIn(7, 0), 103);
        putLong(sourceStore, vertexIn(3, 1), 201);
        putLong(sourceStore, vertexIn(3, 2), 202);
        final int[] owners = owners(1);
        owners[5] = 2;

        target.onPlacement(1, owners);
        target.onSlotMoves(1, new int[]{ 3 }, new int[]{ 2 }, new long[]{ 9 }, 0);
        assertEquals(3, targetStore.size(), "slot 7 is not its own nor coming: dropped");
        assertFalse(targetStore.contains(vertexIn(7, 0)));
        assertEquals(102, longOf(targetStore, vertexIn(5, 0)));

        source.onPlacement(1, owners);
        source.onSlotMoves(1, new int[]{ 3 }, new int[]{ 2 }, new long[]{ 9 }, 0);
        source.doWork(0);
        assertArrayEquals(new long[]{ 9, 3, 2 }, reports.get(0));

        owners[3] = 2;
        target.onPlacement(2, owners);
        target.onSlotMoves(2, new int[0], new int[0], new long[0], 0);
        assertEquals(SlotMigration.LOCAL, target.route(vertexIn(3, 0)));
        assertEquals(4, targetStore.size());
    }

    private static long vertexIn(final int slot, final int n)
    {
        long vertex = 0;
        for (int found = -1; ; vertex++)
        {
            if (Placement.slotOf(vertex, SLOTS) == slot && ++found == n)
            {
                return vertex;
            }
        }
    }

    private static void putLong(final VertexStore store, final long vertex, final long value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Long.BYTES]);
        buffer.putLong(0, value, LITTLE_ENDIAN);
        store.put(vertex, buffer, 0, Long.BYTES);
    }

    private static long longOf(final VertexStore store, final long vertex)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[Long.BYTES]);
        assertEquals(Long.BYTES, store.get(vertex, value));
        return value.getLong(0, LITTLE_ENDIAN);
    }

    private static int[] owners(final int workerId)
    {
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, workerId);
        return owners;
    }

    private static long vertexIn(final int slot)
    {
        return vertexIn(slot, 0);
    }

    /** Stores vertices 0..count-1, each a KiB starting with its id. @return how many are in the slot. */
    private static int fill(final VertexStore store, final int slot, final int count)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_BYTES]);
        int inSlot = 0;
        for (long vertex = 0; vertex < count; vertex++)
        {
            value.putLong(0, vertex, LITTLE_ENDIAN);
            store.put(vertex, value, 0, VALUE_BYTES);
            inSlot += Placement.slotOf(vertex, SLOTS) == slot ? 1 : 0;
        }
        return inSlot;
    }

    private static long valueOf(final VertexStore store, final long vertex)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_BYTES]);
        assertEquals(VALUE_BYTES, store.get(vertex, value));
        return value.getLong(0, LITTLE_ENDIAN);
    }
}
