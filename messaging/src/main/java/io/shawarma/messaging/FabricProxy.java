package io.shawarma.messaging;

import io.aeron.Publication;
import io.shawarma.codecs.AuthenticateEncoder;
import io.shawarma.codecs.ChallengeEncoder;
import io.shawarma.codecs.BorrowGrantEncoder;
import io.shawarma.codecs.BorrowRequestEncoder;
import io.shawarma.codecs.BorrowReturnAckEncoder;
import io.shawarma.codecs.BorrowReturnEncoder;
import io.shawarma.codecs.GetVertexEncoder;
import io.shawarma.codecs.LeaseMode;
import io.shawarma.codecs.HeartbeatEncoder;
import io.shawarma.codecs.HelloEncoder;
import io.shawarma.codecs.InvokeEncoder;
import io.shawarma.codecs.InvokeResultEncoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.PutVertexEncoder;
import io.shawarma.codecs.RevokeEncoder;
import io.shawarma.codecs.Role;
import io.shawarma.codecs.Routing;
import io.shawarma.codecs.Status;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes Shawarma messages and sends them through {@link Outbound}: calls and their answers straight into the
 * publication's term when they fit a claim, everything else (and what does not fit) into one pre-sized buffer that
 * is then offered. One per thread; allocation free. Each method returns true when the message was accepted (or
 * held for retry, see {@link Outbound}), false when it was refused.
 */
public final class FabricProxy
{
    /** Bytes of headers and fixed fields a message may add to its variable payload. */
    public static final int MAX_OVERHEAD = 128;

    private final UnsafeBuffer buffer;
    private final int maxPayloadBytes;
    private final Outbound outbound;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final HelloEncoder helloEncoder = new HelloEncoder();
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();
    private final ChallengeEncoder challengeEncoder = new ChallengeEncoder();
    private final AuthenticateEncoder authenticateEncoder = new AuthenticateEncoder();
    private final InvokeEncoder invokeEncoder = new InvokeEncoder();
    private final InvokeResultEncoder invokeResultEncoder = new InvokeResultEncoder();
    private final PutVertexEncoder putVertexEncoder = new PutVertexEncoder();
    private final GetVertexEncoder getVertexEncoder = new GetVertexEncoder();
    private final BorrowRequestEncoder borrowRequestEncoder = new BorrowRequestEncoder();
    private final BorrowGrantEncoder borrowGrantEncoder = new BorrowGrantEncoder();
    private final BorrowReturnEncoder borrowReturnEncoder = new BorrowReturnEncoder();
    private final BorrowReturnAckEncoder borrowReturnAckEncoder = new BorrowReturnAckEncoder();
    private final RevokeEncoder revokeEncoder = new RevokeEncoder();

    /**
     * @param maxPayloadBytes largest args, result, value or channel a message carries.
     * @param outbound        to offer with.
     */
    public FabricProxy(final int maxPayloadBytes, final Outbound outbound)
    {
        this.maxPayloadBytes = maxPayloadBytes;
        this.outbound = outbound;
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxPayloadBytes + MAX_OVERHEAD, 64));
    }

    /**
     * @return the largest variable payload a message can carry.
     */
    public int maxPayloadBytes()
    {
        return maxPayloadBytes;
    }

    /**
     * @return the outbound used to offer, with its back pressure count.
     */
    public Outbound outbound()
    {
        return outbound;
    }

    public boolean hello(
        final Publication publication, final int senderId, final long correlationId, final long epoch, final Role role,
        final int replyStreamId, final long nonce, final String replyChannel)
    {
        helloEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        helloEncoder.role(role).replyStreamId(replyStreamId).nonce(nonce).replyChannel(replyChannel);
        // A Hello refused is said again by its sender: never held for retry.
        return outbound.offerOrRefuse(
            publication, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + helloEncoder.encodedLength());
    }

    public boolean challenge(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final long nonce, final DirectBuffer proof)
    {
        challengeEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        challengeEncoder.nonce(nonce).putProof(proof, 0, ChallengeEncoder.proofLength());
        return offer(publication, challengeEncoder.encodedLength());
    }

    public boolean authenticate(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final DirectBuffer proof)
    {
        authenticateEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        authenticateEncoder.putProof(proof, 0, ChallengeEncoder.proofLength());
        return offer(publication, authenticateEncoder.encodedLength());
    }

    public boolean heartbeat(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final long timestampNs, final int pendingCalls)
    {
        heartbeatEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        heartbeatEncoder.timestampNs(timestampNs).pendingCalls(pendingCalls);
        return offer(publication, heartbeatEncoder.encodedLength());
    }

    public boolean invoke(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final long vertexId, final int udfId, final Routing routing,
        final DirectBuffer args, final int argsOffset, final int argsLength)
    {
        checkPayload(argsLength);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + InvokeEncoder.BLOCK_LENGTH +
            InvokeEncoder.argsHeaderLength() + argsLength;
        if (outbound.tryClaim(publication, length))
        {
            encodeInvoke(outbound.claimBuffer(), outbound.claimOffset(), senderId, correlationId, epoch, vertexId,
                udfId, routing, args, argsOffset, argsLength);
            outbound.commit();
            return true;
        }
        encodeInvoke(buffer, 0, senderId, correlationId, epoch, vertexId, udfId, routing, args, argsOffset,
            argsLength);
        return outbound.offerUnclaimed(publication, buffer, 0, length);
    }

    public boolean invokeResult(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final Status status, final int ownerId, final DirectBuffer result, final int resultOffset,
        final int resultLength)
    {
        checkPayload(resultLength);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + InvokeResultEncoder.BLOCK_LENGTH +
            InvokeResultEncoder.resultHeaderLength() + resultLength;
        if (outbound.tryClaim(publication, length))
        {
            encodeInvokeResult(outbound.claimBuffer(), outbound.claimOffset(), senderId, correlationId, epoch, status,
                ownerId, result, resultOffset, resultLength);
            outbound.commit();
            return true;
        }
        encodeInvokeResult(buffer, 0, senderId, correlationId, epoch, status, ownerId, result, resultOffset,
            resultLength);
        return outbound.offerUnclaimed(publication, buffer, 0, length);
    }

    public boolean putVertex(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final long vertexId, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        checkPayload(valueLength);
        putVertexEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        putVertexEncoder.vertexId(vertexId).putValue(value, valueOffset, valueLength);
        return offer(publication, putVertexEncoder.encodedLength());
    }

    public boolean getVertex(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final long vertexId)
    {
        getVertexEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        getVertexEncoder.vertexId(vertexId);
        return offer(publication, getVertexEncoder.encodedLength());
    }

    public boolean borrowRequest(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final long vertexId, final int udfId)
    {
        borrowRequestEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        borrowRequestEncoder.vertexId(vertexId).udfId(udfId);
        return offer(publication, borrowRequestEncoder.encodedLength());
    }

    public boolean borrowGrant(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final long vertexId, final Status status, final LeaseMode mode, final long leaseId, final long version,
        final long leaseExpiryNs, final long leaseDurationNs, final int ownerId,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        checkPayload(valueLength);
        borrowGrantEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        borrowGrantEncoder.vertexId(vertexId).status(status).mode(mode).leaseId(leaseId).version(version)
            .leaseExpiryNs(leaseExpiryNs).leaseDurationNs(leaseDurationNs).ownerId(ownerId)
            .putValue(value, valueOffset, valueLength);
        return offer(publication, borrowGrantEncoder.encodedLength());
    }

    public boolean borrowReturn(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final long vertexId, final long leaseId, final boolean changed, final LeaseMode mode, final int udfId,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        checkPayload(valueLength);
        borrowReturnEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        borrowReturnEncoder.vertexId(vertexId).leaseId(leaseId).changed((short)(changed ? 1 : 0)).mode(mode)
            .udfId(udfId).putValue(value, valueOffset, valueLength);
        return offer(publication, borrowReturnEncoder.encodedLength());
    }

    public boolean borrowReturnAck(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final long vertexId, final long leaseId, final Status status)
    {
        borrowReturnAckEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        borrowReturnAckEncoder.vertexId(vertexId).leaseId(leaseId).status(status);
        return offer(publication, borrowReturnAckEncoder.encodedLength());
    }

    public boolean revoke(
        final Publication publication, final int senderId, final long correlationId, final long epoch,
        final long vertexId, final long leaseId)
    {
        revokeEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        revokeEncoder.vertexId(vertexId).leaseId(leaseId);
        return offer(publication, revokeEncoder.encodedLength());
    }

    private void encodeInvoke(
        final MutableDirectBuffer target, final int offset, final int senderId, final long correlationId,
        final long epoch, final long vertexId, final int udfId, final Routing routing, final DirectBuffer args,
        final int argsOffset, final int argsLength)
    {
        invokeEncoder.wrapAndApplyHeader(target, offset, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        invokeEncoder.vertexId(vertexId).udfId(udfId).routing(routing).putArgs(args, argsOffset, argsLength);
    }

    private void encodeInvokeResult(
        final MutableDirectBuffer target, final int offset, final int senderId, final long correlationId,
        final long epoch, final Status status, final int ownerId, final DirectBuffer result, final int resultOffset,
        final int resultLength)
    {
        invokeResultEncoder.wrapAndApplyHeader(target, offset, headerEncoder).session()
            .senderId(senderId).correlationId(correlationId).epoch(epoch);
        invokeResultEncoder.status(status).ownerId(ownerId).putResult(result, resultOffset, resultLength);
    }

    private boolean offer(final Publication publication, final int bodyLength)
    {
        return outbound.offer(publication, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
    }

    private void checkPayload(final int length)
    {
        if (length < 0 || length > maxPayloadBytes)
        {
            throw new IllegalArgumentException("payload of " + length + " bytes outside [0, " + maxPayloadBytes + "]");
        }
    }
}
