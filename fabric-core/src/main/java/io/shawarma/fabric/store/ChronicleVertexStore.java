package io.shawarma.fabric.store;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

import io.shawarma.fabric.Configuration;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.AbstractData;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@link VertexStore} in a Chronicle Map ({@code shawarma.store=chronicle}): for a store that other processes can
 * open, and as the comparison for {@link VertexTable}. Single writer (the owning agent thread). A {@link #view} stays
 * valid after the query context closes because no other thread or process writes the map; a {@link #put} replaces the
 * value in Chronicle's own way, which is not atomic against a kill of the process, unlike {@link VertexTable}.
 * <p>
 * {@link #get}, {@link #put}, {@link #contains} and {@link #remove} allocate nothing in steady state: the key is a
 * reused {@link Data} over a primitive long, values go in as bytes ({@code wrapValueBytesAsData}) and are copied
 * straight out of the map's memory, so no {@code Long} key or value object is ever created. The map's key type is
 * {@code Long} (8 bytes, native order, hashed as Chronicle hashes a {@code Long}) and its value type is {@code byte[]},
 * so the file can also be opened with the ordinary {@link ChronicleMap} API for inspection.
 * <p>
 * A file-backed store has one owner at a time. While it is open a marker file ({@code <data file>.open}) sits next to
 * the data file and is deleted by {@link #close()}; finding the marker on open means the previous owner did not close
 * cleanly (crash, kill), so the map is opened with Chronicle's recovery, which clears the locks and counters a dead
 * owner may have left behind. A cleanly closed file is reopened normally, as Chronicle asks.
 * <p>
 * Not thread safe: all calls, including {@link #close()}, must come from one thread at a time.
 */
public final class ChronicleVertexStore implements VertexStore
{
    private static final String OPEN_MARKER_SUFFIX = ".open";

    private final ChronicleMap<Long, byte[]> map;
    private final File openMarkerOrNull;
    private final int maxValueBytes;
    private final long maxEntries;
    private final int averageValueBytes;
    private final VertexKey key = new VertexKey();
    private final BytesStore<?, Void> valueScratch;
    private final UnsafeBuffer valueScratchView = new UnsafeBuffer(0, 0);
    private final PointerBytesStore srcPointer = BytesStore.nativePointer();
    private final UnsafeBuffer entryValueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer forEachValueView = new UnsafeBuffer(0, 0);
    private boolean closed;

    /**
     * Create an in-memory store or create/reopen a file-backed one.
     *
     * @param maxEntries        expected maximum number of vertices, used to size the map.
     * @param averageValueBytes expected average value length, used to size the map.
     * @param maxValueBytes     largest value {@link #put} accepts.
     * @param dataFileOrNull    {@code null} for an in-memory store, else the file backing the store: created (with
     *                          its parent directories) if absent, reopened with its data if present, and recovered
     *                          first if its previous owner did not close it.
     * @throws IllegalArgumentException if a size is not positive or {@code maxValueBytes < averageValueBytes}.
     * @throws UncheckedIOException     if the file cannot be created, mapped or recovered.
     */
    public ChronicleVertexStore(
        final long maxEntries, final int averageValueBytes, final int maxValueBytes, final File dataFileOrNull)
    {
        VertexStores.validate(maxEntries, averageValueBytes, maxValueBytes);

        this.maxValueBytes = maxValueBytes;
        this.maxEntries = maxEntries;
        this.averageValueBytes = averageValueBytes;
        valueScratch = BytesStore.nativeStoreWithFixedCapacity(maxValueBytes);
        valueScratchView.wrap(valueScratch.addressForWrite(0), maxValueBytes);
        openMarkerOrNull = null == dataFileOrNull ? null : openMarkerFor(dataFileOrNull);
        try
        {
            map = createMap(maxEntries, averageValueBytes, dataFileOrNull, openMarkerOrNull);
        }
        catch (final RuntimeException | Error ex)
        {
            releaseNativeMemory();
            throw ex;
        }
    }

    @Override
    public int view(final long vertexId, final UnsafeBuffer view)
    {
        ensureOpen();
        try (ExternalMapQueryContext<Long, byte[], ?> context = queryContext(vertexId))
        {
            context.readLock().lock();
            final MapEntry<Long, byte[]> entry = context.entry();
            if (null == entry)
            {
                return -1;
            }
            final Data<byte[]> value = entry.value();
            final int length = (int)value.size();
            view.wrap(value.bytes().addressForRead(value.offset()), length);
            return length;
        }
    }

    /**
     * Copy the value of a vertex into {@code dst} at index 0.
     *
     * @param vertexId of the vertex.
     * @param dst      to copy the value into; must have capacity for the value or be expandable.
     * @return the length of the value, or -1 if the vertex is absent.
     * @throws IllegalArgumentException if {@code dst} is too small for the value and not expandable.
     * @throws IllegalStateException    if the store is closed.
     */
    @Override
    public int get(final long vertexId, final MutableDirectBuffer dst)
    {
        return VertexStores.copy(vertexId, entryValueView, view(vertexId, entryValueView), dst);
    }

    /**
     * Create or replace the value of a vertex.
     *
     * @param vertexId of the vertex.
     * @param src      holding the value.
     * @param offset   in {@code src} at which the value starts.
     * @param length   of the value in bytes, at most {@link #maxValueBytes()}.
     * @throws IllegalArgumentException  if {@code length} is negative or greater than {@link #maxValueBytes()}, or
     *                                   more than one segment tier holds (far above {@code averageValueBytes}).
     * @throws VertexStoreFullException  if the store is full: Chronicle Map sizes its memory from
     *                                   {@code maxEntries * averageValueBytes} (plus one spare tier per segment), so
     *                                   many values far above the average can fill it before {@code maxEntries}.
     * @throws IllegalStateException     if the store is closed.
     */
    @Override
    public void put(final long vertexId, final DirectBuffer src, final int offset, final int length)
    {
        ensureOpen();
        if (length < 0 || length > maxValueBytes)
        {
            throw new IllegalArgumentException("length=" + length + " not in [0, maxValueBytes=" + maxValueBytes + "]");
        }
        src.boundsCheck(offset, length);

        final BytesStore<?, ?> valueBytes;
        if (null == src.byteArray())
        {
            // Off-heap source (e.g. an Aeron term buffer): Chronicle reads it in place.
            srcPointer.set(src.addressOffset() + offset, length);
            valueBytes = srcPointer;
        }
        else
        {
            // Heap source: wrapping an array would take a new BytesStore per array, so copy to native scratch.
            valueScratchView.putBytes(0, src, offset, length);
            valueBytes = valueScratch;
        }

        try (ExternalMapQueryContext<Long, byte[], ?> context = queryContext(vertexId))
        {
            context.writeLock().lock();
            final Data<byte[]> value = context.wrapValueBytesAsData(valueBytes, 0, length);
            final MapEntry<Long, byte[]> entry = context.entry();
            try
            {
                if (null != entry)
                {
                    context.replaceValue(entry, value);
                }
                else
                {
                    context.insert(context.absentEntry(), value);
                }
            }
            catch (final IllegalStateException ex)
            {
                // Chronicle's "no more segment tiers" (its memory is sized when the map is created) comes as an
                // IllegalStateException, as does nothing else here: the store was checked open above.
                throw full(ex);
            }
            catch (final IllegalArgumentException ex)
            {
                // "Value too large": more than one segment tier holds, which the average value size sets.
                throw new IllegalArgumentException("value of " + length + " bytes is too large for a chronicle " +
                    "vertex store sized for " + Configuration.STORE_VALUE_AVERAGE_BYTES_PROP + "=" + averageValueBytes +
                    ": raise it, or use the table store (" + Configuration.STORE_PROP + "=table)", ex);
            }
        }
    }

    /**
     * Is the vertex stored here.
     *
     * @param vertexId of the vertex.
     * @return true if the vertex is present.
     * @throws IllegalStateException if the store is closed.
     */
    @Override
    public boolean contains(final long vertexId)
    {
        ensureOpen();
        try (ExternalMapQueryContext<Long, byte[], ?> context = queryContext(vertexId))
        {
            context.readLock().lock();
            return null != context.entry();
        }
    }

    /**
     * Remove a vertex.
     *
     * @param vertexId of the vertex.
     * @return true if the vertex was present and has been removed.
     * @throws IllegalStateException if the store is closed.
     */
    @Override
    public boolean remove(final long vertexId)
    {
        ensureOpen();
        try (ExternalMapQueryContext<Long, byte[], ?> context = queryContext(vertexId))
        {
            context.updateLock().lock();
            final MapEntry<Long, byte[]> entry = context.entry();
            if (null == entry)
            {
                return false;
            }
            context.remove(entry);

            return true;
        }
    }

    /**
     * Number of vertices stored.
     *
     * @return the number of vertices stored.
     * @throws IllegalStateException if the store is closed.
     */
    @Override
    public long size()
    {
        ensureOpen();
        return map.longSize();
    }

    /**
     * Largest value length {@link #put} accepts.
     *
     * @return the largest value length in bytes.
     */
    @Override
    public int maxValueBytes()
    {
        return maxValueBytes;
    }

    /**
     * Visit every vertex. Not for the hot path: it may allocate and holds a segment lock while the consumer runs, so
     * the consumer must not call back into this store.
     *
     * @param consumer to receive each vertex id and value.
     * @throws IllegalStateException if the store is closed.
     */
    @Override
    public void forEach(final VertexConsumer consumer)
    {
        ensureOpen();
        map.forEachEntry(
            (entry) ->
            {
                final Data<Long> key = entry.key();
                final long vertexId = key.bytes().readLong(key.offset());
                final Data<byte[]> value = entry.value();
                final int length = (int)value.size();
                forEachValueView.wrap(value.bytes().addressForRead(value.offset()), length);
                consumer.accept(vertexId, forEachValueView, length);
            });
    }

    /**
     * Close the map (file-backed data stays on disk, the open marker is deleted) and free the native scratch memory.
     * Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                map.close();
            }
            finally
            {
                releaseNativeMemory();
            }

            if (null != openMarkerOrNull && !openMarkerOrNull.delete() && openMarkerOrNull.exists())
            {
                throw new UncheckedIOException(new IOException("cannot delete open marker " + openMarkerOrNull));
            }
        }
    }

    static File openMarkerFor(final File dataFile)
    {
        return new File(dataFile.getPath() + OPEN_MARKER_SUFFIX);
    }

    private void releaseNativeMemory()
    {
        key.close();
        valueScratch.releaseLast();
        srcPointer.releaseLast();
    }

    private VertexStoreFullException full(final IllegalStateException cause)
    {
        return new VertexStoreFullException("chronicle vertex store is full at " + map.longSize() + " vertices: its " +
            "memory was sized once from " + Configuration.STORE_ENTRIES_PROP + "=" + maxEntries + " and " +
            Configuration.STORE_VALUE_AVERAGE_BYTES_PROP + "=" + averageValueBytes + ": raise them (a file-backed " +
            "store keeps its first size: move its file away) or remove vertices", cause);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            // The scratch memory is freed on close, so touching it would be a use-after-free.
            throw new IllegalStateException("vertex store is closed");
        }
    }

    private ExternalMapQueryContext<Long, byte[], ?> queryContext(final long vertexId)
    {
        return map.queryContext(key.vertexId(vertexId));
    }

    private static ChronicleMap<Long, byte[]> createMap(
        final long maxEntries, final int averageValueBytes, final File dataFileOrNull, final File openMarkerOrNull)
    {
        final ChronicleMapBuilder<Long, byte[]> builder = ChronicleMapBuilder.of(Long.class, byte[].class)
            .name("local-vertices")
            .entries(maxEntries)
            .averageValueSize(averageValueBytes)
            // The owner closes the store: a grid worker leaving on SIGTERM still streams its vertices to the others
            // while shutdown hooks run, so Chronicle's own close-on-exit hook must not close it under the worker.
            .skipCloseOnExitHook(true);

        if (null == dataFileOrNull)
        {
            return builder.create();
        }

        try
        {
            final File parent = dataFileOrNull.getAbsoluteFile().getParentFile();
            if (null != parent && !parent.isDirectory() && !parent.mkdirs() && !parent.isDirectory())
            {
                throw new IOException("cannot create directory " + parent);
            }

            // The header written at creation is authoritative for the sizing, hence sameBuilderConfig = false.
            final boolean recover = dataFileOrNull.length() > 0 && openMarkerOrNull.exists();
            final ChronicleMap<Long, byte[]> map = recover ?
                builder.recoverPersistedTo(dataFileOrNull, false) :
                builder.createPersistedTo(dataFileOrNull);

            if (!openMarkerOrNull.exists() && !openMarkerOrNull.createNewFile())
            {
                map.close();
                throw new IOException("cannot create open marker " + openMarkerOrNull);
            }

            return map;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open vertex store " + dataFileOrNull, ex);
        }
    }

    /**
     * A vertex id as Chronicle {@link Data} without boxing: serialized, hashed and compared exactly as Chronicle's own
     * {@code LongDataAccess} does for a {@code Long} key, so it finds the same entries.
     */
    private static final class VertexKey extends AbstractData<Long>
    {
        private final BytesStore<?, Void> bytes = BytesStore.nativeStoreWithFixedCapacity(Long.BYTES);
        private long vertexId;

        VertexKey vertexId(final long vertexId)
        {
            this.vertexId = vertexId;
            bytes.writeLong(0, vertexId);

            return this;
        }

        @Override
        public RandomDataInput bytes()
        {
            return bytes;
        }

        @Override
        public long offset()
        {
            return 0;
        }

        @Override
        public long size()
        {
            return Long.BYTES;
        }

        @Override
        public Long get()
        {
            // Boxes, but Chronicle only asks for the object form outside the operations used here (e.g. toString).
            return vertexId;
        }

        @Override
        public Long getUsing(final Long using)
        {
            return vertexId;
        }

        @Override
        public long hash(final LongHashFunction f)
        {
            return f.hashLong(vertexId);
        }

        @Override
        public boolean equivalent(final RandomDataInput source, final long sourceOffset)
        {
            return source.readLong(sourceOffset) == vertexId;
        }

        @Override
        @SuppressWarnings("rawtypes") // as declared by Data#writeTo
        public void writeTo(final RandomDataOutput target, final long targetOffset)
        {
            target.writeLong(targetOffset, vertexId);
        }

        void close()
        {
            bytes.releaseLast();
        }
    }
}
