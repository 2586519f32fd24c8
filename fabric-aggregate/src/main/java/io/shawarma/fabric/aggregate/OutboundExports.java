package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.JobCounters;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Ships this worker's boundary exports to the peers whose devices neighbour them, in batched
 * {@code AggregateExports} frames: only the slots neighbours read (nbr, share, exchange and foldhood alignment), by
 * interned path slot, each path's definition sent to a peer once before the first record that uses it; and, when a
 * program uses exchange, the values a device sent single devices of the peer, in the same frame as its record.
 */
final class OutboundExports
{
    private final AggregateEngine engine;
    private final Neighbourhood hood;
    private final Exports exports;
    private final Overrides overrides;
    private final PathTable paths;
    private final AggregateTransport transport;
    private final JobCounters counters;
    private final int slot;
    private final int workers;
    private final UnsafeBuffer staging;
    private final UnsafeBuffer overrideStaging;
    private final UnsafeBuffer noBytes = new UnsafeBuffer(new byte[0]);
    private final int[] pathsSentTo;
    private int[] visibleSlots = new int[16];
    private int visibleCount;
    private int visibleUpTo;

    OutboundExports(
        final AggregateEngine engine, final AggregateTransport transport, final JobCounters counters,
        final int workers, final int frameBytes)
    {
        this.engine = engine;
        this.hood = engine.neighbourhood();
        this.exports = engine.exports();
        this.overrides = engine.overrides();
        this.paths = engine.paths();
        this.transport = transport;
        this.counters = counters;
        this.slot = transport.links().slot();
        this.workers = workers;
        staging = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameBytes, 64));
        overrideStaging = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameBytes, 64));
        pathsSentTo = new int[workers];
        Arrays.fill(pathsSentTo, 1);
    }

    /**
     * Ships this worker's boundary exports of a round to its peers: the committed exports, or the pending ones of a
     * synchronous round that is not published yet.
     */
    void send(final int round, final boolean pending)
    {
        refreshVisibleSlots();
        final int capacity = transport.payloadCapacity();
        for (int peer = 0; peer < workers; peer++)
        {
            if (peer == slot)
            {
                continue;
            }
            sendPaths(peer, round, capacity);
            final int[] rows = hood.boundaryRows[peer];
            // Without exchange there are no overrides: no per-neighbour work, and an empty overrides field.
            final int recordLimit = AggregateTransport.RECORD_HEAD_BYTES +
                visibleCount * AggregateTransport.ENTRY_BYTES + (0 == overrides.count() ? 0 :
                AggregateTransport.OVERRIDES_HEAD_BYTES + overrides.count() * hood.maxDegree *
                AggregateTransport.OVERRIDE_BYTES);
            int length = 0;
            int overridesLength = 0;
            for (final int row : rows)
            {
                if (!engine.ranLastRound(row))
                {
                    continue;
                }
                if (length + overridesLength + recordLimit > capacity)
                {
                    transport.sendExports(peer, round, noBytes, 0, staging, length, overrideStaging, overridesLength);
                    length = 0;
                    overridesLength = 0;
                }
                length = writeRecord(row, length, pending);
                if (overrides.count() > 0)
                {
                    overridesLength = writeOverrides(row, peer, overridesLength, pending);
                }
            }
            if (length > 0)
            {
                transport.sendExports(peer, round, noBytes, 0, staging, length, overrideStaging, overridesLength);
            }
        }
    }

    private void sendPaths(final int peer, final int round, final int capacity)
    {
        while (pathsSentTo[peer] < paths.size())
        {
            final int first = pathsSentTo[peer];
            final int count = Math.min(paths.size() - first, capacity / AggregateTransport.PATH_BYTES);
            for (int i = 0; i < count; i++)
            {
                final int pathSlot = first + i;
                final int position = i * AggregateTransport.PATH_BYTES;
                staging.putShort(position, (short)pathSlot, LITTLE_ENDIAN);
                staging.putShort(position + 2, (short)paths.parentOf(pathSlot), LITTLE_ENDIAN);
                staging.putInt(position + 4, paths.stepOf(pathSlot), LITTLE_ENDIAN);
            }
            transport.sendExports(
                peer, round, staging, count * AggregateTransport.PATH_BYTES, noBytes, 0, noBytes, 0);
            pathsSentTo[peer] = first + count;
        }
    }

    private int writeRecord(final int row, final int start, final boolean pending)
    {
        int position = start + AggregateTransport.RECORD_HEAD_BYTES;
        int count = 0;
        for (int i = 0; i < visibleCount; i++)
        {
            final int visible = visibleSlots[i];
            if (pending ? exports.nextHas(row, visible) : exports.has(row, visible))
            {
                staging.putShort(position, (short)visible, LITTLE_ENDIAN);
                staging.putLong(position + 2, pending ? exports.nextValue(row, visible) : exports.value(row, visible),
                    LITTLE_ENDIAN);
                position += AggregateTransport.ENTRY_BYTES;
                count++;
            }
        }
        staging.putInt(start, hood.graphIndex[row], LITTLE_ENDIAN);
        staging.putShort(start + 4, (short)count, LITTLE_ENDIAN);
        counters.onItemsSent(1);
        return position;
    }

    /**
     * Writes what a device sent single devices of a peer through exchange, if anything.
     *
     * @return the end of what was written.
     */
    private int writeOverrides(final int row, final int peer, final int start, final boolean pending)
    {
        int position = start + AggregateTransport.OVERRIDES_HEAD_BYTES;
        int count = 0;
        for (int ordinal = 0; ordinal < overrides.count(); ordinal++)
        {
            if (!overrides.everWritten(ordinal))
            {
                continue;
            }
            for (int e = hood.offsets[row], end = hood.offsets[row + 1]; e < end; e++)
            {
                final int neighbour = hood.neighbourRows[e];
                if (hood.ownerSlot[neighbour] == peer && overrides.hasOwn(ordinal, row, e, pending))
                {
                    overrideStaging.putShort(position, (short)overrides.slotOf(ordinal), LITTLE_ENDIAN);
                    overrideStaging.putInt(position + 2, hood.graphIndex[neighbour], LITTLE_ENDIAN);
                    overrideStaging.putLong(
                        position + 6, overrides.ownValue(ordinal, row, e, pending), LITTLE_ENDIAN);
                    position += AggregateTransport.OVERRIDE_BYTES;
                    count++;
                }
            }
        }
        if (0 == count)
        {
            return start;
        }
        overrideStaging.putInt(start, hood.graphIndex[row], LITTLE_ENDIAN);
        overrideStaging.putShort(start + 4, (short)count, LITTLE_ENDIAN);
        return position;
    }

    private void refreshVisibleSlots()
    {
        for (; visibleUpTo < paths.size(); visibleUpTo++)
        {
            if (PathTable.isNeighbourVisible(paths.stepOf(visibleUpTo)) && PathTable.ROOT != visibleUpTo)
            {
                if (visibleCount == visibleSlots.length)
                {
                    visibleSlots = Arrays.copyOf(visibleSlots, visibleCount * 2);
                }
                visibleSlots[visibleCount++] = visibleUpTo;
            }
        }
    }
}
