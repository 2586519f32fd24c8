package io.shawarma.udf;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A user-defined function the fabric runs on a vertex, on the thread that owns the vertex.
 * <p>
 * Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.shawarma.udf.Udf} of a jar on the worker's classpath. One instance serves every call
 * on a worker thread, so {@code compute} must not allocate in steady state and must not keep the views it is given.
 * Callers name a UDF by {@link #name()}; on the wire it travels as {@link #idOf(CharSequence)} of that name.
 */
public interface Udf
{
    /**
     * @return the stable name callers use; ASCII, unique within a fabric.
     */
    String name();

    /**
     * Runs the function.
     *
     * @param vertex the vertex's value, read in place; to change it write {@link Vertex#newValue()} or
     *               {@link Vertex#edit()}, then call {@link Vertex#update(int)}.
     * @param args   the caller's argument bytes, exactly {@code args.capacity()} of them, at offset 0.
     * @param result where to write the result, from offset 0; its capacity bounds the result length.
     * @return the result length ({@code >= 0}) on success, or {@link #fail(Status)} of a status on failure.
     * An exception thrown here is caught, counted and answered as {@link Status#UDF_FAILED}.
     */
    int compute(Vertex vertex, DirectBuffer args, MutableDirectBuffer result);

    /**
     * Declares that {@code compute} never calls {@link Vertex#update(int)}: the scheduler may run it on a read-only
     * borrowed copy of the vertex, and counts it as a read when it weighs where a call runs.
     *
     * @return true when this UDF only reads the vertex.
     */
    default boolean isReadOnly()
    {
        return false;
    }

    /**
     * @return true when this UDF defines {@link #merge(Vertex, DirectBuffer)} for its vertex type.
     */
    default boolean isMergeable()
    {
        return false;
    }

    /**
     * Merges another copy of the vertex's value into {@code into}, for vertex types that can be lent and merged
     * back. Must be commutative, associative and idempotent.
     *
     * @param into the value to merge into; call {@link Vertex#update(int)} when it changes.
     * @param from the other copy's bytes, exactly {@code from.capacity()} of them.
     */
    default void merge(final Vertex into, final DirectBuffer from)
    {
        throw new UnsupportedOperationException("UDF " + name() + " has no merge");
    }

    /**
     * @param status why the call failed; not {@link Status#OK}.
     * @return the value {@code compute} returns to report that failure.
     */
    static int fail(final Status status)
    {
        return -status.code() - 1;
    }

    /**
     * @param computeReturn a negative return from {@code compute}.
     * @return the status it reports, {@link Status#UDF_FAILED} when it names none.
     */
    static Status failureOf(final int computeReturn)
    {
        final Status status = Status.of(-computeReturn - 1);
        return null == status || Status.OK == status ? Status.UDF_FAILED : status;
    }

    /**
     * The wire id of a UDF name: 32-bit FNV-1a over its characters. Stable across releases and machines.
     *
     * @param name of the UDF.
     * @return its id.
     */
    static int idOf(final CharSequence name)
    {
        int hash = 0x811C9DC5;
        for (int i = 0, length = name.length(); i < length; i++)
        {
            hash ^= name.charAt(i) & 0xFF;
            hash *= 0x01000193;
        }
        return hash;
    }
}
