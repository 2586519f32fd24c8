package io.shawarma.fabric;

import io.shawarma.codecs.LeaseMode;
import io.shawarma.fabric.borrow.BorrowSender;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;

/**
 * Sends a worker's borrowing messages to its worker peers through its proxy. Allocation free.
 */
final class BorrowLink implements BorrowSender
{
    private final int workerId;
    private final FabricProxy proxy;
    private final Ownership placement;
    private final PeerSessions sessions;

    BorrowLink(final int workerId, final FabricProxy proxy, final Ownership placement, final PeerSessions sessions)
    {
        this.workerId = workerId;
        this.proxy = proxy;
        this.placement = placement;
        this.sessions = sessions;
    }

    public boolean borrowRequest(final int ownerId, final long correlationId, final long vertexId, final int udfId)
    {
        final Peer owner = workerPeer(ownerId);
        return null != owner &&
            proxy.borrowRequest(owner.publication, workerId, correlationId, placement.epoch(), vertexId, udfId);
    }

    public boolean borrowGrant(
        final int borrowerId, final long correlationId, final long vertexId, final Status status, final LeaseMode mode,
        final long leaseId, final long version, final long leaseExpiryNs, final long leaseDurationNs, final int ownerId,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        final Peer borrower = workerPeer(borrowerId);
        return null != borrower && proxy.borrowGrant(borrower.publication, workerId, correlationId, placement.epoch(),
            vertexId, wire(status), mode, leaseId, version, leaseExpiryNs, leaseDurationNs, ownerId, value, valueOffset,
            valueLength);
    }

    public boolean borrowReturn(
        final int ownerId, final long correlationId, final long vertexId, final long leaseId, final boolean changed,
        final LeaseMode mode, final int udfId, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        final Peer owner = workerPeer(ownerId);
        return null != owner && proxy.borrowReturn(owner.publication, workerId, correlationId, placement.epoch(),
            vertexId, leaseId, changed, mode, udfId, value, valueOffset, valueLength);
    }

    public boolean borrowReturnAck(
        final int borrowerId, final long correlationId, final long vertexId, final long leaseId, final Status status)
    {
        final Peer borrower = workerPeer(borrowerId);
        return null != borrower && proxy.borrowReturnAck(
            borrower.publication, workerId, correlationId, placement.epoch(), vertexId, leaseId, wire(status));
    }

    public boolean revoke(final int borrowerId, final long vertexId, final long leaseId)
    {
        final Peer borrower = workerPeer(borrowerId);
        return null != borrower &&
            proxy.revoke(borrower.publication, workerId, 0, placement.epoch(), vertexId, leaseId);
    }

    private Peer workerPeer(final int peerId)
    {
        final Peer peer = sessions.peer(peerId);
        return null != peer && peer.isWorker && peer.isConnected() ? peer : null;
    }

    private static io.shawarma.codecs.Status wire(final Status status)
    {
        return io.shawarma.codecs.Status.get((short)status.code());
    }
}
