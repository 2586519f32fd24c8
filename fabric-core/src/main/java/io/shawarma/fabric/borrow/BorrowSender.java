package io.shawarma.fabric.borrow;

import io.shawarma.codecs.LeaseMode;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;

/**
 * Sends the borrowing protocol's messages to another worker. The worker implements it over its Aeron
 * publications; tests implement it with an in-memory network. Each method returns false when the message could
 * not be sent (peer unknown or back pressured): the protocol's timeouts then take over.
 */
public interface BorrowSender
{
    boolean borrowRequest(int ownerId, long correlationId, long vertexId, int udfId);

    boolean borrowGrant(
        int borrowerId, long correlationId, long vertexId, Status status, LeaseMode mode, long leaseId, long version,
        long leaseExpiryNs, long leaseDurationNs, int ownerId, DirectBuffer value, int valueOffset, int valueLength);

    boolean borrowReturn(
        int ownerId, long correlationId, long vertexId, long leaseId, boolean changed, LeaseMode mode, int udfId,
        DirectBuffer value, int valueOffset, int valueLength);

    boolean borrowReturnAck(int borrowerId, long correlationId, long vertexId, long leaseId, Status status);

    boolean revoke(int borrowerId, long vertexId, long leaseId);
}
