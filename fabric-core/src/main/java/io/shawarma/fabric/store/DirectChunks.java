package io.shawarma.fabric.store;

import java.nio.ByteBuffer;

import org.agrona.BufferUtil;

/**
 * Chunks of direct memory for an in-memory {@link VertexTable}. The JVM's direct memory limit
 * ({@code -XX:MaxDirectMemorySize}) bounds them.
 */
final class DirectChunks extends ChunkMemory
{
    DirectChunks(final int chunkSize, final int maxChunks)
    {
        super(maxChunks);
        chunkSize(chunkSize);
    }

    @Override
    ByteBuffer newChunk(final int chunkIndex)
    {
        try
        {
            // Zero filled, and aligned for 8-byte commit words: allocateDirect's memory comes from malloc.
            return ByteBuffer.allocateDirect(chunkSize());
        }
        catch (final OutOfMemoryError ex)
        {
            throw full(ex.getMessage());
        }
    }

    @Override
    String name()
    {
        return "in-memory";
    }

    @Override
    void release(final ByteBuffer chunk)
    {
        BufferUtil.free(chunk);
    }

    @Override
    VertexStoreFullException full(final String cause)
    {
        return new VertexStoreFullException("in-memory vertex table is full: cannot add a chunk of " + chunkSize() +
            " bytes to its " + chunkCount() + " (" + cause + "): raise -XX:MaxDirectMemorySize, or give the worker a " +
            "file-backed store (shawarma.data.dir)");
    }
}
