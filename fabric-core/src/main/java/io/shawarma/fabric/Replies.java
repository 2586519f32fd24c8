package io.shawarma.fabric;

import io.shawarma.messaging.FabricProxy;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Answers calls: every answer a worker sends goes through here, so each is counted by status, and one that cannot
 * be sent is counted as undelivered (the caller's own deadline turns it into TIMEOUT on its side). An answer that meets
 * back pressure waits in the worker's {@link io.shawarma.messaging.OfferRetries} for later duty cycles.
 */
final class Replies
{
    /** The worker named in an answer when it names none. */
    static final int NO_OWNER = -1;
    static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);
    private static final UnsafeBuffer RESULT_TOO_LARGE =
        ascii("result larger than the answering worker's shawarma.max.payload.bytes");

    private final int workerId;
    private final FabricProxy proxy;
    private final Ownership placement;
    private final WorkerCounters counters;

    Replies(final int workerId, final FabricProxy proxy, final Ownership placement, final WorkerCounters counters)
    {
        this.workerId = workerId;
        this.proxy = proxy;
        this.placement = placement;
        this.counters = counters;
    }

    /**
     * Answers a call with a status and a result (or an error text).
     */
    void send(
        final Peer caller, final long correlationId, final Status status, final int ownerId, final DirectBuffer result,
        final int resultLength)
    {
        send(caller, correlationId, status, ownerId, result, 0, resultLength);
    }

    /**
     * Answers a call with a status and a result in a range of a buffer (a relayed answer, in place).
     */
    void send(
        final Peer caller, final long correlationId, final Status status, final int ownerId, final DirectBuffer buffer,
        final int offset, final int length)
    {
        if (length > proxy.maxPayloadBytes())
        {
            // A relayed answer from an owner with a larger limit than ours: say so instead of failing to encode it.
            send(caller, correlationId, Status.UDF_FAILED, ownerId, RESULT_TOO_LARGE, 0, RESULT_TOO_LARGE.capacity());
            return;
        }
        counters.onResult(status);
        if (!proxy.invokeResult(caller.publication, workerId, correlationId, placement.epoch(),
            io.shawarma.codecs.Status.get((short)status.code()), ownerId, buffer, offset, length))
        {
            counters.undeliveredReplies.incrementRelease();
        }
    }

    /**
     * Answers a call with a status and a fixed text.
     */
    void send(final Peer caller, final long correlationId, final Status status, final int ownerId,
        final DirectBuffer text)
    {
        send(caller, correlationId, status, ownerId, text, 0, text.capacity());
    }

    static UnsafeBuffer ascii(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }
}
