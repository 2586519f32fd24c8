package io.shawarma.messaging;

import org.agrona.DirectBuffer;

/**
 * Receives decoded Shawarma messages from a {@link FabricAdapter}. Arguments are primitives and
 * (buffer, offset, length) views that are only valid during the call. Enum fields arrive as their validated
 * numeric values.
 */
public interface FabricHandler
{
    /** Sender id reported with a frame too short or too foreign to read one from. */
    int NO_SENDER = Integer.MIN_VALUE;

    /** Length of a Challenge's or an Authenticate's proof (HMAC-SHA256). */
    int PROOF_LENGTH = io.shawarma.codecs.ChallengeDecoder.proofLength();

    void onHello(
        int senderId, long correlationId, long epoch, int role, int replyStreamId, long nonce,
        DirectBuffer buffer, int channelOffset, int channelLength);

    /**
     * A worker's answer to a Hello when the fabric authenticates.
     *
     * @param nonce       the worker's nonce, to prove the secret over in Authenticate.
     * @param buffer      holding the worker's proof.
     * @param proofOffset of the proof's {@link #PROOF_LENGTH} bytes.
     */
    void onChallenge(int senderId, long correlationId, long epoch, long nonce, DirectBuffer buffer, int proofOffset);

    /**
     * A caller's answer to a Challenge.
     *
     * @param buffer      holding the caller's proof.
     * @param proofOffset of the proof's {@link #PROOF_LENGTH} bytes.
     */
    void onAuthenticate(int senderId, long correlationId, long epoch, DirectBuffer buffer, int proofOffset);

    void onHeartbeat(int senderId, long correlationId, long epoch, long timestampNs, int pendingCalls);

    void onInvoke(
        int senderId, long correlationId, long epoch, long vertexId, int udfId, int routing,
        DirectBuffer buffer, int argsOffset, int argsLength);

    void onInvokeResult(
        int senderId, long correlationId, long epoch, int status, int ownerId,
        DirectBuffer buffer, int resultOffset, int resultLength);

    void onPutVertex(
        int senderId, long correlationId, long epoch, long vertexId,
        DirectBuffer buffer, int valueOffset, int valueLength);

    void onGetVertex(int senderId, long correlationId, long epoch, long vertexId);

    /**
     * A frame that could not be decoded.
     *
     * @param senderId      the sender named in the frame's session header, or {@link #NO_SENDER}.
     * @param correlationId from the session header, or 0 with {@link #NO_SENDER}.
     * @param reason        one of {@link Malformed}'s constants.
     */
    void onMalformed(int senderId, long correlationId, int reason);

    /**
     * A well-formed frame of a template this adapter does not decode (a layer's own message, e.g. the grid's
     * SlotChunk). Participants that take no such frames treat it as an unknown template.
     *
     * @param templateId the frame's template.
     * @param buffer     holding the whole frame, message header included.
     * @param offset     of the frame's message header.
     * @param length     of the frame.
     */
    default void onOtherMessage(
        final int senderId, final long correlationId, final int templateId, final DirectBuffer buffer,
        final int offset, final int length)
    {
        onMalformed(senderId, correlationId, Malformed.UNKNOWN_TEMPLATE);
    }

    /**
     * A worker asks this owner to lend a vertex. Participants that do not lend treat it as an unknown template.
     *
     * @param vertexId the vertex.
     * @param udfId    the UDF the borrower means to run; its type decides the lease mode.
     */
    default void onBorrowRequest(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId)
    {
        onMalformed(senderId, correlationId, Malformed.UNKNOWN_TEMPLATE);
    }

    /**
     * The owner's answer to a borrow request.
     *
     * @param status          a {@code Status} code: OK with a lease, else why not.
     * @param mode            a {@code LeaseMode} value.
     * @param leaseExpiryNs   on the owner's clock.
     * @param leaseDurationNs to count from the borrower's request.
     * @param ownerId         with MOVED, the vertex's owner.
     */
    default void onBorrowGrant(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int status,
        final int mode, final long leaseId, final long version, final long leaseExpiryNs, final long leaseDurationNs,
        final int ownerId, final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
        onMalformed(senderId, correlationId, Malformed.UNKNOWN_TEMPLATE);
    }

    /**
     * A borrower gives a vertex back.
     *
     * @param changed true when the value carries the borrower's new value.
     * @param mode    a {@code LeaseMode} value: the lease's.
     * @param udfId   the UDF whose type the lease was for.
     */
    default void onBorrowReturn(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId,
        final boolean changed, final int mode, final int udfId, final DirectBuffer buffer, final int valueOffset,
        final int valueLength)
    {
        onMalformed(senderId, correlationId, Malformed.UNKNOWN_TEMPLATE);
    }

    /**
     * The owner took (or refused) a return.
     *
     * @param status a {@code Status} code: OK, or LEASE_EXPIRED when the value was refused.
     */
    default void onBorrowReturnAck(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId,
        final int status)
    {
        onMalformed(senderId, correlationId, Malformed.UNKNOWN_TEMPLATE);
    }

    /**
     * The owner wants a lease back.
     */
    default void onRevoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId)
    {
        onMalformed(senderId, correlationId, Malformed.UNKNOWN_TEMPLATE);
    }
}
