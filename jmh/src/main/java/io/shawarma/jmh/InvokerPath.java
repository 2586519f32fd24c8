package io.shawarma.jmh;

import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The fabric's own path: get and put straight on the {@link VertexStore}, calls through a {@link LocalInvoker} over
 * it, as a worker's agent runs a call on a vertex it owns.
 */
final class InvokerPath implements VertexPath
{
    private final VertexStore store;
    private final LocalInvoker invoker;

    InvokerPath(final VertexStore store, final UdfRegistry udfs, final int maxResultBytes)
    {
        this.store = store;
        this.invoker = new LocalInvoker(store, udfs, maxResultBytes, Throwable::printStackTrace);
    }

    public int get(final long vertexId, final MutableDirectBuffer dst)
    {
        return store.get(vertexId, dst);
    }

    public void put(final long vertexId, final DirectBuffer src, final int offset, final int length)
    {
        store.put(vertexId, src, offset, length);
    }

    public int invoke(
        final long vertexId, final int udfId, final DirectBuffer args, final int argsOffset, final int argsLength)
    {
        final Status status = invoker.invoke(vertexId, udfId, args, argsOffset, argsLength);
        return Status.OK == status ? invoker.resultLength() : -1 - status.ordinal();
    }

    public void close()
    {
        store.close();
    }
}
