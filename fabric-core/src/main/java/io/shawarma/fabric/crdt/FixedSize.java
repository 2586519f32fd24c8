package io.shawarma.fabric.crdt;

import io.shawarma.udf.Vertex;

/**
 * The CRDT types keep fixed-size values; an empty (new) vertex stands for the type's bottom element, all zeros.
 */
final class FixedSize
{
    private FixedSize()
    {
    }

    /**
     * Makes the value exactly {@code size} bytes, zero filling a value that is shorter (a new vertex).
     *
     * @return the vertex's value length before the call.
     */
    static int ensure(final Vertex vertex, final int size)
    {
        final int length = vertex.length();
        if (length != size)
        {
            vertex.edit().setMemory(Math.min(length, size), size - Math.min(length, size), (byte)0);
            vertex.update(size);
        }
        return length;
    }
}
