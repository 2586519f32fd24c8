package io.shawarma.fabric.aggregate;

import java.util.Arrays;

/**
 * Every device's last export (its own devices' and the remote neighbours' copies), as values by path slot. Each
 * device has two rows: the current export, which the device itself and its neighbours read, and a spare one that
 * the device's next round writes into; {@link #commit(int)} swaps them. So a round reads the previous exports
 * while it writes the new ones, in place, with no copying and no clearing: a slot belongs to an export when its
 * stamp equals that export's version, a number never reused by the device.
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
    private final long[][] values = new long[2][];
    private final int[][] stamps = new int[2][];
    private final int[][] rowVersion = new int[2][];
    private final int[][] rowRound = new int[2][];
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
        for (int b = 0; b < 2; b++)
        {
            values[b] = new long[rows * slotCapacity];
            stamps[b] = new int[rows * slotCapacity];
            rowVersion[b] = new int[rows];
            rowRound[b] = new int[rows];
            Arrays.fill(rowVersion[b], -1);
            Arrays.fill(rowRound[b], NEVER);
        }
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
        for (int b = 0; b < 2; b++)
        {
            final long[] newValues = new long[rows * capacity];
            final int[] newStamps = new int[rows * capacity];
            for (int row = 0; row < rows; row++)
            {
                System.arraycopy(values[b], row * slotCapacity, newValues, row * capacity, slotCapacity);
                System.arraycopy(stamps[b], row * slotCapacity, newStamps, row * capacity, slotCapacity);
            }
            values[b] = newValues;
            stamps[b] = newStamps;
        }
        slotCapacity = capacity;
    }

    /**
     * @return whether a device's current export has a value at a slot.
     */
    boolean has(final int row, final int slot)
    {
        final int b = current[row];
        return stamps[b][row * slotCapacity + slot] == rowVersion[b][row];
    }

    /**
     * @return a device's current value at a slot; only meaningful when {@link #has(int, int)}.
     */
    long value(final int row, final int slot)
    {
        return values[current[row]][row * slotCapacity + slot];
    }

    /**
     * @return whether the export begun for a device, not yet committed, has a value at a slot.
     */
    boolean nextHas(final int row, final int slot)
    {
        final int spare = current[row] ^ 1;
        return stamps[spare][row * slotCapacity + slot] == rowVersion[spare][row];
    }

    /**
     * @return the value at a slot of the export begun for a device; only meaningful when {@link #nextHas(int, int)}.
     */
    long nextValue(final int row, final int slot)
    {
        return values[current[row] ^ 1][row * slotCapacity + slot];
    }

    /**
     * @return the round in which a device's current export was made (or received), {@link #NEVER} if none.
     */
    int round(final int row)
    {
        return rowRound[current[row]][row];
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
        return rowVersion[side][row];
    }

    /**
     * Starts a device's next export in its spare row, empty.
     */
    void begin(final int row, final int round)
    {
        final int spare = current[row] ^ 1;
        rowVersion[spare][row] = nextVersion[row]++;
        rowRound[spare][row] = round;
    }

    /**
     * Puts a value into the export begun for a device.
     */
    void put(final int row, final int slot, final long value)
    {
        final int spare = current[row] ^ 1;
        final int index = row * slotCapacity + slot;
        values[spare][index] = value;
        stamps[spare][index] = rowVersion[spare][row];
    }

    /**
     * Makes the export begun for a device its current one.
     */
    void commit(final int row)
    {
        current[row] ^= 1;
    }
}
