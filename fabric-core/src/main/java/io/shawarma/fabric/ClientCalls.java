package io.shawarma.fabric;

import io.aeron.ExclusivePublication;
import io.shawarma.codecs.Routing;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.IntSupplier;

/**
 * A client's synchronous call to one worker: says Hello first when due ({@link ClientHellos#welcome}), sends the
 * call, and waits for its answer (or its expiry) while polling. A worker that answers UNAUTHENTICATED, or does not
 * answer in time, is forgotten, so it hears Hello again before the next call: a restarted worker does not know this
 * client, drops its calls (the first call after the restart times out) and is welcomed again by the next one. A
 * worker that is not connected is answered OWNER_UNREACHABLE without sending. Allocation free.
 */
final class ClientCalls
{
    static final int INVOKE = 0;
    static final int PUT = 1;
    static final int GET = 2;

    private static final UnsafeBuffer NOT_CONNECTED =
        Replies.ascii("worker not connected: it is down, or this client cannot reach it; the call was not sent");

    private final FabricClient.Context context;
    private final int clientId;
    private final ClientReceiver receiver;
    private final PendingCalls pending;
    private final FabricProxy proxy;
    private final Placement placement;
    private final PeersById<ExclusivePublication> workers;
    private final ClientHellos hellos;
    private final IdleStrategy idle;
    private final NanoClock clock;
    private final IntSupplier poller;

    ClientCalls(
        final FabricClient.Context context, final ClientReceiver receiver, final FabricProxy proxy,
        final Placement placement, final PeersById<ExclusivePublication> workers, final ClientHellos hellos,
        final IdleStrategy idle, final IntSupplier poller)
    {
        this.context = context;
        this.clientId = context.clientId();
        this.receiver = receiver;
        this.pending = receiver.pending;
        this.proxy = proxy;
        this.placement = placement;
        this.workers = workers;
        this.hellos = hellos;
        this.idle = idle;
        this.clock = context.nanoClock();
        this.poller = poller;
    }

    /**
     * @return polls the client's subscription and expires its calls.
     */
    IntSupplier poller()
    {
        return poller;
    }

    Status callAt(
        final int kind, final int workerId, final Routing routing, final long vertexId, final int udfId,
        final DirectBuffer buffer, final int offset, final int length, final MutableDirectBuffer result)
    {
        final ExclusivePublication publication = workers.get(workerId);
        if (null == publication)
        {
            throw new IllegalArgumentException("worker " + workerId + " is not in the fabric " + context.members());
        }
        final long deadlineNs = clock.nanoTime() + context.callTimeoutNs();
        final Status welcome = hellos.welcome(workerId, deadlineNs, poller);
        if (Status.OK != welcome)
        {
            receiver.localOutcome(workerId, result, Status.OWNER_UNREACHABLE == welcome ? NOT_CONNECTED : null);
            return welcome;
        }
        final long correlationId = pending.add(deadlineNs, workerId, 0);
        if (0 == correlationId || !send(kind, publication, correlationId, routing, vertexId, udfId, buffer, offset,
            length))
        {
            return sendFailed(correlationId);
        }
        final Status status = await(correlationId, result);
        if (Status.UNAUTHENTICATED == status)
        {
            receiver.forget(workerId);
        }
        return status;
    }

    private boolean send(
        final int kind, final ExclusivePublication publication, final long correlationId, final Routing routing,
        final long vertexId, final int udfId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long epoch = placement.epoch();
        switch (kind)
        {
            case INVOKE:
                return proxy.invoke(publication, clientId, correlationId, epoch, vertexId, udfId, routing, buffer,
                    offset, length);
            case PUT:
                return proxy.putVertex(publication, clientId, correlationId, epoch, vertexId, buffer, offset, length);
            default:
                return proxy.getVertex(publication, clientId, correlationId, epoch, vertexId);
        }
    }

    private Status await(final long correlationId, final MutableDirectBuffer result)
    {
        receiver.await(correlationId, result);
        idle.reset();
        Status status;
        while (null == (status = receiver.awaitedStatus()))
        {
            idle.idle(poller.getAsInt());
        }
        receiver.endAwait();
        final int resultLength = receiver.resultLength();
        if (null != result && resultLength > result.capacity() && !result.isExpandable())
        {
            throw new IllegalArgumentException(
                "result of " + resultLength + " bytes does not fit a buffer of " + result.capacity());
        }
        return status;
    }

    private Status sendFailed(final long correlationId)
    {
        receiver.sendFailed(correlationId);
        return Status.BACK_PRESSURED;
    }
}
