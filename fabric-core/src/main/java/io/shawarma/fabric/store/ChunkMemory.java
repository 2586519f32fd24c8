package io.shawarma.fabric.store;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.agrona.BufferUtil;

/**
 * Where the record slab's chunks live: equal, zero-filled, fixed-size regions of off-heap memory that stay at their
 * address until {@link #close()}, so a view of a record survives the growth of the slab. Subclasses say where a new
 * chunk comes from and how one is released; the list of chunks and the limit on their number are kept here.
 */
abstract class ChunkMemory
{
    private final int maxChunks;
    private ByteBuffer[] chunks = new ByteBuffer[16];
    private long[] addresses = new long[16];
    private int count;
    private int chunkSize;
    private boolean closed;

    ChunkMemory(final int maxChunks)
    {
        this.maxChunks = maxChunks;
    }

    /**
     * @return the length of every chunk, a power of two.
     */
    final int chunkSize()
    {
        return chunkSize;
    }

    /**
     * @return how many chunks exist.
     */
    final int chunkCount()
    {
        return count;
    }

    /**
     * @param chunkIndex in [0, {@link #chunkCount()}).
     * @return the address of the chunk's first byte.
     */
    final long chunkAddress(final int chunkIndex)
    {
        return addresses[chunkIndex];
    }

    /**
     * @param address of a byte in a chunk.
     * @return the index of that chunk; a scan of the chunks, for {@link #force(long, int)} only.
     */
    final int chunkIndexOf(final long address)
    {
        for (int i = 0; i < count; i++)
        {
            if (address >= addresses[i] && address < addresses[i] + chunkSize)
            {
                return i;
            }
        }
        throw new IllegalArgumentException("address 0x" + Long.toHexString(address) + " is in no chunk of " + name());
    }

    /**
     * Forces every chunk to the storage device; nothing for memory that is not a file.
     */
    void force()
    {
    }

    /**
     * Forces the bytes of one chunk up to the end of a range to the storage device; nothing for memory that is not a
     * file.
     *
     * @param address of the range's first byte, in a chunk.
     * @param length  of the range, within that chunk.
     */
    void force(final long address, final int length)
    {
    }

    /**
     * Adds a zero-filled chunk. Allocates; not for the steady state.
     *
     * @return the address of the new chunk.
     * @throws VertexStoreFullException when memory or disk cannot grow, with a one-line message saying what to raise;
     *                               the chunks already there are untouched.
     */
    final long addChunk()
    {
        if (count == maxChunks)
        {
            throw full("it reached its limit of " + maxChunks + " chunks");
        }
        return add(newChunk(count));
    }

    /**
     * Frees or unmaps every chunk, then whatever else the memory holds. Idempotent.
     */
    final void close()
    {
        if (!closed)
        {
            closed = true;
            releaseChunks();
            closeResources();
        }
    }

    /**
     * @return what this memory is, for messages: the file, or "in-memory".
     */
    abstract String name();

    /**
     * @param chunkIndex of the chunk to make.
     * @return a new zero-filled chunk of {@link #chunkSize()} bytes.
     * @throws VertexStoreFullException from {@link #full} when memory or disk cannot grow.
     */
    abstract ByteBuffer newChunk(int chunkIndex);

    /**
     * @param cause why no chunk could be added.
     * @return the one-line "full" error saying what to raise.
     */
    abstract VertexStoreFullException full(String cause);

    /**
     * @param chunk to free or unmap.
     */
    abstract void release(ByteBuffer chunk);

    /**
     * Closes what the memory holds besides its chunks.
     */
    void closeResources()
    {
    }

    final ByteBuffer chunk(final int chunkIndex)
    {
        return chunks[chunkIndex];
    }

    final void chunkSize(final int chunkSize)
    {
        this.chunkSize = chunkSize;
    }

    final long add(final ByteBuffer chunk)
    {
        if (count == chunks.length)
        {
            chunks = Arrays.copyOf(chunks, count * 2);
            addresses = Arrays.copyOf(addresses, count * 2);
        }
        chunks[count] = chunk;
        addresses[count] = BufferUtil.address(chunk);
        return addresses[count++];
    }

    final void releaseChunks()
    {
        for (int i = 0; i < count; i++)
        {
            release(chunks[i]);
            chunks[i] = null;
            addresses[i] = 0;
        }
        count = 0;
    }
}
