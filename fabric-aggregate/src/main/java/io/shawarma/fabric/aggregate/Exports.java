package io.shawarma.fabric.aggregate;

import java.util.Arrays;

/**
 * Every device's last export (its own devices' and the remote neighbours' copies), as values by path slot. Each
 * device has two rows: the current export, which the device itself and its neighbours read, and a spare one that
 * the device's next round writes into; {@link #commit(int)} swaps them. So a round reads the previous exports
 * while it writes the new ones, in place, with no copying and no clearing: a slot belongs to an export when its
 * stamp equals that export's version, a number never reused by the device.
 * <p>
 * Each array is flat and a device's two rows sit side by side (row {@code 2 * device + side}), so a round that
 * reads a device's current export and writes its next one touches neighbouring memory, and a read is one index
 * computation with no array of arrays in between.
 * <p>
 * Values are raw 64-bit words: a double's bits, a long, or 0/1 for a boolean. Nothing here allocates, except
 * {@link #ensureSlots(int)} when a program reaches a path for the first time.
 */
final class Exports
{
    /** The round of a device that never exported. */
    static final int NEVER = Integer.MIN_VALUE;

    private final int rows;
    private int slotCapacity;
    /** By {@code (2 * row + side) * slotCapacity + slot}. */
    private long[] values;
    private int[] stamps;
    /** By {@code 2 * row + side}. */
    private final int[] rowVersion;
    private final int[] rowRound;
    private final byte[] current;
    private final int[] nextVersion;

    /**
     * @param rows          the devices, own and remote.
     * @param slotCapacity  slots per device to start with.
     */
    Exports(final int rows, final int slotCapacity)
    {
        this.rows = rows;
        this.slotCapacity = slotCapacity;
        current = new byte[rows];
        nextVersion = new int[rows];
        values = new long[2 * rows * slotCapacity];
        stamps = new int[2 * rows * slotCapacity];
        rowVersion = new int[2 * rows];
        rowRound = new int[2 * rows];
        Arrays.fill(rowVersion, -1);
        Arrays.fill(rowRound, NEVER);
        Arrays.fill(nextVersion, 1);
    }

    /**
     * Makes room for slots {@code [0, slots)}; existing exports keep their values.
     */
    void ensureSlots(final int slots)
    {
        if (slots <= slotCapacity)
        {
            return;
        }
        final int capacity = Math.max(slots, slotCapacity * 2);
        final long[] newValues = new long[2 * rows * capacity];
        final int[] newStamps = new int[2 * rows * capacity];
        for (int half = 0; half < 2 * rows; half++)
        {
            System.arraycopy(values, half * slotCapacity, newValues, half * capacity, slotCapacity);
            System.arraycopy(stamps, half * slotCapacity, newStamps, half * capacity, slotCapacity);
        }
        values = newValues;
        stamps = newStamps;
        slotCapacity = capacity;
    }

    /**
     * @return slots per device and side: the memory of an export is this times 12 bytes, twice.
     */
    int slotCapacity()
    {
        return slotCapacity;
    }

    /**
     * @return whether a device's current export has a value at a slot.
     */
    boolean has(final int row, final int slot)
    {
        final int half = 2 * row + current[row];
        return stamps[half * slotCapacity + slot] == rowVersion[half];
    }

    /**
     * @return a device's current value at a slot; only meaningful when {@link #has(int, int)}.
     */
    long value(final int row, final int slot)
    {
        return values[(2 * row + current[row]) * slotCapacity + slot];
    }

    /**
     * @return whether the export begun for a device, not yet committed, has a value at a slot.
     */
    boolean nextHas(final int row, final int slot)
    {
        final int half = 2 * row + (current[row] ^ 1);
        return stamps[half * slotCapacity + slot] == rowVersion[half];
    }

    /**
     * @return the value at a slot of the export begun for a device; only meaningful when {@link #nextHas(int, int)}.
     */
    long nextValue(final int row, final int slot)
    {
        return values[(2 * row + (current[row] ^ 1)) * slotCapacity + slot];
    }

    /**
     * @return the round in which a device's current export was made (or received), {@link #NEVER} if none.
     */
    int round(final int row)
    {
        return rowRound[2 * row + current[row]];
    }

    /**
     * @return which of its two rows holds a device's current export (the other is the spare); per-neighbour
     * overrides ({@link Overrides}) are kept per row too.
     */
    int currentSide(final int row)
    {
        return current[row];
    }

    /**
     * @return the version of a device's export in one of its rows, a number never reused by the device.
     */
    int version(final int side, final int row)
    {
        return rowVersion[2 * row + side];
    }

    /**
     * Starts a device's next export in its spare row, empty.
     */
    void begin(final int row, final int round)
    {
        final int half = 2 * row + (current[row] ^ 1);
        rowVersion[half] = nextVersion[row]++;
        rowRound[half] = round;
    }

    /**
     * Puts a value into the export begun for a device.
     */
    void put(final int row, final int slot, final long value)
    {
        final int half = 2 * row + (current[row] ^ 1);
        final int index = half * slotCapacity + slot;
        values[index] = value;
        stamps[index] = rowVersion[half];
    }

    /**
     * Makes the export begun for a device its current one.
     */
    void commit(final int row)
    {
        current[row] ^= 1;
    }
}
