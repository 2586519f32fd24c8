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
        int senderId, long correlationId, long epoch, long vertexId, DirectBuffer buffer, int valueOffset, int valueLength);

    void onGetVertex(int senderId, long correlationId, long epoch, long vertexId);

    /**
     * A frame that could not be decoded.
     *
     * @param senderId      the sender named in the frame's session header, or {@link #NO_SENDER}.
     * @param correlationId from the session header, or 0 with {@link #NO_SENDER}.
     * @param reason        one of {@link Malformed}'s constants.
     */
    void onMalformed(int senderId, long correlationId, int reason);
}
