package io.shawarma.fabric;

import io.shawarma.codecs.Routing;
import io.shawarma.fabric.borrow.CostModel;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Calls this worker ships to their vertex's owner on a caller's behalf: each is held (bounded) until the owner's
 * answer is relayed to the caller, or its deadline passes and the caller is answered TIMEOUT.
 */
final class Forwarding
{
    private static final UnsafeBuffer OWNER_UNREACHABLE =
        Replies.ascii("owner not connected: it is down, or this worker cannot reach it; the call did not run");
    private static final UnsafeBuffer TOO_MANY_PENDING = Replies.ascii("too many forwarded calls in flight");
    private static final UnsafeBuffer FORWARD_TIMED_OUT = Replies.ascii("owner did not answer in time");
    private static final UnsafeBuffer ARGS_TOO_LARGE =
        Replies.ascii("args larger than the forwarding worker's shawarma.max.payload.bytes");

    private final int workerId;
    private final long callTimeoutNs;
    private final PeerSessions sessions;
    private final FabricProxy proxy;
    private final Ownership placement;
    private final Replies replies;
    private final WorkerCounters counters;
    private final CostModel costModel;
    private final PendingCalls forwarded;
    private final PendingCalls.ExpiryHandler onExpired = this::onExpired;

    Forwarding(
        final Worker.Context context, final PeerSessions sessions, final FabricProxy proxy, final Ownership placement,
        final Replies replies, final WorkerCounters counters, final CostModel costModel)
    {
        this.workerId = context.workerId();
        this.callTimeoutNs = context.callTimeoutNs();
        this.forwarded = new PendingCalls(context.maxPendingCalls());
        this.sessions = sessions;
        this.proxy = proxy;
        this.placement = placement;
        this.replies = replies;
        this.counters = counters;
        this.costModel = costModel;
    }

    /**
     * Ships a call to the vertex's owner, or answers the caller OWNER_UNREACHABLE when the owner is not connected,
     * BACK_PRESSURED when it cannot hold the call (too many calls in flight, no room left under back pressure), or
     * MALFORMED when its args are larger than this worker sends.
     */
    void forward(
        final Peer caller, final long callerCorrelationId, final int ownerId, final long vertexId, final int udfId,
        final DirectBuffer buffer, final int argsOffset, final int argsLength, final long nowNs)
    {
        if (argsLength > proxy.maxPayloadBytes())
        {
            replies.send(caller, callerCorrelationId, Status.MALFORMED, ownerId, ARGS_TOO_LARGE);
            return;
        }
        final Peer owner = sessions.peer(ownerId);
        if (null == owner || !sessions.isReachable(owner))
        {
            replies.send(caller, callerCorrelationId, Status.OWNER_UNREACHABLE, ownerId, OWNER_UNREACHABLE);
            return;
        }

        final long correlationId = forwarded.add(nowNs + callTimeoutNs, caller.id, callerCorrelationId);
        if (0 == correlationId)
        {
            replies.send(caller, callerCorrelationId, Status.BACK_PRESSURED, Replies.NO_OWNER, TOO_MANY_PENDING);
            return;
        }

        counters.invokesForwarded.incrementRelease();
        if (!proxy.invoke(owner.publication, workerId, correlationId, placement.epoch(), vertexId, udfId,
            Routing.DIRECT, buffer, argsOffset, argsLength))
        {
            forwarded.remove(forwarded.indexOf(correlationId));
            replies.send(caller, callerCorrelationId, Status.BACK_PRESSURED, ownerId, Replies.EMPTY, 0);
        }
    }

    /**
     * Relays an owner's answer to the caller whose call it was; an answer after its call's deadline is counted.
     */
    void onResult(
        final int senderId, final long correlationId, final int status, final int ownerId, final DirectBuffer buffer,
        final int resultOffset, final int resultLength, final long nowNs)
    {
        final int index = forwarded.indexOf(correlationId);
        if (index < 0)
        {
            counters.lateResults.incrementRelease();
            return;
        }
        final int callerId = forwarded.callerId(index);
        final long callerCorrelationId = forwarded.callerCorrelationId(index);
        costModel.onRoundTrip(senderId, nowNs - (forwarded.deadlineNs(index) - callTimeoutNs));
        costModel.onResult(resultLength);
        forwarded.remove(index);
        final Peer caller = sessions.peer(callerId);
        if (null != caller)
        {
            replies.send(caller, callerCorrelationId, Status.of(status), ownerId, buffer, resultOffset, resultLength);
        }
    }

    /**
     * @return calls past their deadline, answered TIMEOUT.
     */
    int expire(final long nowNs)
    {
        return forwarded.expire(nowNs, onExpired);
    }

    /**
     * @return calls in flight to their owners: this worker's load.
     */
    int inFlight()
    {
        return forwarded.size();
    }

    private void onExpired(final long correlationId, final int callerId, final long callerCorrelationId)
    {
        final Peer caller = sessions.peer(callerId);
        if (null != caller)
        {
            replies.send(caller, callerCorrelationId, Status.TIMEOUT, Replies.NO_OWNER, FORWARD_TIMED_OUT);
        }
    }
}
