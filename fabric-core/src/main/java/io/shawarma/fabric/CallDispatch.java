package io.shawarma.fabric;

import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.Replication;
import io.shawarma.messaging.Malformed;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Where each call runs: on this worker's vertices (the single writer), on a borrowed copy, at the owner (forwarded
 * when the caller allowed any-worker routing), or nowhere here (answered MOVED with the owner). A write to a vertex
 * that is moving away ({@link Ownership#movingTo}) is answered BACK_PRESSURED naming the target: not applied,
 * retryable; reads are still served. Any call on a vertex whose data is still on its way here
 * ({@link Ownership#isArriving}) is answered BACK_PRESSURED naming this worker, never NO_SUCH_VERTEX; so is a write the
 * ownership refuses for now ({@link Ownership#writeRefusal}). The answer to a write that has backups waits in
 * {@link HeldReplies} until they applied it. A call naming a {@link WorkerCommand} runs here, on no vertex, before
 * any of that. Every call ends in an answer.
 */
final class CallDispatch
{
    private static final UnsafeBuffer[] MALFORMED_TEXT = new UnsafeBuffer[Malformed.REASON_COUNT];
    private static final UnsafeBuffer VERTEX_MOVING = Replies.ascii("slot moving to another worker; retry shortly");
    private static final UnsafeBuffer VERTEX_ARRIVING =
        Replies.ascii("slot's data on its way to this worker; retry shortly");

    static
    {
        for (int i = 0; i < Malformed.REASON_COUNT; i++)
        {
            MALFORMED_TEXT[i] = Replies.ascii(Malformed.describe(i));
        }
    }

    private final int workerId;
    private final Ownership placement;
    private final Scheduler scheduler;
    private final LocalInvoker invoker;
    private final WorkerCommands commands;
    private final Replies replies;
    private final Forwarding forwarding;
    private final Borrowing borrowing;
    private final HeldReplies held;

    CallDispatch(
        final int workerId, final Ownership placement, final LocalInvoker invoker, final WorkerCommands commands,
        final Replies replies, final HeldReplies held, final Forwarding forwarding, final Borrowing borrowing)
    {
        this.commands = commands;
        this.held = held;
        this.workerId = workerId;
        this.placement = placement;
        this.scheduler = new Scheduler(workerId, placement);
        this.invoker = invoker;
        this.replies = replies;
        this.forwarding = forwarding;
        this.borrowing = borrowing;
    }

    void onInvoke(
        final Peer caller, final long correlationId, final long vertexId, final int udfId, final int routing,
        final DirectBuffer buffer, final int argsOffset, final int argsLength, final long nowNs)
    {
        if (null != commands && commands.isCommand(udfId))
        {
            final Status status = commands.execute(udfId, buffer, argsOffset, argsLength);
            final CommandAnswer answer = commands.answer();
            replies.send(caller, correlationId, status, Replies.NO_OWNER, answer.buffer(), answer.length());
            return;
        }
        switch (scheduler.decide(vertexId, routing))
        {
            case Scheduler.LOCAL:
                final Udf udf = invoker.udf(udfId);
                if (!isServedHere(caller, correlationId, vertexId, null != udf && udf.isReadOnly()))
                {
                    break;
                }
                if (null != udf && borrowing.refusesAtOwner(caller, correlationId, vertexId, udfId, udf.isReadOnly()))
                {
                    break;
                }
                answer(caller, correlationId, invoker.invoke(vertexId, udf, buffer, argsOffset, argsLength));
                break;

            case Scheduler.FORWARD:
                final int ownerId = placement.ownerOf(vertexId);
                final int borrowed = borrowing.runBorrowed(
                    caller, correlationId, ownerId, vertexId, udfId, buffer, argsOffset, argsLength, nowNs);
                if (Borrowing.RAN_BORROWED != borrowed)
                {
                    forwarding.forward(caller, correlationId, ownerId, vertexId, udfId, buffer, argsOffset, argsLength,
                        nowNs);
                    if (Borrowing.FORWARD_THEN_BORROW == borrowed)
                    {
                        borrowing.request(ownerId, vertexId, udfId, nowNs);
                    }
                }
                break;

            default:
                replies.send(caller, correlationId, Status.MOVED, placement.ownerOf(vertexId), Replies.EMPTY, 0);
        }
    }

    void onPut(
        final Peer caller, final long correlationId, final long vertexId, final DirectBuffer buffer,
        final int valueOffset, final int valueLength)
    {
        if (isOwnedOrMoved(caller, correlationId, vertexId) && isServedHere(caller, correlationId, vertexId, false) &&
            !borrowing.refusesAtOwner(caller, correlationId, vertexId, 0, false))
        {
            answer(caller, correlationId, invoker.put(vertexId, buffer, valueOffset, valueLength));
        }
    }

    void onGet(final Peer caller, final long correlationId, final long vertexId)
    {
        if (isOwnedOrMoved(caller, correlationId, vertexId) && isServedHere(caller, correlationId, vertexId, true) &&
            !borrowing.refusesAtOwner(caller, correlationId, vertexId, 0, true))
        {
            final Status status = invoker.get(vertexId);
            replies.send(caller, correlationId, status, Replies.NO_OWNER, invoker.result(), invoker.resultLength());
        }
    }

    void onMalformed(final Peer caller, final long correlationId, final int reason)
    {
        replies.send(caller, correlationId, Status.MALFORMED, Replies.NO_OWNER, MALFORMED_TEXT[reason]);
    }

    private void answer(final Peer caller, final long correlationId, final Status status)
    {
        final long sequence = invoker.heldSequence();
        if (Replication.NOT_HELD == sequence)
        {
            replies.send(caller, correlationId, status, Replies.NO_OWNER, invoker.result(), invoker.resultLength());
        }
        else
        {
            held.hold(sequence, caller, correlationId, status, invoker.result(), invoker.resultLength());
        }
    }

    /**
     * @return false when the vertex's data has not arrived here yet, or the call writes and the vertex is moving away
     * or its writes are refused for now: answered BACK_PRESSURED naming where to retry.
     */
    private boolean isServedHere(final Peer caller, final long correlationId, final long vertexId, final boolean read)
    {
        if (placement.isArriving(vertexId))
        {
            replies.send(caller, correlationId, Status.BACK_PRESSURED, workerId, VERTEX_ARRIVING);
            return false;
        }
        if (read)
        {
            return true;
        }
        final int targetId = placement.movingTo(vertexId);
        if (Ownership.NO_WORKER != targetId)
        {
            replies.send(caller, correlationId, Status.BACK_PRESSURED, targetId, VERTEX_MOVING);
            return false;
        }
        final DirectBuffer refusal = placement.writeRefusal(vertexId);
        if (null != refusal)
        {
            replies.send(caller, correlationId, Status.BACK_PRESSURED, workerId, refusal);
            return false;
        }
        return true;
    }

    private boolean isOwnedOrMoved(final Peer caller, final long correlationId, final long vertexId)
    {
        final int ownerId = placement.ownerOf(vertexId);
        if (ownerId != workerId)
        {
            replies.send(caller, correlationId, Status.MOVED, ownerId, Replies.EMPTY, 0);
            return false;
        }
        return true;
    }
}
