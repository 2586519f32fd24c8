package io.shawarma.fabric.grid;

import io.shawarma.fabric.Placement;
import io.shawarma.fabric.store.VertexStore;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The source side of a slot's move: streams a frozen slot's vertices to its target in chunks of at most
 * {@link SlotMigration#CHUNK_BYTES}, each vertex as its id, its length and its value.
 * <p>
 * Single threaded: driven by the {@link SlotMigration} that owns it.
 */
final class SlotStreamer
{
    private final int slotCount;
    private final VertexStore store;
    private final SlotMigration.Link link;
    private final ExpandableArrayBuffer outgoing = new ExpandableArrayBuffer(SlotMigration.CHUNK_BYTES);
    private final LongArrayList scratchIds = new LongArrayList();
    private final UnsafeBuffer value;
    private long verticesSent;

    SlotStreamer(final int slotCount, final VertexStore store, final SlotMigration.Link link)
    {
        this.slotCount = slotCount;
        this.store = store;
        this.link = link;
        value = new UnsafeBuffer(new byte[store.maxValueBytes()]);
    }

    /** @return false when a chunk could not be sent (the whole slot is streamed again later). */
    boolean stream(final int slot, final long moveId, final int target, final long epoch)
    {
        int count = 0;
        int position = 0;
        int sequence = 0;
        // Collected first: the store's iteration holds a lock, and sending may wait on back pressure.
        collect(slot);
        for (int i = 0; i < scratchIds.size(); i++)
        {
            final long vertexId = scratchIds.getLong(i);
            final int length = store.get(vertexId, value);
            if (length < 0)
            {
                continue;
            }
            if (position > 0 && position + SlotMigration.ENTRY_HEADER + length > SlotMigration.CHUNK_BYTES)
            {
                if (!link.sendChunk(target, moveId, epoch, slot, sequence++, false, 0, outgoing, position))
                {
                    return false;
                }
                position = 0;
            }
            outgoing.putLong(position, vertexId, LITTLE_ENDIAN);
            outgoing.putInt(position + Long.BYTES, length, LITTLE_ENDIAN);
            outgoing.putBytes(position + SlotMigration.ENTRY_HEADER, value, 0, length);
            position += SlotMigration.ENTRY_HEADER + length;
            count++;
        }
        if (!link.sendChunk(target, moveId, epoch, slot, sequence, true, count, outgoing, position))
        {
            return false;
        }
        verticesSent += count;
        return true;
    }

    long verticesSent()
    {
        return verticesSent;
    }

    private void collect(final int slot)
    {
        scratchIds.clear();
        store.forEach((vertexId, buffer, length) ->
        {
            if (Placement.slotOf(vertexId, slotCount) == slot)
            {
                scratchIds.addLong(vertexId);
            }
        });
    }
}
