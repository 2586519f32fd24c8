package io.shawarma.fabric.crdt;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A fixed-size table of per-replica counts, the state of a G-counter: {@value #ENTRIES} entries of
 * (int32 replica id + 1, int32 unused, int64 count), little endian; a zero tag marks a free entry. A replica only
 * ever raises its own count; two tables merge by taking each replica's larger count.
 */
final class ReplicaCounts
{
    /** Most distinct replicas (owner and borrowers) one counter can count for. */
    static final int ENTRIES = 16;
    static final int ENTRY_BYTES = 16;
    static final int BYTES = ENTRIES * ENTRY_BYTES;

    private ReplicaCounts()
    {
    }

    /**
     * Adds to one replica's count.
     *
     * @return false when the table is full and the replica has no entry.
     */
    static boolean add(final MutableDirectBuffer table, final int offset, final int replicaId, final long delta)
    {
        final int entry = entryOf(table, offset, replicaId + 1, true);
        if (entry < 0)
        {
            return false;
        }
        table.putLong(entry + 8, table.getLong(entry + 8, LITTLE_ENDIAN) + delta, LITTLE_ENDIAN);
        return true;
    }

    /**
     * @return the sum of every replica's count.
     */
    static long total(final DirectBuffer table, final int offset)
    {
        long total = 0;
        for (int i = 0; i < ENTRIES; i++)
        {
            total += table.getLong(offset + i * ENTRY_BYTES + 8, LITTLE_ENDIAN);
        }
        return total;
    }

    /**
     * Raises each replica's count in {@code into} to its count in {@code from}.
     *
     * @return false when {@code into} had no room for one of {@code from}'s replicas (that count is not merged).
     */
    static boolean merge(
        final MutableDirectBuffer into, final int intoOffset, final DirectBuffer from, final int fromOffset)
    {
        boolean complete = true;
        for (int i = 0; i < ENTRIES; i++)
        {
            final int tag = from.getInt(fromOffset + i * ENTRY_BYTES, LITTLE_ENDIAN);
            if (0 != tag)
            {
                final long count = from.getLong(fromOffset + i * ENTRY_BYTES + 8, LITTLE_ENDIAN);
                final int entry = entryOf(into, intoOffset, tag, true);
                if (entry < 0)
                {
                    complete = false;
                }
                else if (into.getLong(entry + 8, LITTLE_ENDIAN) < count)
                {
                    into.putLong(entry + 8, count, LITTLE_ENDIAN);
                }
            }
        }
        return complete;
    }

    private static int entryOf(final MutableDirectBuffer table, final int offset, final int tag, final boolean claim)
    {
        // Entries are claimed in order and never freed, so the first free entry ends the search.
        for (int i = 0; i < ENTRIES; i++)
        {
            final int entry = offset + i * ENTRY_BYTES;
            final int existing = table.getInt(entry, LITTLE_ENDIAN);
            if (existing == tag)
            {
                return entry;
            }
            if (0 == existing)
            {
                if (!claim)
                {
                    return -1;
                }
                table.putInt(entry, tag, LITTLE_ENDIAN);
                table.putLong(entry + 8, 0, LITTLE_ENDIAN);
                return entry;
            }
        }
        return -1;
    }
}
