package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.JobCounters;
import org.agrona.DirectBuffer;

import java.util.Arrays;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Takes in the peers' path definitions and exports: maps each peer's path slots to this worker's and stores the
 * exports of remote neighbours in {@link Exports}. A record that cannot be placed is dropped whole and counted.
 */
final class InboundExports
{
    private final Neighbourhood hood;
    private final Exports exports;
    private final Overrides overrides;
    private final PathTable paths;
    private final JobCounters counters;
    private final int[][] slotFromPeer;
    private final int[] pathsFromPeer;
    private long malformed;

    InboundExports(final AggregateEngine engine, final JobCounters counters, final int workers)
    {
        this.hood = engine.neighbourhood();
        this.exports = engine.exports();
        this.overrides = engine.overrides();
        this.paths = engine.paths();
        this.counters = counters;
        slotFromPeer = new int[workers][16];
        pathsFromPeer = new int[workers];
        Arrays.fill(pathsFromPeer, 1);
    }

    /**
     * @return frames or records that could not be decoded, dropped.
     */
    long malformed()
    {
        return malformed;
    }

    void onMalformed()
    {
        malformed++;
    }

    void onPaths(final int senderSlot, final DirectBuffer buffer, final int offset, final int count)
    {
        for (int i = 0, position = offset; i < count; i++, position += AggregateTransport.PATH_BYTES)
        {
            final int remote = buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF;
            final int parent = buffer.getShort(position + 2, LITTLE_ENDIAN) & 0xFFFF;
            final int step = buffer.getInt(position + 4, LITTLE_ENDIAN);
            if (remote != pathsFromPeer[senderSlot] || parent >= remote)
            {
                malformed++;
                return;
            }
            final int local;
            try
            {
                local = paths.child(slotFromPeer[senderSlot][parent], step);
            }
            catch (final IllegalStateException ex)
            {
                malformed++;
                return;
            }
            exports.ensureSlots(local + 1);
            if (remote == slotFromPeer[senderSlot].length)
            {
                slotFromPeer[senderSlot] = Arrays.copyOf(slotFromPeer[senderSlot], remote * 2);
            }
            slotFromPeer[senderSlot][remote] = local;
            pathsFromPeer[senderSlot]++;
        }
    }

    void onExports(
        final int senderSlot, final long round, final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        int position = offset;
        while (position < end)
        {
            if (end - position < AggregateTransport.RECORD_HEAD_BYTES)
            {
                malformed++;
                return;
            }
            final int graphIndex = buffer.getInt(position, LITTLE_ENDIAN);
            final int count = buffer.getShort(position + 4, LITTLE_ENDIAN) & 0xFFFF;
            position += AggregateTransport.RECORD_HEAD_BYTES;
            if (count * AggregateTransport.ENTRY_BYTES > end - position)
            {
                malformed++;
                return;
            }
            final int row = graphIndex >= 0 && graphIndex < hood.rowOfGraphIndex.length ?
                hood.rowOfGraphIndex[graphIndex] : -1;
            if (row < hood.localCount || !slotsKnown(senderSlot, buffer, position, count))
            {
                // Not a neighbour of this worker's devices, or slots never defined: the record is dropped whole.
                malformed++;
                position += count * AggregateTransport.ENTRY_BYTES;
                continue;
            }
            exports.begin(row, (int)round);
            for (int i = 0; i < count; i++, position += AggregateTransport.ENTRY_BYTES)
            {
                final int remote = buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF;
                exports.put(row, slotFromPeer[senderSlot][remote], buffer.getLong(position + 2, LITTLE_ENDIAN));
            }
            exports.commit(row);
            counters.onItemsReceived(1);
        }
    }

    /**
     * Takes in what remote devices sent single devices of this worker through exchange, for the exports just
     * taken in from the same frame. An override that cannot be placed is dropped and counted.
     */
    void onOverrides(
        final int senderSlot, final long round, final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        int position = offset;
        while (position < end)
        {
            if (end - position < AggregateTransport.OVERRIDES_HEAD_BYTES)
            {
                malformed++;
                return;
            }
            final int writer = rowOf(buffer.getInt(position, LITTLE_ENDIAN));
            final int count = buffer.getShort(position + 4, LITTLE_ENDIAN) & 0xFFFF;
            position += AggregateTransport.OVERRIDES_HEAD_BYTES;
            if (count * AggregateTransport.OVERRIDE_BYTES > end - position)
            {
                malformed++;
                return;
            }
            if (writer < hood.localCount || exports.round(writer) != (int)round)
            {
                // Not a remote neighbour, or its export of this round was dropped: its overrides go with it.
                malformed++;
                position += count * AggregateTransport.OVERRIDE_BYTES;
                continue;
            }
            for (int i = 0; i < count; i++, position += AggregateTransport.OVERRIDE_BYTES)
            {
                final int remote = buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF;
                final int slot = remote < pathsFromPeer[senderSlot] ? slotFromPeer[senderSlot][remote] : -1;
                if (slot <= PathTable.ROOT || !PathTable.isExchange(paths.stepOf(slot)) ||
                    !overrides.putReceived(overrides.ordinalOf(slot), writer,
                    rowOf(buffer.getInt(position + 2, LITTLE_ENDIAN)), buffer.getLong(position + 6, LITTLE_ENDIAN)))
                {
                    malformed++;
                }
            }
        }
    }

    private int rowOf(final int graphIndex)
    {
        return graphIndex >= 0 && graphIndex < hood.rowOfGraphIndex.length ? hood.rowOfGraphIndex[graphIndex] : -1;
    }

    private boolean slotsKnown(final int senderSlot, final DirectBuffer buffer, final int offset, final int count)
    {
        for (int i = 0, position = offset; i < count; i++, position += AggregateTransport.ENTRY_BYTES)
        {
            if ((buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF) >= pathsFromPeer[senderSlot])
            {
                return false;
            }
        }
        return true;
    }
}
