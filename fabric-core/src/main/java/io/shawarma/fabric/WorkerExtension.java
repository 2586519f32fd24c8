package io.shawarma.fabric;

import io.shawarma.fabric.store.Replication;

import org.agrona.DirectBuffer;

/**
 * A layer's part of a worker, run on the worker's agent thread (the single writer of its vertices, so it may touch
 * the store): the grid's slot migration and cluster session. The worker serves every call itself; the extension
 * says who owns what ({@link #ownership()}), does its own work each duty cycle and takes the frames of templates the
 * fabric does not decode. Set with {@link Worker.Context#extension(Factory)}.
 */
public interface WorkerExtension
{
    /** Creates a worker's extension once the worker's own parts exist, on the launching thread. */
    @FunctionalInterface
    interface Factory
    {
        /**
         * @param port the worker's side: its vertices, worker peers and counters.
         * @return the extension.
         */
        WorkerExtension create(WorkerPort port);
    }

    /**
     * @return the ownership the worker serves calls by; read per call.
     */
    Ownership ownership();

    /**
     * @return where the worker's writes are copied; the answer to a write waits until it releases it through
     * {@link WorkerPort#releaseHeld(long)}. {@link Replication#NONE} by default.
     */
    default Replication replication()
    {
        return Replication.NONE;
    }

    /**
     * The extension's share of a duty cycle, after the worker polled its subscription.
     *
     * @param nowNs        the cycle's time, read once by the worker.
     * @param framesPolled frames the worker handled in this cycle (its load).
     * @return work done, for the idle strategy.
     */
    int doWork(long nowNs, int framesPolled);

    /**
     * A frame of a template the fabric does not decode, from a peer the worker knows and, with a shared secret, on
     * the session it proved the secret on. Frames from anyone else are counted and dropped before they get here.
     *
     * @param senderId   as the frame's session header names it.
     * @param templateId the frame's template.
     * @param buffer     holding the frame, message header included; valid during the call only.
     * @param offset     of the frame.
     * @param length     of the frame.
     */
    void onMessage(int senderId, int templateId, DirectBuffer buffer, int offset, int length);

    /**
     * The worker stops; on its agent thread.
     */
    void onClose();
}
