package io.shawarma.fabric.store;

/**
 * Vertex id to record address: open addressing with linear probing over a power-of-two table of (id, address) pairs,
 * deletion by backward shift (no tombstones). Address 0 marks an empty bucket, so every id, 0 included, is a key.
 * <p>
 * Growth never stops the writer for long: past half full a table twice the size is allocated and the old buckets
 * move to it a few at a time on each later {@link #put} and {@link #remove}, while lookups check both tables.
 * The move walks the old table backwards from an empty bucket, so the bucket it takes is always the last of its
 * cluster and leaving it empty breaks no probe sequence; backward shifts in the old table stay inside clusters the
 * walk has not reached yet.
 * <p>
 * Allocates only when it grows. Not thread safe.
 */
final class VertexIndex
{
    /** Old buckets moved per write while growing: with two or more per write the move ends before the new table is
     * half full, so growth never overlaps itself. */
    private static final int MIGRATE_PER_WRITE = 4;
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 29;

    private long[] entries;
    private int mask;
    private int resizeThreshold;
    private long[] oldEntries;
    private int oldMask;
    private int migrateCursor;
    private int migrateRemaining;
    private long size;

    VertexIndex(final long expectedEntries)
    {
        final long wanted = Math.max(MIN_CAPACITY, Math.min(MAX_CAPACITY, expectedEntries * 2));
        final int capacity = (int)Long.highestOneBit(wanted - 1) << 1;
        entries = new long[capacity * 2];
        mask = capacity - 1;
        resizeThreshold = capacity / 2;
    }

    long size()
    {
        return size;
    }

    /**
     * @return the address of the vertex's record, or 0 when absent.
     */
    long get(final long id)
    {
        final long address = find(entries, mask, id);
        if (0 != address || null == oldEntries)
        {
            return address;
        }
        return find(oldEntries, oldMask, id);
    }

    /**
     * Makes room for one more id, growing first when the table is half full. Call before {@link #put} so that a
     * failed growth changes nothing.
     *
     * @throws IllegalStateException when the heap cannot hold a larger table.
     */
    void ensureCapacityForOneMore()
    {
        if (size >= resizeThreshold)
        {
            grow();
        }
    }

    /**
     * Points an id at a record, after {@link #ensureCapacityForOneMore()}.
     *
     * @return the previous address, or 0 when the id was absent.
     */
    long put(final long id, final long address)
    {
        migrateSome();
        final long[] entries = this.entries;
        final int mask = this.mask;
        int index = bucket(id, mask);
        long existing;
        while (0 != (existing = entries[index + 1]))
        {
            if (entries[index] == id)
            {
                entries[index + 1] = address;
                return existing;
            }
            index = (index + 2) & (mask << 1 | 1);
        }

        final long old = null == oldEntries ? 0 : removeFrom(oldEntries, oldMask, id);
        entries[index] = id;
        entries[index + 1] = address;
        if (0 == old)
        {
            size++;
        }
        return old;
    }

    /**
     * @return the address the id pointed at, or 0 when it was absent.
     */
    long remove(final long id)
    {
        migrateSome();
        long address = removeFrom(entries, mask, id);
        if (0 == address && null != oldEntries)
        {
            address = removeFrom(oldEntries, oldMask, id);
        }
        if (0 != address)
        {
            size--;
        }
        return address;
    }

    /**
     * Visits every (id, address). Not for the hot path; the visitor must not change the index.
     */
    void forEach(final EntryVisitor visitor)
    {
        visit(entries, visitor);
        if (null != oldEntries)
        {
            visit(oldEntries, visitor);
        }
    }

    @FunctionalInterface
    interface EntryVisitor
    {
        void accept(long id, long address);
    }

    private static void visit(final long[] entries, final EntryVisitor visitor)
    {
        for (int i = 0; i < entries.length; i += 2)
        {
            final long address = entries[i + 1];
            if (0 != address)
            {
                visitor.accept(entries[i], address);
            }
        }
    }

    private static long find(final long[] entries, final int mask, final long id)
    {
        int index = bucket(id, mask);
        long address;
        while (0 != (address = entries[index + 1]))
        {
            if (entries[index] == id)
            {
                return address;
            }
            index = (index + 2) & (mask << 1 | 1);
        }
        return 0;
    }

    private static long removeFrom(final long[] entries, final int mask, final long id)
    {
        final int indexMask = mask << 1 | 1;
        int index = bucket(id, mask);
        long address;
        while (0 != (address = entries[index + 1]))
        {
            if (entries[index] == id)
            {
                shiftBack(entries, mask, index);
                return address;
            }
            index = (index + 2) & indexMask;
        }
        return 0;
    }

    /**
     * Empties a bucket and moves later entries of its cluster back into the gap where their probe sequence allows.
     */
    private static void shiftBack(final long[] entries, final int mask, final int emptiedIndex)
    {
        final int indexMask = mask << 1 | 1;
        int gap = emptiedIndex;
        int index = emptiedIndex;
        while (true)
        {
            index = (index + 2) & indexMask;
            final long address = entries[index + 1];
            if (0 == address)
            {
                break;
            }
            final int home = bucket(entries[index], mask);
            // Move the entry into the gap unless its home lies cyclically in (gap, index].
            if (((index - home) & indexMask) >= ((index - gap) & indexMask))
            {
                entries[gap] = entries[index];
                entries[gap + 1] = address;
                gap = index;
            }
        }
        entries[gap] = 0;
        entries[gap + 1] = 0;
    }

    private void grow()
    {
        if (null != oldEntries)
        {
            // Only if many writes came with no migration step, which put and remove prevent; finish to stay simple.
            migrate(migrateRemaining);
        }
        final int capacity = mask + 1;
        if (capacity >= MAX_CAPACITY)
        {
            throw new VertexStoreFullException("vertex table index is full at " + size + " vertices: the largest " +
                "index holds " + (MAX_CAPACITY / 2) + "; spread the vertices over more workers");
        }
        final long[] grown;
        try
        {
            grown = new long[capacity * 4];
        }
        catch (final OutOfMemoryError ex)
        {
            throw new VertexStoreFullException("vertex table is full: no heap for an index of " + capacity * 2 +
                " buckets (" + (capacity * 32L) + " bytes): raise -Xmx", ex);
        }

        oldEntries = entries;
        oldMask = mask;
        entries = grown;
        mask = capacity * 2 - 1;
        resizeThreshold = capacity;

        int empty = 0;
        while (0 != oldEntries[empty + 1])
        {
            empty += 2;
        }
        migrateCursor = empty;
        migrateRemaining = capacity - 1;
    }

    private void migrateSome()
    {
        if (null != oldEntries)
        {
            migrate(Math.min(MIGRATE_PER_WRITE, migrateRemaining));
        }
    }

    private void migrate(final int buckets)
    {
        final long[] oldEntries = this.oldEntries;
        final int oldIndexMask = oldMask << 1 | 1;
        final long[] entries = this.entries;
        final int indexMask = mask << 1 | 1;
        int cursor = migrateCursor;
        for (int i = 0; i < buckets; i++)
        {
            cursor = (cursor - 2) & oldIndexMask;
            final long address = oldEntries[cursor + 1];
            if (0 != address)
            {
                final long id = oldEntries[cursor];
                int index = bucket(id, mask);
                while (0 != entries[index + 1])
                {
                    index = (index + 2) & indexMask;
                }
                entries[index] = id;
                entries[index + 1] = address;
                oldEntries[cursor] = 0;
                oldEntries[cursor + 1] = 0;
            }
        }
        migrateCursor = cursor;
        migrateRemaining -= buckets;
        if (0 == migrateRemaining)
        {
            this.oldEntries = null;
        }
    }

    /**
     * @return the index in the entries array of the id's home bucket.
     */
    private static int bucket(final long id, final int mask)
    {
        // Stafford's variant 13 of the MurmurHash3 finaliser: sequential and strided ids spread evenly.
        long z = id;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return ((int)z & mask) << 1;
    }
}
