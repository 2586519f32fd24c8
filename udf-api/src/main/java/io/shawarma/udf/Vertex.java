package io.shawarma.udf;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Flyweight view of one vertex's value, handed to {@link Udf#compute}. The value occupies bytes
 * {@code [0, length())} of {@link #value()}; the buffer's capacity is the largest value the worker accepts.
 * <p>
 * A UDF that changes the value writes the new bytes into {@link #value()} and then calls {@link #update(int)}
 * with the new length; without that call the stored value is left as it was. A view is reused for every call on
 * the worker's thread and must not be kept after {@code compute} returns.
 */
public final class Vertex
{
    private final UnsafeBuffer value;
    private long id;
    private int length;
    private boolean updated;
    private int replicaId;

    /**
     * @param value the buffer the worker copies vertex values into; its capacity bounds a value's size.
     */
    public Vertex(final UnsafeBuffer value)
    {
        this.value = value;
    }

    /**
     * Points this view at another vertex whose value already sits in {@link #value()}. Called by the fabric.
     *
     * @param id     of the vertex.
     * @param length of its current value in bytes.
     * @return this for fluent use.
     */
    public Vertex wrap(final long id, final int length)
    {
        checkLength(length);
        this.id = id;
        this.length = length;
        this.updated = false;
        return this;
    }

    /**
     * Names the copy a call runs on: the worker running it, the owner or a borrower. Set by the fabric.
     *
     * @param replicaId of the worker running calls through this view.
     * @return this for fluent use.
     */
    public Vertex replicaId(final int replicaId)
    {
        this.replicaId = replicaId;
        return this;
    }

    /**
     * Mergeable (CRDT) vertex types key their per-replica state by it.
     *
     * @return the id of the worker this call runs on.
     */
    public int replicaId()
    {
        return replicaId;
    }

    /**
     * @return the id of the vertex.
     */
    public long id()
    {
        return id;
    }

    /**
     * @return length of the value in bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * @return the largest value length this view can hold.
     */
    public int capacity()
    {
        return value.capacity();
    }

    /**
     * @return the buffer holding the value at offset 0; writable, but see {@link #update(int)}.
     */
    public MutableDirectBuffer value()
    {
        return value;
    }

    /**
     * Declares that {@link #value()} now holds the new value in its first {@code newLength} bytes, to be stored
     * when the UDF returns successfully.
     *
     * @param newLength of the new value in bytes.
     */
    public void update(final int newLength)
    {
        checkLength(newLength);
        length = newLength;
        updated = true;
    }

    /**
     * @return true when the UDF called {@link #update(int)} during this call.
     */
    public boolean isUpdated()
    {
        return updated;
    }

    /**
     * @return a read-only view of exactly the value's bytes; allocates, so for tests and tools, not the hot path.
     */
    public DirectBuffer copyOfValue()
    {
        final byte[] bytes = new byte[length];
        value.getBytes(0, bytes);
        return new UnsafeBuffer(bytes);
    }

    private void checkLength(final int length)
    {
        if (length < 0 || length > value.capacity())
        {
            throw new IllegalArgumentException(
                "vertex value length " + length + " outside [0, " + value.capacity() + "]");
        }
    }
}
