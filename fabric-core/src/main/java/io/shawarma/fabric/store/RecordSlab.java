package io.shawarma.fabric.store;

import java.util.Arrays;

import org.agrona.UnsafeApi;

/**
 * Fixed-size record slots in chunks of {@link ChunkMemory}, by size class: class {@code c} has slots of
 * {@code 32 << c} bytes, and each chunk holds slots of one class after a chunk header. A record is
 * <pre>
 *   commit (8): the record's version, written last with a release store; 0 while the slot is free or being written
 *   id (8) | length (4) | unused (4) | value (length bytes)
 * </pre>
 * A free slot is on its class's free list, linked through its id field. The chunk header is one word,
 * {@code CHUNK_MAGIC << 32 | class}, written before any record in the chunk; a chunk whose header is 0 is unused.
 * <p>
 * Allocates only when it adds a chunk. Not thread safe.
 */
final class RecordSlab
{
    static final int COMMIT_OFFSET = 0;
    static final int ID_OFFSET = 8;
    static final int LENGTH_OFFSET = 16;
    static final int RECORD_HEADER_LENGTH = 24;
    static final int CHUNK_HEADER_LENGTH = 64;
    static final int MIN_SLOT_SHIFT = 5;
    static final int CHUNK_MAGIC = 0x4B4E4843; // "CHNK"
    static final int MIN_CHUNK_SIZE = 1024 * 1024;
    private static final int MAX_CLASSES = 31 - MIN_SLOT_SHIFT;

    /**
     * Receives each committed record found by {@link #recover}.
     */
    @FunctionalInterface
    interface RecordVisitor
    {
        void accept(long recordAddress);
    }

    private final ChunkMemory memory;
    private final int maxValueBytes;
    private final long[] freeHeads = new long[MAX_CLASSES];
    private final long[] bumpNext = new long[MAX_CLASSES];
    private final long[] bumpLimit = new long[MAX_CLASSES];
    private int[] unusedChunks = new int[0];
    private int unusedChunkCount;

    RecordSlab(final ChunkMemory memory, final int maxValueBytes)
    {
        this.memory = memory;
        this.maxValueBytes = maxValueBytes;
    }

    /**
     * @return the chunk size a new slab needs for values up to {@code maxValueBytes}: room for at least one slot of
     * the largest class.
     */
    static int chunkSizeFor(final int maxValueBytes)
    {
        final long largestSlot = slotSize(sizeClass(maxValueBytes));
        final long needed = Long.highestOneBit(CHUNK_HEADER_LENGTH + largestSlot - 1) << 1;
        if (needed > 1 << 30)
        {
            throw new IllegalArgumentException("maxValueBytes too large for a vertex table: " + maxValueBytes);
        }
        return (int)Math.max(MIN_CHUNK_SIZE, needed);
    }

    /**
     * @return the smallest class whose slots hold a record of this value length.
     */
    static int sizeClass(final int valueLength)
    {
        final int recordLength = RECORD_HEADER_LENGTH + valueLength;
        return Math.max(0, 64 - Long.numberOfLeadingZeros(recordLength - 1L) - MIN_SLOT_SHIFT);
    }

    static long slotSize(final int sizeClass)
    {
        return 1L << (MIN_SLOT_SHIFT + sizeClass);
    }

    /**
     * A free slot for a value of this length; its commit word is 0.
     *
     * @throws VertexStoreFullException when a chunk is needed and memory or disk cannot grow.
     */
    long allocate(final int valueLength)
    {
        final int sizeClass = sizeClass(valueLength);
        final long free = freeHeads[sizeClass];
        if (0 != free)
        {
            freeHeads[sizeClass] = UnsafeApi.getLong(free + ID_OFFSET);
            return free;
        }

        final long slotSize = slotSize(sizeClass);
        long next = bumpNext[sizeClass];
        if (0 == next || next + slotSize > bumpLimit[sizeClass])
        {
            next = claimChunk(sizeClass);
        }
        bumpNext[sizeClass] = next + slotSize;
        return next;
    }

    /**
     * Frees a committed record: clears its commit word with a release store (so a reopened file no longer sees it),
     * then puts the slot on its free list.
     */
    void free(final long recordAddress)
    {
        final int sizeClass = sizeClass(UnsafeApi.getInt(recordAddress + LENGTH_OFFSET));
        UnsafeApi.putLongRelease(null, recordAddress + COMMIT_OFFSET, 0L);
        pushFree(sizeClass, recordAddress);
    }

    /**
     * Scans every chunk of a reopened memory: free slots go on the free lists, chunks never claimed are kept for
     * later classes, and every committed record is passed to the visitor (which may {@link #free} it).
     *
     * @param visitor to receive each committed record.
     * @throws IllegalStateException for a chunk header or record that cannot be, naming the chunk.
     */
    void recover(final RecordVisitor visitor)
    {
        final int chunkSize = memory.chunkSize();
        for (int chunk = 0; chunk < memory.chunkCount(); chunk++)
        {
            final long chunkAddress = memory.chunkAddress(chunk);
            final long tag = UnsafeApi.getLongVolatile(null, chunkAddress);
            if (0 == tag)
            {
                keepUnused(chunk);
                continue;
            }
            final int sizeClass = (int)tag;
            if (CHUNK_MAGIC != (int)(tag >>> 32) || sizeClass < 0 || sizeClass >= MAX_CLASSES ||
                CHUNK_HEADER_LENGTH + slotSize(sizeClass) > chunkSize)
            {
                throw corrupt(chunk, "has a bad chunk header 0x" + Long.toHexString(tag));
            }

            final long slotSize = slotSize(sizeClass);
            final long end = chunkAddress + chunkSize - slotSize;
            for (long slot = chunkAddress + CHUNK_HEADER_LENGTH; slot <= end; slot += slotSize)
            {
                if (0 == UnsafeApi.getLongVolatile(null, slot + COMMIT_OFFSET))
                {
                    pushFree(sizeClass, slot);
                }
                else
                {
                    checkRecord(chunk, sizeClass, slot);
                    visitor.accept(slot);
                }
            }
        }
    }

    private void checkRecord(final int chunk, final int sizeClass, final long slot)
    {
        final long version = UnsafeApi.getLong(slot + COMMIT_OFFSET);
        if (version < 0)
        {
            throw corrupt(chunk, "holds a record of vertex " + UnsafeApi.getLong(slot + ID_OFFSET) +
                " with impossible version " + version);
        }
        final int length = UnsafeApi.getInt(slot + LENGTH_OFFSET);
        if (length < 0 || sizeClass(length) != sizeClass)
        {
            throw corrupt(chunk, "holds a record of vertex " + UnsafeApi.getLong(slot + ID_OFFSET) +
                " with impossible length " + length + " for its " + slotSize(sizeClass) + "-byte slot");
        }
        if (length > maxValueBytes)
        {
            throw new IllegalStateException("vertex table file " + memory.name() + " holds a value of " + length +
                " bytes for vertex " + UnsafeApi.getLong(slot + ID_OFFSET) + ", more than shawarma.store.value.max" +
                ".bytes=" + maxValueBytes + ": raise it to at least " + length + " to open this file");
        }
    }

    private long claimChunk(final int sizeClass)
    {
        final long chunkAddress = unusedChunkCount > 0 ?
            memory.chunkAddress(unusedChunks[--unusedChunkCount]) : memory.addChunk();
        final long slotSize = slotSize(sizeClass);
        UnsafeApi.putLongRelease(null, chunkAddress, (long)CHUNK_MAGIC << 32 | sizeClass);
        final long first = chunkAddress + CHUNK_HEADER_LENGTH;
        bumpLimit[sizeClass] = first + ((memory.chunkSize() - CHUNK_HEADER_LENGTH) / slotSize) * slotSize;
        return first;
    }

    private void pushFree(final int sizeClass, final long slot)
    {
        UnsafeApi.putLong(slot + ID_OFFSET, freeHeads[sizeClass]);
        freeHeads[sizeClass] = slot;
    }

    private void keepUnused(final int chunk)
    {
        if (unusedChunkCount == unusedChunks.length)
        {
            unusedChunks = Arrays.copyOf(unusedChunks, Math.max(16, unusedChunkCount * 2));
        }
        unusedChunks[unusedChunkCount++] = chunk;
    }

    private IllegalStateException corrupt(final int chunk, final String what)
    {
        return new IllegalStateException("vertex table file " + memory.name() + " is corrupt: chunk " + chunk + " " +
            what + ": refusing to open it; move it away to start an empty store, or restore it from a copy");
    }
}
