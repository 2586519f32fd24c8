package io.shawarma.fabric.store;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.agrona.BufferUtil;

/**
 * Chunks of direct memory for an in-memory {@link VertexTable}. The JVM's direct memory limit
 * ({@code -XX:MaxDirectMemorySize}) bounds them.
 */
final class DirectChunks implements ChunkMemory
{
    private final int chunkSize;
    private final int maxChunks;
    private ByteBuffer[] buffers = new ByteBuffer[16];
    private long[] addresses = new long[16];
    private int count;

    DirectChunks(final int chunkSize, final int maxChunks)
    {
        this.chunkSize = chunkSize;
        this.maxChunks = maxChunks;
    }

    @Override
    public int chunkSize()
    {
        return chunkSize;
    }

    @Override
    public int chunkCount()
    {
        return count;
    }

    @Override
    public long chunkAddress(final int chunkIndex)
    {
        return addresses[chunkIndex];
    }

    @Override
    public long addChunk()
    {
        if (count == maxChunks)
        {
            throw full("it reached its limit of " + maxChunks + " chunks");
        }
        final ByteBuffer buffer;
        try
        {
            // Zero filled, and aligned for 8-byte commit words: allocateDirect's memory comes from malloc.
            buffer = ByteBuffer.allocateDirect(chunkSize);
        }
        catch (final OutOfMemoryError ex)
        {
            throw full(ex.getMessage());
        }
        if (count == buffers.length)
        {
            buffers = Arrays.copyOf(buffers, count * 2);
            addresses = Arrays.copyOf(addresses, count * 2);
        }
        buffers[count] = buffer;
        addresses[count] = BufferUtil.address(buffer);
        return addresses[count++];
    }

    @Override
    public String name()
    {
        return "in-memory";
    }

    @Override
    public void close()
    {
        for (int i = 0; i < count; i++)
        {
            BufferUtil.free(buffers[i]);
            buffers[i] = null;
            addresses[i] = 0;
        }
        count = 0;
    }

    private IllegalStateException full(final String cause)
    {
        return new IllegalStateException("in-memory vertex table is full: cannot add a chunk of " + chunkSize +
            " bytes to its " + count + " (" + cause + "): raise -XX:MaxDirectMemorySize, or give the worker a " +
            "file-backed store (shawarma.data.dir)");
    }
}
