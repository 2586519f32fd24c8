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

    void onHello(
        int senderId, long correlationId, long epoch, int role, int replyStreamId,
        DirectBuffer buffer, int channelOffset, int channelLength);

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
