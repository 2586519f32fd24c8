package io.shawarma.fabric;

import io.shawarma.codecs.LeaseMode;
import io.shawarma.fabric.borrow.BorrowedCopies;
import io.shawarma.fabric.borrow.Borrower;
import io.shawarma.fabric.borrow.CostModel;
import io.shawarma.fabric.borrow.LeaseTable;
import io.shawarma.fabric.borrow.Lender;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A worker's side of borrowing: it lends the vertices it owns ({@link Lender}) and borrows others' when the cost
 * model says so ({@link Borrower}), and wires both to the worker's peers and replies. See docs/borrowing.md.
 */
final class Borrowing
{
    /** The call ran on a borrowed copy and was answered. */
    static final int RAN_BORROWED = 0;
    /** Forward the call to the owner. */
    static final int FORWARD_ONLY = 1;
    /** Forward the call, then ask the owner for a copy. */
    static final int FORWARD_THEN_BORROW = 2;

    private static final UnsafeBuffer VERTEX_LENT = Replies.ascii("vertex is lent; retry after the lease");
    private static final int MAX_LENT_VERTICES = 4096;

    private final int workerId;
    private final LocalInvoker invoker;
    private final Ownership placement;
    private final PeerSessions sessions;
    private final FabricProxy proxy;
    private final Replies replies;
    private final Lender lender;
    private final Borrower borrower;
    private final CostModel costModel;

    Borrowing(
        final Worker.Context context, final LocalInvoker invoker, final Ownership placement,
        final PeerSessions sessions, final FabricProxy proxy, final Replies replies)
    {
        this.workerId = context.workerId();
        this.invoker = invoker;
        this.placement = placement;
        this.sessions = sessions;
        this.proxy = proxy;
        this.replies = replies;
        final long leaseNs = context.borrowLeaseNs();
        final BorrowLink link = new BorrowLink(workerId, proxy, placement, sessions);
        this.lender = new Lender(workerId, invoker,
            new LeaseTable(MAX_LENT_VERTICES, context.members().size(), leaseNs, leaseNs / 4), link);
        this.borrower = new Borrower(invoker, new BorrowedCopies(context.borrowSlots(), context.storeValueMaxBytes()),
            link, leaseNs / 4, leaseNs);
        this.costModel = new CostModel(new CostModel.Context()
            .policy(CostModel.Context.policyOf(context.schedulerPolicy()))
            .leaseDurationNs(leaseNs)
            .maxBorrowBytes(context.storeValueMaxBytes()));
    }

    CostModel costModel()
    {
        return costModel;
    }

    /**
     * Answers LENT to a call at the owner while the vertex is lent in a way the call may not pass (a write, or any
     * call while it is lent exclusively; the owner then revokes the loan).
     *
     * @return true when the call was answered LENT.
     */
    boolean refusesAtOwner(
        final Peer caller, final long correlationId, final long vertexId, final int udfId, final boolean readOnly)
    {
        if (Status.LENT == lender.beforeOwnerCall(vertexId, udfId, readOnly, caller.id))
        {
            replies.send(caller, correlationId, Status.LENT, Replies.NO_OWNER, VERTEX_LENT);
            return true;
        }
        return false;
    }

    /**
     * Runs a call on a vertex another worker owns here, on a borrowed copy, when the cost model says BORROW and a
     * copy is held.
     *
     * @param ownerId the vertex's owner.
     * @return {@link #RAN_BORROWED} when the call ran and was answered; else {@link #FORWARD_ONLY} or, when the
     * model says BORROW but no copy is held yet, {@link #FORWARD_THEN_BORROW}.
     */
    int runBorrowed(
        final Peer caller, final long correlationId, final int ownerId, final long vertexId, final int udfId,
        final DirectBuffer buffer, final int argsOffset, final int argsLength, final long nowNs)
    {
        final Udf udf = invoker.udf(udfId);
        if (null == udf)
        {
            return FORWARD_ONLY;
        }
        final int slot = borrower.usableSlot(vertexId, udfId, nowNs);
        if (CostModel.BORROW != costModel.decide(vertexId, ownerId, !udf.isReadOnly(), argsLength, slot >= 0, nowNs))
        {
            return FORWARD_ONLY;
        }
        if (slot < 0)
        {
            return borrower.isBorrowing(vertexId) ? FORWARD_ONLY : FORWARD_THEN_BORROW;
        }
        final Status status = borrower.invoke(slot, udfId, buffer, argsOffset, argsLength);
        replies.send(caller, correlationId, status, Replies.NO_OWNER, invoker.result(), invoker.resultLength());
        return RAN_BORROWED;
    }

    /**
     * Asks the owner for a copy, after a forwarded call on the same stream: the owner runs that call first.
     */
    void request(final int ownerId, final long vertexId, final int udfId, final long nowNs)
    {
        borrower.request(ownerId, vertexId, udfId, nowNs);
    }

    void onRequest(final int senderId, final long correlationId, final long vertexId, final int udfId, final long nowNs)
    {
        final int ownerId = placement.ownerOf(vertexId);
        if (ownerId != workerId)
        {
            final Peer peer = sessions.peer(senderId);
            if (null != peer)
            {
                proxy.borrowGrant(peer.publication, workerId, correlationId, placement.epoch(), vertexId,
                    io.shawarma.codecs.Status.MOVED, LeaseMode.READ_ONLY, 0, 0, 0, 0, ownerId, Replies.EMPTY, 0, 0);
            }
            return;
        }
        lender.onRequest(senderId, correlationId, vertexId, udfId, nowNs);
    }

    void onGrant(
        final int senderId, final long correlationId, final long vertexId, final int status, final int mode,
        final long leaseId, final long version, final long leaseDurationNs, final DirectBuffer buffer,
        final int valueOffset, final int valueLength, final long nowNs)
    {
        final long requestedNs = borrower.requestedAtNs(vertexId);
        if (requestedNs >= 0)
        {
            costModel.onRoundTrip(senderId, nowNs - requestedNs);
        }
        if (Status.OK.code() == status)
        {
            costModel.onValueSize(vertexId, valueLength);
        }
        else if (Status.LENT.code() == status)
        {
            costModel.onConflict(vertexId, nowNs);
        }
        borrower.onGrant(senderId, correlationId, vertexId, status, LeaseMode.get((short)mode), leaseId, version,
            leaseDurationNs, buffer, valueOffset, valueLength, nowNs);
    }

    void onReturn(
        final int senderId, final long correlationId, final long vertexId, final long leaseId, final boolean changed,
        final int mode, final int udfId, final DirectBuffer buffer, final int valueOffset, final int valueLength,
        final long nowNs)
    {
        lender.onReturn(senderId, correlationId, vertexId, leaseId, changed, LeaseMode.get((short)mode), udfId, buffer,
            valueOffset, valueLength, nowNs);
    }

    void onReturnAck(final long vertexId, final long leaseId, final int status)
    {
        borrower.onReturnAck(vertexId, leaseId, status);
    }

    void onRevoke(final long vertexId, final long leaseId, final long nowNs)
    {
        costModel.onConflict(vertexId, nowNs);
        borrower.onRevoke(vertexId, leaseId, nowNs);
    }

    int doWork(final long nowNs)
    {
        return lender.doWork(nowNs) + borrower.doWork(nowNs);
    }

    /**
     * Gives borrowed copies back so their writes reach the owners; best effort, the owner's expiry covers the rest.
     */
    void returnAll(final long nowNs)
    {
        borrower.returnAll(nowNs);
    }

    void publish(final WorkerCounters counters)
    {
        counters.publish(lender, borrower, costModel);
    }
}
