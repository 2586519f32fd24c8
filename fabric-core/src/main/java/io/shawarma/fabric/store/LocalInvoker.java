package io.shawarma.fabric.store;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Runs calls on vertices this worker owns: points a reused view at the stored value in place (no copy in), runs the
 * UDF, and stores the new value with one {@link VertexStore#put} only when the UDF updated it and returned
 * successfully, so a UDF that throws or fails leaves the stored value as it was; so does a store that is full, and
 * the call is answered STORE_FULL. Single threaded (the owning agent's thread); allocation free unless a call fails.
 */
public final class LocalInvoker
{
    private final VertexStore store;
    private final UnsafeBuffer stored = new UnsafeBuffer(0, 0);
    private final UdfRegistry udfs;
    private final ErrorHandler errorHandler;
    private final Vertex vertex;
    private final UnsafeBuffer args = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer result;
    private int resultLength;
    private int copyLength;
    private boolean copyUpdated;
    private Replication replication = Replication.NONE;
    private long heldSequence;

    /**
     * @param store           the worker's local vertices.
     * @param udfs            the UDFs it can run.
     * @param maxResultBytes  largest result a UDF may write.
     * @param errorHandler    records UDF exceptions (once per distinct cause in the worker's error log).
     */
    public LocalInvoker(
        final VertexStore store, final UdfRegistry udfs, final int maxResultBytes, final ErrorHandler errorHandler)
    {
        this.store = store;
        this.udfs = udfs;
        this.errorHandler = errorHandler;
        this.vertex = new Vertex(new UnsafeBuffer(BufferUtil.allocateDirectAligned(store.maxValueBytes(), 64)));
        this.result = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxResultBytes, 64));
    }

    /**
     * Runs a UDF on a local vertex.
     *
     * @return the status; the result (or an error text) is in {@link #result()} for {@link #resultLength()} bytes.
     */
    public Status invoke(
        final long vertexId, final int udfId, final DirectBuffer argsBuffer, final int argsOffset, final int argsLength)
    {
        return invoke(vertexId, udfs.get(udfId), argsBuffer, argsOffset, argsLength);
    }

    /**
     * Runs a UDF the caller has already looked up ({@link #udf(int)}) on a local vertex.
     *
     * @param udf the UDF, or null when none has the id the call named (answered NO_SUCH_UDF).
     * @return the status; the result (or an error text) is in {@link #result()} for {@link #resultLength()} bytes.
     */
    public Status invoke(
        final long vertexId, final Udf udf, final DirectBuffer argsBuffer, final int argsOffset, final int argsLength)
    {
        resultLength = 0;
        heldSequence = Replication.NOT_HELD;
        if (null == udf)
        {
            return Status.NO_SUCH_UDF;
        }
        final int length = store.view(vertexId, stored);
        if (length < 0)
        {
            return Status.NO_SUCH_VERTEX;
        }

        vertex.wrap(vertexId, stored, length);
        final Status status = run(udf, argsBuffer, argsOffset, argsLength);
        return Status.OK == status && vertex.isUpdated() ? store(vertexId, vertex.value(), 0, vertex.length()) : status;
    }

    /**
     * Runs a UDF on a copy of a vertex held outside the store (a borrowed copy), writing the new value back into
     * the copy when the UDF updated it. The store is not touched.
     *
     * @param copy       holding the value at offset 0; its capacity must be at least the store's largest value.
     * @param copyLength of the value.
     * @return the status; on OK the copy's new length is {@link #copyLength()}.
     */
    public Status invokeOnCopy(
        final long vertexId, final int udfId, final MutableDirectBuffer copy, final int copyLength,
        final DirectBuffer argsBuffer, final int argsOffset, final int argsLength)
    {
        resultLength = 0;
        heldSequence = Replication.NOT_HELD;
        final Udf udf = udfs.get(udfId);
        if (null == udf)
        {
            return Status.NO_SUCH_UDF;
        }
        vertex.wrap(vertexId, copy, copyLength);
        final Status status = run(udf, argsBuffer, argsOffset, argsLength);
        this.copyLength = copyLength;
        copyUpdated = Status.OK == status && vertex.isUpdated();
        if (copyUpdated)
        {
            copy.putBytes(0, vertex.value(), 0, vertex.length());
            this.copyLength = vertex.length();
        }
        return status;
    }

    /**
     * @return true when the last {@link #invokeOnCopy} changed the copy.
     */
    public boolean copyUpdated()
    {
        return copyUpdated;
    }

    /**
     * @return the length of the copy after the last {@link #invokeOnCopy}.
     */
    public int copyLength()
    {
        return copyLength;
    }

    /**
     * Merges another copy of a local vertex into it with a UDF's merge (a borrowed copy coming back).
     *
     * @return OK, NO_SUCH_UDF, NO_SUCH_VERTEX, UDF_FAILED when the UDF has no merge or its merge threw, or the
     * store's refusal.
     */
    public Status merge(
        final long vertexId, final int udfId, final DirectBuffer from, final int fromOffset, final int fromLength)
    {
        resultLength = 0;
        heldSequence = Replication.NOT_HELD;
        final Udf udf = udfs.get(udfId);
        if (null == udf)
        {
            return Status.NO_SUCH_UDF;
        }
        if (!udf.isMergeable())
        {
            return failure("UDF '" + udf.name() + "' has no merge");
        }
        final int length = store.view(vertexId, stored);
        if (length < 0)
        {
            return Status.NO_SUCH_VERTEX;
        }
        vertex.wrap(vertexId, stored, length);
        args.wrap(from, fromOffset, fromLength);
        try
        {
            udf.merge(vertex, args);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
            return failure("merge of UDF '" + udf.name() + "' threw " + ex);
        }
        return vertex.isUpdated() ? store(vertexId, vertex.value(), 0, vertex.length()) : Status.OK;
    }

    /**
     * @param replication told of every value stored; {@link Replication#NONE} by default.
     * @return this for fluent use.
     */
    public LocalInvoker replication(final Replication replication)
    {
        this.replication = replication;
        return this;
    }

    /**
     * @return the sequence under which the answer to the last call waits for its backups, or
     * {@link Replication#NOT_HELD} when it may go at once (nothing written, or no backups).
     */
    public long heldSequence()
    {
        return heldSequence;
    }

    /**
     * @param replicaId the id of the worker whose calls this invoker runs; CRDT types key their state by it.
     * @return this for fluent use.
     */
    public LocalInvoker replicaId(final int replicaId)
    {
        vertex.replicaId(replicaId);
        return this;
    }

    /**
     * @param udfId wire id of a UDF.
     * @return the UDF, or null when none has that id.
     */
    public Udf udf(final int udfId)
    {
        return udfs.get(udfId);
    }

    /**
     * @return the largest vertex value the store accepts.
     */
    public int maxValueBytes()
    {
        return store.maxValueBytes();
    }

    private Status run(final Udf udf, final DirectBuffer argsBuffer, final int argsOffset, final int argsLength)
    {
        args.wrap(argsBuffer, argsOffset, argsLength);
        final int computed;
        try
        {
            computed = udf.compute(vertex, args, result);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
            return failure("UDF '" + udf.name() + "' threw " + ex);
        }

        if (computed < 0)
        {
            return Udf.failureOf(computed);
        }
        if (computed > result.capacity())
        {
            return failure("UDF '" + udf.name() + "' returned length " + computed + " beyond its result buffer");
        }
        resultLength = computed;
        return Status.OK;
    }

    /**
     * Creates or replaces a local vertex's value.
     *
     * @return OK, MALFORMED for a value too large, or STORE_FULL when the store is full (the text names the limit).
     */
    public Status put(final long vertexId, final DirectBuffer buffer, final int offset, final int length)
    {
        resultLength = 0;
        heldSequence = Replication.NOT_HELD;
        if (length > store.maxValueBytes())
        {
            return failure(Status.MALFORMED, "value of " + length + " bytes exceeds shawarma.store.value.max.bytes=" +
                store.maxValueBytes());
        }
        return store(vertexId, buffer, offset, length);
    }

    /**
     * Reads a local vertex's value into {@link #result()}.
     *
     * @return OK or NO_SUCH_VERTEX.
     */
    public Status get(final long vertexId)
    {
        resultLength = 0;
        heldSequence = Replication.NOT_HELD;
        final int length = store.view(vertexId, stored);
        if (length < 0)
        {
            return Status.NO_SUCH_VERTEX;
        }
        resultLength = Math.min(length, result.capacity());
        result.putBytes(0, stored, 0, resultLength);
        return Status.OK;
    }

    /**
     * @return the last call's result or error text.
     */
    public MutableDirectBuffer result()
    {
        return result;
    }

    /**
     * @return the last call's result length.
     */
    public int resultLength()
    {
        return resultLength;
    }

    private Status store(final long vertexId, final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            store.put(vertexId, buffer, offset, length);
            heldSequence = replication.onWrite(vertexId);
            return Status.OK;
        }
        catch (final VertexStoreFullException ex)
        {
            // Not back pressure: a retry fails the same way until space is freed or the limit is raised.
            errorHandler.onError(ex);
            return failure(Status.STORE_FULL, ex.getMessage());
        }
        catch (final IllegalArgumentException ex)
        {
            // A value this store cannot hold whatever is removed (within shawarma.store.value.max.bytes).
            errorHandler.onError(ex);
            return failure(Status.MALFORMED, "vertex store refused the value: " + ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
            return failure(Status.BACK_PRESSURED, "vertex store refused the value: " + ex.getMessage());
        }
    }

    private Status failure(final String text)
    {
        return failure(Status.UDF_FAILED, text);
    }

    private Status failure(final Status status, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        resultLength = Math.min(bytes.length, result.capacity());
        result.putBytes(0, bytes, 0, resultLength);
        return status;
    }
}
