package io.shawarma.udf;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Flyweight view of one vertex's value, handed to {@link Udf#compute} and {@link Udf#merge}.
 * <p>
 * {@link #value()} is the stored value, read in place: no copy is made before the UDF runs, and it must not be
 * written. A UDF that changes the value writes the new bytes into {@link #newValue()} (a whole new value) or
 * {@link #edit()} (a copy of the current value, for a change to some of its bytes), then calls {@link #update(int)}
 * with the new length. The new value is stored only when the UDF returns successfully: a UDF that fails or throws
 * leaves the stored value as it was. After {@code update}, {@link #value()} and {@link #length()} show the new value.
 * <p>
 * A view is reused for every call on the worker's thread and must not be kept after the call returns.
 */
public final class Vertex
{
    private final UnsafeBuffer next;
    private DirectBuffer current;
    private long id;
    private int length;
    private boolean updated;
    private boolean writing;
    private int replicaId;

    /**
     * @param newValue the buffer a UDF writes a new value into; its capacity bounds a value's size.
     */
    public Vertex(final UnsafeBuffer newValue)
    {
        this.next = newValue;
        this.current = newValue;
    }

    /**
     * Points this view at a vertex's value. Called by the fabric.
     *
     * @param id     of the vertex.
     * @param value  holding the value from index 0, read in place.
     * @param length of the value in bytes.
     * @return this for fluent use.
     */
    public Vertex wrap(final long id, final DirectBuffer value, final int length)
    {
        checkLength(length);
        this.id = id;
        this.current = value;
        this.length = length;
        this.updated = false;
        this.writing = false;
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
     * @return the largest value length a vertex may have.
     */
    public int capacity()
    {
        return next.capacity();
    }

    /**
     * @return the value, bytes {@code [0, length())}, in place; read only.
     */
    public DirectBuffer value()
    {
        return current;
    }

    /**
     * The buffer for a whole new value, from index 0; call {@link #update(int)} when it is written. Its bytes are
     * unspecified until this call writes them.
     *
     * @return the new value's buffer, of {@link #capacity()} bytes.
     */
    public MutableDirectBuffer newValue()
    {
        writing = true;
        return next;
    }

    /**
     * The buffer for a new value that starts as a copy of the current one (copied on the first call of
     * {@code edit} or {@code newValue} in this call), for a UDF that changes some bytes of the value; call
     * {@link #update(int)} when done.
     *
     * @return the new value's buffer, of {@link #capacity()} bytes.
     */
    public MutableDirectBuffer edit()
    {
        if (!writing)
        {
            next.putBytes(0, current, 0, length);
            writing = true;
        }
        return next;
    }

    /**
     * Declares that the new value is the first {@code newLength} bytes of {@link #newValue()}, to be stored when the
     * UDF returns successfully. Without a prior {@code newValue} or {@code edit}, it keeps the first
     * {@code newLength} bytes of the current value (bytes beyond its old length are unspecified).
     *
     * @param newLength of the new value in bytes.
     */
    public void update(final int newLength)
    {
        checkLength(newLength);
        if (!writing)
        {
            next.putBytes(0, current, 0, Math.min(length, newLength));
            writing = true;
        }
        current = next;
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
     * @return a copy of exactly the value's bytes; allocates, so for tests and tools, not the hot path.
     */
    public DirectBuffer copyOfValue()
    {
        final byte[] bytes = new byte[length];
        current.getBytes(0, bytes);
        return new UnsafeBuffer(bytes);
    }

    private void checkLength(final int length)
    {
        if (length < 0 || length > next.capacity())
        {
            throw new IllegalArgumentException(
                "vertex value length " + length + " outside [0, " + next.capacity() + "]");
        }
    }
}
