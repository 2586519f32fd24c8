package io.shawarma.fabric.store;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Vertices this worker owns: vertex id (long) to value bytes, off-heap, with one writer (the owning agent's thread).
 * <p>
 * Two implementations pass the same contract tests: {@link VertexTable}, the default, and
 * {@link ChronicleVertexStore}, for a map other processes can open. {@link VertexStores#open} picks one from the
 * worker's settings.
 * <p>
 * The hot-path methods ({@link #view}, {@link #get}, {@link #put}, {@link #contains}, {@link #remove}) allocate
 * nothing in steady state. Not thread safe: every call, {@link #close()} included, comes from one thread at a time.
 */
public interface VertexStore extends AutoCloseable
{
    /**
     * Receives each entry during {@link #forEach(VertexConsumer)}.
     */
    @FunctionalInterface
    interface VertexConsumer
    {
        /**
         * Called once per stored vertex.
         *
         * @param vertexId of the vertex.
         * @param value    view of the value bytes, starting at index 0; valid only for the duration of the call.
         * @param length   of the value in bytes.
         */
        void accept(long vertexId, DirectBuffer value, int length);
    }

    /**
     * Points a view at a vertex's stored bytes, in place: no copy. The view stays valid until the next
     * {@link #put}, {@link #remove} or {@link #close()} on this store; it must be treated as read only.
     *
     * @param vertexId of the vertex.
     * @param view     wrapped over the value's bytes, from index 0 for the value's length.
     * @return the length of the value, or -1 if the vertex is absent (the view is then left as it was).
     * @throws IllegalStateException if the store is closed.
     */
    int view(long vertexId, UnsafeBuffer view);

    /**
     * Copies the value of a vertex into {@code dst} at index 0.
     *
     * @param vertexId of the vertex.
     * @param dst      to copy the value into; must have capacity for the value or be expandable.
     * @return the length of the value, or -1 if the vertex is absent.
     * @throws IllegalArgumentException if {@code dst} is too small for the value and not expandable.
     * @throws IllegalStateException    if the store is closed.
     */
    int get(long vertexId, MutableDirectBuffer dst);

    /**
     * Creates or replaces the value of a vertex. The new value is published whole: a reader, or a file-backed store
     * reopened after the process was killed, sees the old value or the new one, never a mix.
     *
     * @param vertexId of the vertex.
     * @param src      holding the value.
     * @param offset   in {@code src} at which the value starts.
     * @param length   of the value in bytes, at most {@link #maxValueBytes()}.
     * @throws IllegalArgumentException if {@code length} is negative or greater than {@link #maxValueBytes()}, or
     *                                  the store cannot hold a value that large however empty it is.
     * @throws VertexStoreFullException if the store is full (nothing changed); the message names the limit reached
     *                                  and what to change.
     * @throws IllegalStateException    if the store is closed.
     */
    void put(long vertexId, DirectBuffer src, int offset, int length);

    /**
     * @param vertexId of the vertex.
     * @return true if the vertex is stored here.
     * @throws IllegalStateException if the store is closed.
     */
    boolean contains(long vertexId);

    /**
     * @param vertexId of the vertex.
     * @return true if the vertex was present and has been removed.
     * @throws IllegalStateException if the store is closed.
     */
    boolean remove(long vertexId);

    /**
     * @return the number of vertices stored.
     * @throws IllegalStateException if the store is closed.
     */
    long size();

    /**
     * @return the largest value length {@link #put} accepts.
     */
    int maxValueBytes();

    /**
     * Visits every vertex. Not for the hot path: it may allocate, and the consumer must not call back into this
     * store.
     *
     * @param consumer to receive each vertex id and value.
     * @throws IllegalStateException if the store is closed.
     */
    void forEach(VertexConsumer consumer);

    /**
     * Forces every write so far to the storage device, for {@code shawarma.store.sync=interval}; nothing for a store
     * with no file. Blocks until the device has the data: never from the hot path.
     *
     * @throws java.io.UncheckedIOException when the device reports an error.
     * @throws IllegalStateException        if the store is closed.
     */
    default void force()
    {
    }

    /**
     * @return one line saying what opening the store with {@code shawarma.store.accept.loss=true} dropped as not
     * provable (corrupt records, missing chunks), or null when nothing was lost.
     */
    default String lossAtOpen()
    {
        return null;
    }

    /**
     * @return how many records opening the store dropped as corrupt or torn (accepting loss).
     */
    default long recordsLostAtOpen()
    {
        return 0;
    }

    /**
     * @return how many chunks of the store's file were missing, cut or corrupt when it was opened (accepting loss);
     * the records they held are not counted.
     */
    default long chunksLostAtOpen()
    {
        return 0;
    }

    /**
     * Closes the store: a file-backed store's data stays on disk. Idempotent.
     */
    @Override
    void close();
}
