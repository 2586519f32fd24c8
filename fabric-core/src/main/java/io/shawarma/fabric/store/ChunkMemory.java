package io.shawarma.fabric.store;

/**
 * Where the record slab's chunks live: equal, zero-filled, fixed-size regions of off-heap memory that stay at their
 * address until {@link #close()}, so a view of a record survives the growth of the slab.
 */
interface ChunkMemory
{
    /**
     * @return the length of every chunk, a power of two.
     */
    int chunkSize();

    /**
     * @return how many chunks exist.
     */
    int chunkCount();

    /**
     * @param chunkIndex in [0, {@link #chunkCount()}).
     * @return the address of the chunk's first byte.
     */
    long chunkAddress(int chunkIndex);

    /**
     * Adds a zero-filled chunk. Allocates; not for the steady state.
     *
     * @return the address of the new chunk.
     * @throws IllegalStateException when memory or disk cannot grow, with a one-line message saying what to raise;
     *                               the chunks already there are untouched.
     */
    long addChunk();

    /**
     * @return what this memory is, for messages: the file, or "in-memory".
     */
    String name();

    /**
     * Frees or unmaps every chunk. Idempotent.
     */
    void close();
}
