package io.shawarma.messaging;

import io.shawarma.codecs.Role;
import org.agrona.DirectBuffer;

/**
 * Records each callback of a {@link FabricAdapter} as one line of text. Reading every field and byte range it is
 * given makes an out-of-frame range fail loudly when the frame sits in an exactly sized buffer.
 */
final class RecordingHandler implements FabricHandler
{
    String last;
    int calls;

    private void record(final String text)
    {
        last = text;
        calls++;
    }

    private static String text(final DirectBuffer buffer, final int offset, final int length)
    {
        return buffer.getStringWithoutLengthAscii(offset, length);
    }

    public void onHello(
        final int senderId, final long correlationId, final long epoch, final int role, final int replyStreamId,
        final long nonce, final DirectBuffer buffer, final int channelOffset, final int channelLength)
    {
        record("hello " + senderId + " " + correlationId + " " + epoch + " " + role + " " +
            (role == Role.CLIENT.value() ? 1 : 0) + " " + replyStreamId + " " + nonce + " " +
            text(buffer, channelOffset, channelLength));
    }

    public void onChallenge(
        final int senderId, final long correlationId, final long epoch, final long nonce, final DirectBuffer buffer,
        final int proofOffset)
    {
        record("challenge " + senderId + " " + correlationId + " " + epoch + " " + nonce + " " +
            text(buffer, proofOffset, PROOF_LENGTH));
    }

    public void onAuthenticate(
        final int senderId, final long correlationId, final long epoch,
        final DirectBuffer buffer, final int proofOffset)
    {
        record("authenticate " + senderId + " " + correlationId + " " + epoch + " " +
            text(buffer, proofOffset, PROOF_LENGTH));
    }

    public void onHeartbeat(
        final int senderId, final long correlationId, final long epoch, final long timestampNs,
        final int pendingCalls)
    {
        record("heartbeat " + senderId + " " + correlationId + " " + epoch + " " + timestampNs + " " + pendingCalls);
    }

    public void onInvoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId,
        final int routing, final DirectBuffer buffer, final int argsOffset, final int argsLength)
    {
        record("invoke " + senderId + " " + correlationId + " " + epoch + " " + vertexId + " " + udfId + " " +
            routing + " " + text(buffer, argsOffset, argsLength));
    }

    public void onInvokeResult(
        final int senderId, final long correlationId, final long epoch, final int status, final int ownerId,
        final DirectBuffer buffer, final int resultOffset, final int resultLength)
    {
        record("result " + senderId + " " + correlationId + " " + epoch + " " + status + " " + ownerId + " " +
            text(buffer, resultOffset, resultLength));
    }

    public void onPutVertex(
        final int senderId, final long correlationId, final long epoch, final long vertexId,
        final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
        record("put " + senderId + " " + correlationId + " " + epoch + " " + vertexId + " " +
            text(buffer, valueOffset, valueLength));
    }

    public void onGetVertex(final int senderId, final long correlationId, final long epoch, final long vertexId)
    {
        record("get " + senderId + " " + correlationId + " " + epoch + " " + vertexId);
    }

    public void onBorrowRequest(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId)
    {
        record("borrowRequest " + senderId + " " + correlationId + " " + epoch + " " + vertexId + " " + udfId);
    }

    public void onBorrowGrant(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int status,
        final int mode, final long leaseId, final long version, final long leaseExpiryNs,
        final long leaseDurationNs, final int ownerId, final DirectBuffer buffer, final int valueOffset,
        final int valueLength)
    {
        record("borrowGrant " + senderId + " " + correlationId + " " + epoch + " " + vertexId + " " + status +
            " " + mode + " " + leaseId + " " + version + " " + leaseExpiryNs + " " + leaseDurationNs + " " +
            ownerId + " " + text(buffer, valueOffset, valueLength));
    }

    public void onBorrowReturn(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId,
        final boolean changed, final int mode, final int udfId, final DirectBuffer buffer, final int valueOffset,
        final int valueLength)
    {
        record("borrowReturn " + senderId + " " + correlationId + " " + epoch + " " + vertexId + " " + leaseId +
            " " + changed + " " + mode + " " + udfId + " " + text(buffer, valueOffset, valueLength));
    }

    public void onBorrowReturnAck(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId,
        final int status)
    {
        record("borrowReturnAck " + senderId + " " + correlationId + " " + epoch + " " + vertexId + " " +
            leaseId + " " + status);
    }

    public void onRevoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId)
    {
        record("revoke " + senderId + " " + correlationId + " " + epoch + " " + vertexId + " " + leaseId);
    }

    public void onMalformed(final int senderId, final long correlationId, final int reason)
    {
        record("malformed " + senderId + " " + Malformed.describe(reason));
    }
}
