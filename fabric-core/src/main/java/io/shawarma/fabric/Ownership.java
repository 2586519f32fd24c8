package io.shawarma.fabric;

import org.agrona.DirectBuffer;

/**
 * Which worker owns a vertex, as a worker consults it on every call: the static hash {@link Placement} by default,
 * or a layer's own (the grid's slot table, whose slots move between workers). A worker serves a call on a vertex it
 * owns, answers MOVED naming the owner and the {@link #epoch()} for one it does not, and, for a vertex it owns that
 * is moving away, serves reads and answers writes BACK_PRESSURED (retryable) naming the target. Read on the worker's
 * agent thread only; allocation free.
 */
public interface Ownership
{
    /** Owner of a vertex no worker owns yet, and the target of one that is not moving. */
    int NO_WORKER = -1;

    /**
     * @param vertexId of a call.
     * @return the id of the worker that owns it, or {@link #NO_WORKER}.
     */
    int ownerOf(long vertexId);

    /**
     * @return the placement epoch: grows whenever ownership changes.
     */
    long epoch();

    /**
     * @param vertexId of a call.
     * @return the worker the vertex is moving to, or {@link #NO_WORKER} when it is not moving.
     */
    default int movingTo(final long vertexId)
    {
        return NO_WORKER;
    }

    /**
     * @param vertexId of a call.
     * @return true when this worker owns the vertex but its data is still on its way here (a slot moved to it whose
     * stream has not been installed yet): calls are refused as retryable instead of finding no vertex.
     */
    default boolean isArriving(final long vertexId)
    {
        return false;
    }

    /**
     * @param vertexId of a write this worker owns.
     * @return null when the write may be applied here now, else why not, as a fixed text: the write is answered
     * BACK_PRESSURED (retryable). The grid refuses writes once a worker's lease with the cluster has run out, so a
     * worker cut off from the cluster never acknowledges a write the slot's next owner will not have, and while its
     * backups are too far behind.
     */
    default DirectBuffer writeRefusal(final long vertexId)
    {
        return null;
    }
}
