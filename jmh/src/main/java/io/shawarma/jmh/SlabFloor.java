package io.shawarma.jmh;

import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Hashing;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The floor the vertex stores are measured against: the simplest store that does the same work. An Agrona
 * {@link Long2LongHashMap} maps a vertex id to the offset of its slot in one off-heap slab of fixed-size slots (an
 * 8-byte length, then room for the largest value). Get copies the value out, put copies it in; invoke looks the UDF up
 * in the same {@link UdfRegistry} a worker uses and runs the same UDF object on a {@link Vertex} wrapped over the slot,
 * so the UDF reads the stored bytes in place, and a new value is copied over the slot in place. Unlike a real store it
 * cannot grow or delete, and a new value is not published atomically (no fresh slot, no commit word).
 */
final class SlabFloor implements VertexPath
{
    private static final int LENGTH_BYTES = Long.BYTES;

    private final Long2LongHashMap offsets;
    private final UnsafeBuffer slab;
    private final int slotBytes;
    private final int maxValueBytes;
    private final UdfRegistry udfs;
    private final UnsafeBuffer slot = new UnsafeBuffer(0, 0);
    private final Vertex vertex;
    private final UnsafeBuffer args = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer result;
    private int nextSlotOffset;

    SlabFloor(final int entries, final int maxValueBytes, final UdfRegistry udfs, final int maxResultBytes)
    {
        this.maxValueBytes = maxValueBytes;
        this.udfs = udfs;
        slotBytes = BitUtil.align(LENGTH_BYTES + maxValueBytes, Long.BYTES);
        final long slabBytes = (long)entries * slotBytes;
        if (slabBytes > Integer.MAX_VALUE - BitUtil.CACHE_LINE_LENGTH)
        {
            throw new IllegalArgumentException(entries + " slots of " + slotBytes + " bytes exceed one buffer");
        }
        slab = new UnsafeBuffer(BufferUtil.allocateDirectAligned((int)slabBytes, BitUtil.CACHE_LINE_LENGTH));
        offsets = new Long2LongHashMap(entries * 2, Hashing.DEFAULT_LOAD_FACTOR, -1);
        result = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxResultBytes, BitUtil.CACHE_LINE_LENGTH));
        vertex = new Vertex(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxValueBytes, BitUtil.CACHE_LINE_LENGTH)));
    }

    public int get(final long vertexId, final MutableDirectBuffer dst)
    {
        final long offset = offsets.get(vertexId);
        if (offset < 0)
        {
            return -1;
        }
        final int index = (int)offset;
        final int length = (int)slab.getLong(index);
        dst.putBytes(0, slab, index + LENGTH_BYTES, length);
        return length;
    }

    public void put(final long vertexId, final DirectBuffer src, final int offset, final int length)
    {
        if (length > maxValueBytes)
        {
            throw new IllegalArgumentException("value of " + length + " bytes exceeds " + maxValueBytes);
        }
        long slotOffset = offsets.get(vertexId);
        if (slotOffset < 0)
        {
            if (nextSlotOffset + slotBytes > slab.capacity())
            {
                throw new IllegalStateException("floor slab is full");
            }
            slotOffset = nextSlotOffset;
            nextSlotOffset += slotBytes;
            offsets.put(vertexId, slotOffset);
        }
        final int index = (int)slotOffset;
        slab.putBytes(index + LENGTH_BYTES, src, offset, length);
        slab.putLong(index, length);
    }

    public int invoke(
        final long vertexId, final int udfId, final DirectBuffer argsBuffer, final int argsOffset,
        final int argsLength)
    {
        final Udf udf = udfs.get(udfId);
        final long offset = offsets.get(vertexId);
        if (null == udf || offset < 0)
        {
            return -1;
        }
        final int index = (int)offset;
        final int length = (int)slab.getLong(index);
        slot.wrap(slab, index + LENGTH_BYTES, length);
        vertex.wrap(vertexId, slot, length);
        args.wrap(argsBuffer, argsOffset, argsLength);
        final int computed = udf.compute(vertex, args, result);
        if (computed >= 0 && vertex.isUpdated())
        {
            slab.putBytes(index + LENGTH_BYTES, vertex.value(), 0, vertex.length());
            slab.putLong(index, vertex.length());
        }
        return computed;
    }

    /**
     * Nothing to do: the slab is an aligned slice of a direct buffer, which only the GC can free.
     */
    public void close()
    {
    }
}
