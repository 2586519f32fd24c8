package io.shawarma.fabric.aggregate;

import java.util.Arrays;

/**
 * The per-neighbour part of exchange exports: what a device sent one neighbour in place of its default, for each
 * exchange path. The default itself is an ordinary export slot ({@link Exports}); this keeps the overrides beside
 * it, one value per (exchange, directed edge), in two sides that follow the writer's two export rows: a value
 * belongs to the writer's export in a side when its stamp equals that export's version. So, as in {@link Exports},
 * a round writes its overrides in place while its neighbours read the last ones, with no clearing.
 * <p>
 * A directed edge is numbered by its writer: a local device's edges are its neighbourhood edges, a remote
 * device's are appended after them (one per local device it neighbours), which is where overrides received over
 * the wire go. A reader finds what a neighbour sent it through {@link #reverseEdge}. Nothing is allocated until
 * the first exchange path is registered, so programs without {@code exchange} pay nothing; after that only a new
 * exchange path allocates.
 */
final class Overrides
{
    private static final int NOT_EXCHANGE = -1;

    private final Neighbourhood hood;
    private final Exports exports;
    private int[] reverseEdge;
    private int[] ghostOffsets;
    private int[] ghostReaders;
    private int[] ordinalBySlot = new int[0];
    private int[] slotByOrdinal = new int[0];
    private int count;
    private boolean[] everWritten = new boolean[0];
    private int[] ownSlotByOrdinal = new int[0];
    private final long[][][] values = new long[2][0][];
    private final int[][][] stamps = new int[2][0][];

    Overrides(final Neighbourhood hood, final Exports exports)
    {
        this.hood = hood;
        this.exports = exports;
    }

    /**
     * @return the number of exchange paths registered; 0 means no program here used {@code exchange}.
     */
    int count()
    {
        return count;
    }

    /**
     * @return the export slot of an exchange ordinal.
     */
    int slotOf(final int ordinal)
    {
        return slotByOrdinal[ordinal];
    }

    /**
     * @return the ordinal of an exchange's export slot, registering it on first use.
     */
    int ordinalOf(final int slot)
    {
        final int ordinal = registeredOrdinal(slot);
        return NOT_EXCHANGE != ordinal ? ordinal : register(slot);
    }

    /**
     * @return the ordinal of an exchange's export slot, or -1 when none was registered for it.
     */
    int registeredOrdinal(final int slot)
    {
        return slot < ordinalBySlot.length ? ordinalBySlot[slot] : NOT_EXCHANGE;
    }

    /**
     * Adds to {@code received} (which lists the device itself already) what each aligned neighbour of a local
     * device sent it: neighbours whose export is from {@code oldestRound} or later and reached the exchange's slot.
     *
     * @param ownSlot the exchange's private slot, which keeps what the device sent itself.
     */
    void receive(final int ordinal, final int ownSlot, final int reader, final int oldestRound, final NValues received)
    {
        final int slot = slotByOrdinal[ordinal];
        // Until some device sends an override at this exchange, every neighbour's value is its default.
        final boolean perNeighbour = everWritten[ordinal];
        received.add(hood.deviceIds[reader], exports.has(reader, ownSlot) ?
            Double.longBitsToDouble(exports.value(reader, ownSlot)) : received.defaultValue());
        for (int e = hood.offsets[reader], end = hood.offsets[reader + 1]; e < end; e++)
        {
            final int neighbour = hood.neighbourRows[e];
            if (exports.round(neighbour) >= oldestRound && exports.has(neighbour, slot))
            {
                final long defaultBits = exports.value(neighbour, slot);
                received.add(hood.deviceIds[neighbour],
                    Double.longBitsToDouble(perNeighbour ? read(ordinal, e, defaultBits) : defaultBits));
            }
        }
    }

    /**
     * Puts what a local device sends into the export begun for it: the default in the exchange's slot, its own
     * entry in the private slot, and the overrides.
     */
    void send(final int ordinal, final int ownSlot, final int writer, final NValues send)
    {
        exports.put(writer, slotByOrdinal[ordinal], Double.doubleToRawLongBits(send.defaultValue()));
        exports.put(writer, ownSlot, Double.doubleToRawLongBits(send.self()));
        if (send.size() > 0)
        {
            write(ordinal, writer, send);
        }
    }

    /**
     * Puts the overrides of {@code send} into the export begun for a local device: a value for each neighbour that
     * {@code send} lists with a value other than its default.
     */
    private void write(final int ordinal, final int writer, final NValues send)
    {
        final long defaultBits = Double.doubleToRawLongBits(send.defaultValue());
        final int side = exports.currentSide(writer) ^ 1;
        final int version = exports.version(side, writer);
        final long[] sideValues = values[side][ordinal];
        final int[] sideStamps = stamps[side][ordinal];
        for (int e = hood.offsets[writer], end = hood.offsets[writer + 1], hint = 1; e < end; e++, hint++)
        {
            final int index = send.indexOf(hood.deviceIds[hood.neighbourRows[e]], hint);
            if (index >= 0)
            {
                final long bits = Double.doubleToRawLongBits(send.value(index));
                if (bits != defaultBits)
                {
                    sideValues[e] = bits;
                    sideStamps[e] = version;
                    everWritten[ordinal] = true;
                }
            }
        }
    }

    /**
     * @param scope the exchange's scope, entered: its private child is made the first time.
     * @return the private slot under an exchange's slot that keeps what a device sent itself.
     */
    int ownSlot(final int ordinal, final PathScope scope)
    {
        if (ownSlotByOrdinal[ordinal] < 0)
        {
            ownSlotByOrdinal[ordinal] = scope.privateChild(PathTable.EXCHANGE_SELF_STEP);
        }
        return ownSlotByOrdinal[ordinal];
    }

    /**
     * @return whether a device here, or a remote one, ever sent an override at an exchange.
     */
    boolean everWritten(final int ordinal)
    {
        return everWritten[ordinal];
    }

    /**
     * @return what the neighbour at a local reader's edge sent the reader in its current export: its override for
     * the reader, else {@code defaultBits}.
     */
    long read(final int ordinal, final int readerEdge, final long defaultBits)
    {
        final int edge = reverseEdge[readerEdge];
        return edge < 0 ? defaultBits : valueAt(ordinal, hood.neighbourRows[readerEdge], edge, false, defaultBits);
    }

    /**
     * @return whether a local device's export (its current one, or the pending one of a synchronous round not yet
     * published) has an override on one of its edges; the value is {@link #ownValue}.
     */
    boolean hasOwn(final int ordinal, final int writer, final int edge, final boolean pending)
    {
        final int side = exports.currentSide(writer) ^ (pending ? 1 : 0);
        return stamps[side][ordinal][edge] == exports.version(side, writer);
    }

    long ownValue(final int ordinal, final int writer, final int edge, final boolean pending)
    {
        return values[exports.currentSide(writer) ^ (pending ? 1 : 0)][ordinal][edge];
    }

    /**
     * Stores an override received from a remote device for one of this worker's devices, as part of the remote
     * device's current export.
     *
     * @return false when the reader is not a local neighbour of the writer.
     */
    boolean putReceived(final int ordinal, final int writer, final int reader, final long value)
    {
        final int ghost = writer - hood.localCount;
        if (ghost < 0 || writer >= hood.rowCount || reader < 0 || reader >= hood.localCount)
        {
            return false;
        }
        final int localEdges = hood.neighbourRows.length;
        for (int k = ghostOffsets[ghost], end = ghostOffsets[ghost + 1]; k < end; k++)
        {
            if (ghostReaders[k] == reader)
            {
                final int side = exports.currentSide(writer);
                values[side][ordinal][localEdges + k] = value;
                stamps[side][ordinal][localEdges + k] = exports.version(side, writer);
                everWritten[ordinal] = true;
                return true;
            }
        }
        return false;
    }

    private long valueAt(
        final int ordinal, final int writer, final int edge, final boolean pending, final long defaultBits)
    {
        return hasOwn(ordinal, writer, edge, pending) ? ownValue(ordinal, writer, edge, pending) : defaultBits;
    }

    private int register(final int slot)
    {
        if (null == reverseEdge)
        {
            buildEdges();
        }
        if (slot >= ordinalBySlot.length)
        {
            final int from = ordinalBySlot.length;
            ordinalBySlot = Arrays.copyOf(ordinalBySlot, Math.max(slot + 1, from * 2));
            Arrays.fill(ordinalBySlot, from, ordinalBySlot.length, NOT_EXCHANGE);
        }
        final int ordinal = count++;
        ordinalBySlot[slot] = ordinal;
        slotByOrdinal = Arrays.copyOf(slotByOrdinal, count);
        slotByOrdinal[ordinal] = slot;
        everWritten = Arrays.copyOf(everWritten, count);
        ownSlotByOrdinal = Arrays.copyOf(ownSlotByOrdinal, count);
        ownSlotByOrdinal[ordinal] = NOT_EXCHANGE;
        final int edges = hood.neighbourRows.length + ghostReaders.length;
        for (int side = 0; side < 2; side++)
        {
            values[side] = Arrays.copyOf(values[side], count);
            stamps[side] = Arrays.copyOf(stamps[side], count);
            values[side][ordinal] = new long[edges];
            stamps[side][ordinal] = new int[edges];
        }
        return ordinal;
    }

    /**
     * Numbers the remote devices' edges after the local ones and finds, for each local edge, the writer's edge
     * that points back at the reader.
     */
    private void buildEdges()
    {
        final int localEdges = hood.neighbourRows.length;
        final int ghosts = hood.rowCount - hood.localCount;
        ghostOffsets = new int[ghosts + 1];
        for (final int neighbour : hood.neighbourRows)
        {
            if (neighbour >= hood.localCount)
            {
                ghostOffsets[neighbour - hood.localCount + 1]++;
            }
        }
        for (int g = 0; g < ghosts; g++)
        {
            ghostOffsets[g + 1] += ghostOffsets[g];
        }
        ghostReaders = new int[ghostOffsets[ghosts]];
        final int[] filled = Arrays.copyOf(ghostOffsets, ghosts);
        reverseEdge = new int[localEdges];
        for (int reader = 0; reader < hood.localCount; reader++)
        {
            for (int e = hood.offsets[reader]; e < hood.offsets[reader + 1]; e++)
            {
                final int writer = hood.neighbourRows[e];
                if (writer >= hood.localCount)
                {
                    final int k = filled[writer - hood.localCount]++;
                    ghostReaders[k] = reader;
                    reverseEdge[e] = localEdges + k;
                }
                else
                {
                    reverseEdge[e] = edgeTo(writer, reader);
                }
            }
        }
    }

    private int edgeTo(final int from, final int to)
    {
        for (int e = hood.offsets[from]; e < hood.offsets[from + 1]; e++)
        {
            if (hood.neighbourRows[e] == to)
            {
                return e;
            }
        }
        return -1;
    }
}
