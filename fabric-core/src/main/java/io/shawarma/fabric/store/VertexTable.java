package io.shawarma.fabric.store;

import java.io.File;
import java.io.UncheckedIOException;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The default {@link VertexStore} ({@code shawarma.store=table}): a single-writer table of vertex values in off-heap
 * memory, direct memory or one memory-mapped file.
 * <ul>
 *   <li>An open-addressing index maps vertex ids to records. It grows a few buckets per write, never in one pause.
 *   </li>
 *   <li>Records live in fixed-size slots by size class (powers of two from 32 bytes) in chunks, with a free list per
 *   class; a record is a header (commit word, id, length) and the value bytes.</li>
 *   <li>{@link #view} wraps the stored bytes in place. {@link #put} writes the record into a fresh slot, publishes it
 *   by storing its commit word (a version, higher for each put) with release semantics, points the index at it, and
 *   only then frees the old slot. {@code src} may be a view of any stored vertex, the same one included.</li>
 * </ul>
 * File-backed: the file is a header and chunks, grown one chunk at a time, each mapped separately ({@link TableFile}).
 * The index is not in the file: opening scans every chunk, and for each id the committed record with the highest
 * version wins (the others are freed), so a process killed at any instant leaves each vertex with its old value or its
 * new one, never a mix.
 * <p>
 * <b>Opening proves the file whole or refuses it.</b> The header counts the file's chunks (a file cut short, even at a
 * chunk boundary or to 0 bytes, is found) and each record carries a checksum of its version, id, length and value (a
 * torn or corrupted record is found). A file that is not this format, is truncated, or holds a record or chunk that
 * fails its checks is refused with an {@link IllegalStateException}: one line naming the file, what is wrong, and what
 * to do (restore it from a replica, or open it accepting loss). With {@code acceptLoss}
 * ({@code shawarma.store.accept.loss=true}, the worker's {@code --accept-loss}) it opens instead with every record
 * that proves whole, drops the rest, and says what it lost ({@link #lossAtOpen()}, {@link #recordsLostAtOpen()},
 * {@link #chunksLostAtOpen()}). One process owns a file at a time.
 * <p>
 * <b>Durability</b> ({@link StoreSync}, {@code shawarma.store.sync}):
 * <ul>
 *   <li>{@code none} (the default): the page cache. A write acknowledged by {@link #put} returning survives a kill -9
 *   of the process, not a crash or power loss of the machine; after one of those the file may be refused.</li>
 *   <li>{@code interval}: the worker calls {@link #force()} every {@code shawarma.store.sync.interval.ms} from its duty
 *   cycle; a power loss loses at most the writes since the last force completed.</li>
 *   <li>{@code always}: {@link #put} and {@link #remove} force the record they wrote before returning, so an
 *   acknowledged write survives a power loss. Slow: every write waits for the device.</li>
 * </ul>
 * With {@code interval} and {@code always} a new chunk and the header's count of it are forced before the chunk is
 * used. In every mode, opening refuses what it cannot prove. See {@code docs/store.md}.
 * <p>
 * When direct memory or the disk cannot grow, {@link #put} throws a {@link VertexStoreFullException} saying the table
 * is full and what to raise; the table stays usable. A full table refuses a replace too when the value's size class
 * has no free slot, as a put always writes a fresh slot before it frees the old one; a remove frees one. {@link #view}, {@link #get}, {@link #put}, {@link #contains} and
 * {@link #remove} allocate nothing in steady state (growing the index or adding a chunk allocates once).
 * <p>
 * Not thread safe: every call, {@link #close()} included, comes from one thread at a time.
 */
public final class VertexTable implements VertexStore
{
    private final int maxValueBytes;
    private final ChunkMemory memory;
    private final RecordSlab slab;
    private final VertexIndex index;
    private final UnsafeBuffer readView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer forEachView = new UnsafeBuffer(0, 0);
    private final boolean checksummed;
    private final boolean forceEachWrite;
    private final boolean acceptingLoss;
    private long nextVersion = 1;
    private long recordsLostAtOpen;
    private long chunksLostAtOpen;
    private String lossAtOpen;
    private boolean closed;

    /**
     * Creates an in-memory table, or creates or reopens a file-backed one that does not sync and refuses a damaged
     * file.
     *
     * @param entries           expected number of vertices, to size the index; more are accepted.
     * @param averageValueBytes expected average value length; checked only.
     * @param maxValueBytes     largest value {@link #put} accepts.
     * @param dataFileOrNull    {@code null} for an in-memory table, else its file: created (with its directories)
     *                          when absent, reopened and checked when present.
     * @throws IllegalArgumentException if a size is not positive or {@code maxValueBytes < averageValueBytes}.
     * @throws IllegalStateException    if the file is refused (not a vertex table, truncated, corrupt).
     * @throws UncheckedIOException     if the file cannot be created, read or mapped.
     */
    public VertexTable(
        final long entries, final int averageValueBytes, final int maxValueBytes, final File dataFileOrNull)
    {
        this(entries, averageValueBytes, maxValueBytes, dataFileOrNull, StoreSync.NONE, false);
    }

    /**
     * Creates an in-memory table, or creates or reopens a file-backed one.
     *
     * @param entries           expected number of vertices, to size the index; more are accepted.
     * @param averageValueBytes expected average value length; checked only.
     * @param maxValueBytes     largest value {@link #put} accepts.
     * @param dataFileOrNull    {@code null} for an in-memory table, else its file: created (with its directories)
     *                          when absent, reopened and checked when present.
     * @param sync              when a file-backed table forces its writes to the device; unused in memory.
     * @param acceptLoss        open a damaged file with what it proves whole, counting what is lost, instead of
     *                          refusing it.
     * @throws IllegalArgumentException if a size is not positive or {@code maxValueBytes < averageValueBytes}.
     * @throws IllegalStateException    if the file is refused (not a vertex table, truncated, corrupt).
     * @throws UncheckedIOException     if the file cannot be created, read or mapped.
     */
    public VertexTable(
        final long entries, final int averageValueBytes, final int maxValueBytes, final File dataFileOrNull,
        final StoreSync sync, final boolean acceptLoss)
    {
        this(entries, averageValueBytes, maxValueBytes, dataFileOrNull, sync, acceptLoss, Integer.MAX_VALUE);
    }

    VertexTable(
        final long entries, final int averageValueBytes, final int maxValueBytes, final File dataFileOrNull,
        final int maxChunks)
    {
        this(entries, averageValueBytes, maxValueBytes, dataFileOrNull, StoreSync.NONE, false, maxChunks);
    }

    VertexTable(
        final long entries, final int averageValueBytes, final int maxValueBytes, final File dataFileOrNull,
        final StoreSync sync, final boolean acceptLoss, final int maxChunks)
    {
        VertexStores.validate(entries, averageValueBytes, maxValueBytes);
        this.maxValueBytes = maxValueBytes;
        // Only a file is ever reopened, so only a file's records need a checksum: the in-memory put skips it.
        checksummed = null != dataFileOrNull;
        forceEachWrite = checksummed && StoreSync.ALWAYS == sync;
        acceptingLoss = acceptLoss;
        final int chunkSize = RecordSlab.chunkSizeFor(maxValueBytes);
        TableFile tableFile = null;
        if (null != dataFileOrNull)
        {
            tableFile = new TableFile(dataFileOrNull, chunkSize, maxChunks, acceptLoss, StoreSync.NONE != sync);
        }
        memory = null == tableFile ? new DirectChunks(chunkSize, maxChunks) : tableFile;
        try
        {
            if (RecordSlab.CHUNK_HEADER_LENGTH + RecordSlab.slotSize(RecordSlab.sizeClass(maxValueBytes)) >
                memory.chunkSize())
            {
                throw new IllegalStateException("vertex table file " + dataFileOrNull + " has chunks of " +
                    memory.chunkSize() + " bytes, too small for shawarma.store.value.max.bytes=" + maxValueBytes +
                    ": lower it to the value the file was created with, or move the file away to start empty");
            }
            slab = new RecordSlab(memory, maxValueBytes);
            index = new VertexIndex(entries);
            slab.recover(this::recoverRecord, acceptLoss);
            if (null != tableFile)
            {
                describeLoss(tableFile);
            }
        }
        catch (final RuntimeException ex)
        {
            memory.close();
            throw ex;
        }
    }

    @Override
    public int view(final long vertexId, final UnsafeBuffer view)
    {
        ensureOpen();
        final long record = index.get(vertexId);
        if (0 == record)
        {
            return -1;
        }
        final int length = UnsafeApi.getInt(record + RecordSlab.LENGTH_OFFSET);
        view.wrap(record + RecordSlab.RECORD_HEADER_LENGTH, length);
        return length;
    }

    @Override
    public int get(final long vertexId, final MutableDirectBuffer dst)
    {
        return VertexStores.copy(vertexId, readView, view(vertexId, readView), dst);
    }

    @Override
    public void put(final long vertexId, final DirectBuffer src, final int offset, final int length)
    {
        ensureOpen();
        if (length < 0 || length > maxValueBytes)
        {
            throw new IllegalArgumentException("length=" + length + " not in [0, maxValueBytes=" + maxValueBytes + "]");
        }
        src.boundsCheck(offset, length);

        // Both may throw "full"; neither changes what is stored.
        index.ensureCapacityForOneMore();
        final long record = slab.allocate(length);

        final long version = nextVersion++;
        UnsafeApi.putLong(record + RecordSlab.ID_OFFSET, vertexId);
        UnsafeApi.putInt(record + RecordSlab.LENGTH_OFFSET, length);
        UnsafeApi.copyMemory(
            src.byteArray(), src.addressOffset() + offset, null, record + RecordSlab.RECORD_HEADER_LENGTH, length);
        if (checksummed)
        {
            UnsafeApi.putInt(record + RecordSlab.CHECKSUM_OFFSET,
                RecordSlab.checksum(version, vertexId, length, record + RecordSlab.RECORD_HEADER_LENGTH));
        }
        UnsafeApi.putLongRelease(null, record + RecordSlab.COMMIT_OFFSET, version);
        if (forceEachWrite)
        {
            // The new record is on the device before the old one is freed: a power loss leaves one of the two.
            memory.force(record, RecordSlab.RECORD_HEADER_LENGTH + length);
        }

        final long previous = index.put(vertexId, record);
        if (0 != previous)
        {
            slab.free(previous);
        }
    }

    @Override
    public boolean contains(final long vertexId)
    {
        ensureOpen();
        return 0 != index.get(vertexId);
    }

    @Override
    public boolean remove(final long vertexId)
    {
        ensureOpen();
        final long record = index.remove(vertexId);
        if (0 == record)
        {
            return false;
        }
        slab.free(record);
        if (forceEachWrite)
        {
            memory.force(record, RecordSlab.RECORD_HEADER_LENGTH);
        }
        return true;
    }

    @Override
    public long size()
    {
        ensureOpen();
        return index.size();
    }

    @Override
    public int maxValueBytes()
    {
        return maxValueBytes;
    }

    @Override
    public void forEach(final VertexConsumer consumer)
    {
        ensureOpen();
        index.forEach(
            (vertexId, record) ->
            {
                final int length = UnsafeApi.getInt(record + RecordSlab.LENGTH_OFFSET);
                forEachView.wrap(record + RecordSlab.RECORD_HEADER_LENGTH, length);
                consumer.accept(vertexId, forEachView, length);
            });
    }

    /**
     * Forces every chunk of a file-backed table to the storage device ({@code shawarma.store.sync=interval}); nothing
     * for an in-memory table. Blocks until the device has the data: never from the hot path.
     *
     * @throws java.io.UncheckedIOException when the device reports an error.
     */
    @Override
    public void force()
    {
        ensureOpen();
        memory.force();
    }

    @Override
    public String lossAtOpen()
    {
        return lossAtOpen;
    }

    @Override
    public long recordsLostAtOpen()
    {
        return recordsLostAtOpen;
    }

    @Override
    public long chunksLostAtOpen()
    {
        return chunksLostAtOpen;
    }

    /**
     * @return how many times a file-backed table forced its chunks to the device, for tests.
     */
    long forces()
    {
        return memory instanceof TableFile ? ((TableFile)memory).forces() : 0;
    }

    /**
     * Unmaps or frees the memory; a file-backed table's data stays in its file. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            memory.close();
        }
    }

    private void recoverRecord(final long record)
    {
        final long vertexId = UnsafeApi.getLong(record + RecordSlab.ID_OFFSET);
        final long version = UnsafeApi.getLong(record + RecordSlab.COMMIT_OFFSET);
        nextVersion = Math.max(nextVersion, version + 1);
        final long existing = index.get(vertexId);
        if (0 == existing)
        {
            index.ensureCapacityForOneMore();
            index.put(vertexId, record);
            return;
        }

        final long existingVersion = UnsafeApi.getLong(existing + RecordSlab.COMMIT_OFFSET);
        if (existingVersion == version)
        {
            if (!acceptingLoss)
            {
                throw TableFile.refused(new File(memory.name()), "is corrupt: two records of vertex " + vertexId +
                    " have the same version " + version);
            }
            // Both prove whole and neither is newer: keep the one found first.
            slab.drop(record);
            return;
        }
        if (version > existingVersion)
        {
            index.put(vertexId, record);
            slab.free(existing);
        }
        else
        {
            slab.free(record);
        }
    }

    private void describeLoss(final TableFile tableFile)
    {
        recordsLostAtOpen = slab.recordsCorrupt();
        chunksLostAtOpen = tableFile.chunksMissing() + slab.chunksCorrupt();
        if (0 != recordsLostAtOpen || 0 != chunksLostAtOpen || null != tableFile.headerLoss())
        {
            lossAtOpen = "vertex table file " + memory.name() + " opened accepting loss: " + recordsLostAtOpen +
                " records dropped as corrupt or torn, " + chunksLostAtOpen + " chunks missing, cut or corrupt (their " +
                "records not counted)" + (null == tableFile.headerLoss() ? "" : "; " + tableFile.headerLoss()) +
                "; " + index.size() + " vertices kept";
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            // The memory is unmapped or freed on close, so touching it would be a use-after-free.
            throw new IllegalStateException("vertex store is closed");
        }
    }
}
