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
 * File-backed: the file is a header and chunks, grown one chunk at a time, each mapped separately. The index is not
 * in the file: opening scans every chunk, and for each id the committed record with the highest version wins (the
 * others are freed), so a process killed at any instant leaves each vertex with its old value or its new one, never a
 * mix. <b>Durability is the page cache</b>: a write acknowledged by {@link #put} returning survives a kill -9 of the
 * process but not a crash or power loss of the machine, as nothing is forced to disk. A file whose header is not this
 * format, whose length is not a whole number of chunks, or that holds a record that cannot be, is refused with an
 * {@link IllegalStateException} naming the file, the fault and what to do. One process owns a file at a time.
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
    private long nextVersion = 1;
    private boolean closed;

    /**
     * Creates an in-memory table, or creates or reopens a file-backed one.
     *
     * @param entries           expected number of vertices, to size the index; more are accepted.
     * @param averageValueBytes expected average value length; checked only.
     * @param maxValueBytes     largest value {@link #put} accepts.
     * @param dataFileOrNull    {@code null} for an in-memory table, else its file: created (with its directories)
     *                          when absent or empty, reopened and recovered when present.
     * @throws IllegalArgumentException if a size is not positive or {@code maxValueBytes < averageValueBytes}.
     * @throws IllegalStateException    if the file is refused (not a vertex table, truncated, corrupt).
     * @throws UncheckedIOException     if the file cannot be created, read or mapped.
     */
    public VertexTable(
        final long entries, final int averageValueBytes, final int maxValueBytes, final File dataFileOrNull)
    {
        this(entries, averageValueBytes, maxValueBytes, dataFileOrNull, Integer.MAX_VALUE);
    }

    VertexTable(
        final long entries, final int averageValueBytes, final int maxValueBytes, final File dataFileOrNull,
        final int maxChunks)
    {
        VertexStores.validate(entries, averageValueBytes, maxValueBytes);
        this.maxValueBytes = maxValueBytes;
        final int chunkSize = RecordSlab.chunkSizeFor(maxValueBytes);
        memory = null == dataFileOrNull ?
            new DirectChunks(chunkSize, maxChunks) : new TableFile(dataFileOrNull, chunkSize, maxChunks);
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
            slab.recover(this::recoverRecord);
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

        UnsafeApi.putLong(record + RecordSlab.ID_OFFSET, vertexId);
        UnsafeApi.putInt(record + RecordSlab.LENGTH_OFFSET, length);
        UnsafeApi.copyMemory(
            src.byteArray(), src.addressOffset() + offset, null, record + RecordSlab.RECORD_HEADER_LENGTH, length);
        UnsafeApi.putLongRelease(null, record + RecordSlab.COMMIT_OFFSET, nextVersion++);

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
            throw TableFile.refused(new File(memory.name()), "is corrupt: two records of vertex " + vertexId +
                " have the same version " + version);
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

    private void ensureOpen()
    {
        if (closed)
        {
            // The memory is unmapped or freed on close, so touching it would be a use-after-free.
            throw new IllegalStateException("vertex store is closed");
        }
    }
}
