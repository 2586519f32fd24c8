package io.shawarma.fabric.store;

import java.util.Arrays;

import org.agrona.UnsafeApi;

/**
 * Fixed-size record slots in chunks of {@link ChunkMemory}, by size class: class {@code c} has slots of
 * {@code 32 << c} bytes, and each chunk holds slots of one class after a chunk header. A record is
 * <pre>
 *   commit (8): the record's version, written last with a release store; 0 while the slot is free or being written
 *   id (8) | length (4) | checksum (4) | value (length bytes)
 * </pre>
 * The checksum ({@link #checksum}) mixes the version, id, length and value, so that a record a crash tore or a disk
 * corrupted is found on reopening; an in-memory table, never reopened, leaves it 0. A free slot is on its class's
 * free list, linked through its id field. The chunk header is one word, {@code CHUNK_MAGIC << 32 | class}, written
 * before any record in the chunk; a chunk whose header is 0 is unused.
 * <p>
 * Allocates only when it adds a chunk. Not thread safe.
 */
final class RecordSlab
{
    static final int COMMIT_OFFSET = 0;
    static final int ID_OFFSET = 8;
    static final int LENGTH_OFFSET = 16;
    static final int CHECKSUM_OFFSET = 20;
    static final int RECORD_HEADER_LENGTH = 24;
    static final int CHUNK_HEADER_LENGTH = 64;
    static final int MIN_SLOT_SHIFT = 5;
    static final int CHUNK_MAGIC = 0x4B4E4843; // "CHNK"
    static final int MIN_CHUNK_SIZE = 1024 * 1024;
    private static final int MAX_CLASSES = 31 - MIN_SLOT_SHIFT;
    private static final long MIX_MULTIPLIER = 0x9E3779B97F4A7C15L;
    private static final long LANE_MULTIPLIER = 0xC2B2AE3D27D4EB4FL;
    private static final long LANE_1 = 0x243F6A8885A308D3L;
    private static final long LANE_2 = 0x13198A2E03707344L;
    private static final long LANE_3 = 0xA4093822299F31D0L;

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
    private long recordsCorrupt;
    private long chunksCorrupt;
    private String firstCorruption;

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
     * later classes, and every committed record that proves whole is passed to the visitor (which may {@link #free}
     * or {@link #drop} it). A record that cannot be, or fails its checksum, and a chunk whose header cannot be, are
     * counted ({@link #recordsCorrupt()}, {@link #chunksCorrupt()}); with {@code acceptLoss} they are dropped (the
     * record's slot freed, the chunk zeroed for reuse), else the scan goes on to count them all and then refuses.
     *
     * @param visitor    to receive each committed record.
     * @param acceptLoss drop what is corrupt instead of refusing.
     * @throws IllegalStateException naming the file, how much is corrupt and the first fault, and what to do.
     */
    void recover(final RecordVisitor visitor, final boolean acceptLoss)
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
                chunksCorrupt++;
                noteCorruption(chunk, "has a bad chunk header 0x" + Long.toHexString(tag));
                if (acceptLoss)
                {
                    UnsafeApi.setMemory(chunkAddress, chunkSize, (byte)0);
                    keepUnused(chunk);
                }
                continue;
            }

            final long slotSize = slotSize(sizeClass);
            final long end = chunkAddress + chunkSize - slotSize;
            for (long slot = chunkAddress + CHUNK_HEADER_LENGTH; slot <= end; slot += slotSize)
            {
                if (0 == UnsafeApi.getLongVolatile(null, slot + COMMIT_OFFSET))
                {
                    pushFree(sizeClass, slot);
                }
                else if (isWhole(chunk, sizeClass, slot))
                {
                    visitor.accept(slot);
                }
                else if (acceptLoss)
                {
                    drop(slot, sizeClass);
                }
            }
        }
        if (!acceptLoss && (recordsCorrupt > 0 || chunksCorrupt > 0))
        {
            throw new IllegalStateException("vertex table file " + memory.name() + " is corrupt: " + recordsCorrupt +
                " records and " + chunksCorrupt + " chunks fail their checks (the first: " + firstCorruption +
                "): refusing to open it; " + TableFile.WHAT_TO_DO);
        }
    }

    /**
     * Drops a committed record found corrupt or not provable on reopening: counts it and frees its slot.
     */
    void drop(final long recordAddress)
    {
        recordsCorrupt++;
        drop(recordAddress, sizeClass(UnsafeApi.getInt(recordAddress + LENGTH_OFFSET)));
    }

    /**
     * @return committed records found corrupt by {@link #recover}, and those {@link #drop}ped.
     */
    long recordsCorrupt()
    {
        return recordsCorrupt;
    }

    /**
     * @return chunks whose header {@link #recover} found corrupt; their records are not counted.
     */
    long chunksCorrupt()
    {
        return chunksCorrupt;
    }

    /**
     * A cheap 64-bit mix of a record's version, id, length and value, folded to 32 bits: each value word is xored into
     * one of four lanes, multiplied and rotated (four independent lanes, so the multiplies overlap), the last word read
     * overlapping the one before it, and the lanes mixed together at the end. Allocation free.
     *
     * @param version      the record's commit word.
     * @param vertexId     the record's id.
     * @param length       the value's length.
     * @param valueAddress address of the value's first byte.
     * @return the checksum to store at {@link #CHECKSUM_OFFSET}.
     */
    static int checksum(final long version, final long vertexId, final int length, final long valueAddress)
    {
        // Independent multiplies (they overlap); a change in any of the three changes the seed.
        final long seed = version * MIX_MULTIPLIER ^ Long.rotateLeft(vertexId * LANE_MULTIPLIER, 29) ^ length;
        long lane0 = seed;
        long lane1 = seed ^ LANE_1;
        long lane2 = seed ^ LANE_2;
        long lane3 = seed ^ LANE_3;
        if (length >= Long.BYTES)
        {
            final long lastWord = valueAddress + length - Long.BYTES;
            long address = valueAddress;
            for (; address + 4 * Long.BYTES <= lastWord; address += 4 * Long.BYTES)
            {
                lane0 = lane(lane0, UnsafeApi.getLong(address));
                lane1 = lane(lane1, UnsafeApi.getLong(address + Long.BYTES));
                lane2 = lane(lane2, UnsafeApi.getLong(address + 2 * Long.BYTES));
                lane3 = lane(lane3, UnsafeApi.getLong(address + 3 * Long.BYTES));
            }
            for (; address < lastWord; address += Long.BYTES)
            {
                lane0 = lane(lane0, UnsafeApi.getLong(address));
            }
            lane0 = lane(lane0, UnsafeApi.getLong(lastWord));
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                lane0 = lane(lane0, UnsafeApi.getByte(valueAddress + i) & 0xFF);
            }
        }
        final long hash = mix(lane0 ^ Long.rotateLeft(lane1, 16) ^ Long.rotateLeft(lane2, 32) ^
            Long.rotateLeft(lane3, 48));
        return (int)(hash ^ (hash >>> 32));
    }

    private static long lane(final long lane, final long word)
    {
        return Long.rotateLeft((lane ^ word) * MIX_MULTIPLIER, 31);
    }

    /**
     * @return the bits of {@code value} mixed (the murmur3 64-bit finalizer).
     */
    static long mix(final long value)
    {
        long hash = value;
        hash ^= hash >>> 33;
        hash *= 0xFF51AFD7ED558CCDL;
        hash ^= hash >>> 33;
        hash *= 0xC4CEB9FE1A85EC53L;
        return hash ^ (hash >>> 33);
    }

    private boolean isWhole(final int chunk, final int sizeClass, final long slot)
    {
        final long vertexId = UnsafeApi.getLong(slot + ID_OFFSET);
        final long version = UnsafeApi.getLong(slot + COMMIT_OFFSET);
        final int length = UnsafeApi.getInt(slot + LENGTH_OFFSET);
        if (version < 0)
        {
            return corruptRecord(chunk, "holds a record of vertex " + vertexId + " with impossible version " +
                version);
        }
        if (length < 0 || sizeClass(length) != sizeClass)
        {
            return corruptRecord(chunk, "holds a record of vertex " + vertexId + " with impossible length " +
                length + " for its " + slotSize(sizeClass) + "-byte slot");
        }
        if (UnsafeApi.getInt(slot + CHECKSUM_OFFSET) != checksum(version, vertexId, length, slot +
            RECORD_HEADER_LENGTH))
        {
            return corruptRecord(chunk, "holds a record of vertex " + vertexId + " version " + version +
                " that fails its checksum");
        }
        if (length > maxValueBytes)
        {
            // Whole, but this configuration cannot serve it: a setting to raise, not a loss to accept.
            throw new IllegalStateException("vertex table file " + memory.name() + " holds a value of " + length +
                " bytes for vertex " + vertexId + ", more than shawarma.store.value.max" +
                ".bytes=" + maxValueBytes + ": raise it to at least " + length + " to open this file");
        }
        return true;
    }

    private boolean corruptRecord(final int chunk, final String what)
    {
        recordsCorrupt++;
        noteCorruption(chunk, what);
        return false;
    }

    private void noteCorruption(final int chunk, final String what)
    {
        if (null == firstCorruption)
        {
            firstCorruption = "chunk " + chunk + " " + what;
        }
    }

    private void drop(final long recordAddress, final int sizeClass)
    {
        UnsafeApi.putLongRelease(null, recordAddress + COMMIT_OFFSET, 0L);
        pushFree(sizeClass, recordAddress);
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
}
