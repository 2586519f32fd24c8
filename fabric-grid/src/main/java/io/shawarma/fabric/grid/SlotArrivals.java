package io.shawarma.fabric.grid;

import io.shawarma.fabric.Placement;
import io.shawarma.fabric.store.VertexStore;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The target side of a slot's move: stages a stream's chunks in sequence (a gap discards the stage), installs the
 * staged vertices into the store, and tracks the slots owned here whose stream is still awaited.
 * <p>
 * Single threaded: driven by the {@link SlotMigration} that owns it.
 */
final class SlotArrivals
{
    private final int slotCount;
    private final VertexStore store;
    private final SlotMigration.VertexMerge merge;
    private final long awaitTimeoutNs;
    private final Incoming[] incoming;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    /** Owned without the data of the move that was bringing it (its source gone before the commit): awaited. */
    private final long[] awaitedMoves;
    private final long[] awaitedSinceNs;
    private int awaitedCount;
    private long verticesMerged;

    SlotArrivals(
        final int slotCount, final VertexStore store, final SlotMigration.VertexMerge merge,
        final long awaitTimeoutNs)
    {
        this.slotCount = slotCount;
        this.store = store;
        this.merge = (vertexId, value, offset, length) ->
        {
            final boolean merged = merge.merge(vertexId, value, offset, length);
            verticesMerged += merged ? 1 : 0;
            return merged;
        };
        this.awaitTimeoutNs = awaitTimeoutNs;
        incoming = new Incoming[slotCount];
        awaitedMoves = new long[slotCount];
        awaitedSinceNs = new long[slotCount];
    }

    /** @return true when the chunk completed its stream: it is staged, ready for {@link #install}. */
    boolean stage(
        final long moveId, final int slot, final int sequence, final boolean last, final DirectBuffer buffer,
        final int offset, final int length)
    {
        Incoming stage = incoming[slot];
        if (0 == sequence)
        {
            if (null == stage)
            {
                stage = new Incoming();
                incoming[slot] = stage;
            }
            stage.start(moveId);
        }
        else if (null == stage || stage.moveId != moveId || stage.nextSequence != sequence)
        {
            if (null != stage)
            {
                stage.moveId = SlotMigration.NOT_MOVING;
            }
            return false;
        }
        stage.append(buffer, offset, length);
        if (!last)
        {
            return false;
        }
        stage.moveId = SlotMigration.NOT_MOVING;
        return true;
    }

    /** @return the vertices installed from the slot's staged stream, or -1 when the stream is malformed. */
    int install(final int slot)
    {
        final Incoming stage = incoming[slot];
        return putAll(store, slotCount, slot, stage.buffer, 0, stage.length, merge, view);
    }

    /**
     * Puts each vertex of a stream's packed entries (id, length, value) into the store, or merges it into the copy
     * held when the merge does.
     *
     * @param view wrapped over each value in turn.
     * @return the vertices put or merged, or -1 when the entries are malformed or name a vertex of another slot
     * (those before it stay put).
     */
    static int putAll(
        final VertexStore store, final int slotCount, final int slot, final DirectBuffer buffer, final int offset,
        final int length, final SlotMigration.VertexMerge merge, final UnsafeBuffer view)
    {
        int installed = 0;
        int position = 0;
        while (position + SlotMigration.ENTRY_HEADER <= length)
        {
            final long vertexId = buffer.getLong(offset + position, LITTLE_ENDIAN);
            final int valueLength = buffer.getInt(offset + position + Long.BYTES, LITTLE_ENDIAN);
            if (valueLength < 0 || position + SlotMigration.ENTRY_HEADER + valueLength > length ||
                Placement.slotOf(vertexId, slotCount) != slot)
            {
                return -1;
            }
            view.wrap(buffer, offset + position + SlotMigration.ENTRY_HEADER, valueLength);
            if (!merge.merge(vertexId, view, 0, valueLength))
            {
                store.put(vertexId, view, 0, valueLength);
            }
            position += SlotMigration.ENTRY_HEADER + valueLength;
            installed++;
        }
        return position == length ? installed : -1;
    }

    /** @return true when the slot is owned here and its data still awaited. */
    boolean isAwaited(final int slot)
    {
        return SlotMigration.NOT_MOVING != awaitedMoves[slot];
    }

    /** @return true when the slot's awaited data is the given move's. */
    boolean awaits(final int slot, final long moveId)
    {
        return SlotMigration.NOT_MOVING != awaitedMoves[slot] && moveId == awaitedMoves[slot];
    }

    void await(final int slot, final long moveId)
    {
        awaitedMoves[slot] = moveId;
        awaitedSinceNs[slot] = Long.MIN_VALUE;
        awaitedCount++;
    }

    void stopAwaiting(final int slot)
    {
        if (SlotMigration.NOT_MOVING != awaitedMoves[slot])
        {
            awaitedMoves[slot] = SlotMigration.NOT_MOVING;
            awaitedCount--;
        }
    }

    /** Stops awaiting the streams that did not come within the timeout of the first call after they were awaited. */
    void expireAwaited(final long nowNs)
    {
        for (int slot = 0; slot < slotCount; slot++)
        {
            if (SlotMigration.NOT_MOVING != awaitedMoves[slot])
            {
                if (Long.MIN_VALUE == awaitedSinceNs[slot])
                {
                    awaitedSinceNs[slot] = nowNs;
                }
                else if (nowNs - awaitedSinceNs[slot] >= awaitTimeoutNs)
                {
                    stopAwaiting(slot);
                }
            }
        }
    }

    int awaitedSlots()
    {
        return awaitedCount;
    }

    long verticesMerged()
    {
        return verticesMerged;
    }

    /** A stream being received: its chunks so far, in order. */
    private static final class Incoming
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(SlotMigration.CHUNK_BYTES);
        long moveId = SlotMigration.NOT_MOVING;
        int nextSequence;
        int length;

        void start(final long moveId)
        {
            this.moveId = moveId;
            nextSequence = 0;
            length = 0;
        }

        void append(final DirectBuffer source, final int offset, final int bytes)
        {
            buffer.putBytes(length, source, offset, bytes);
            length += bytes;
            nextSequence++;
        }
    }
}
