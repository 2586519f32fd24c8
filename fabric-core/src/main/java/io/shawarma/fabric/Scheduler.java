package io.shawarma.fabric;

import io.shawarma.codecs.Routing;

/**
 * Decides where a call on a vertex runs: LOCAL when this worker owns the vertex; otherwise FORWARD to the owner when
 * the caller allowed any-worker routing (where {@link Borrowing} may run it on a borrowed copy instead), else MOVED
 * so the caller retries at the owner.
 */
final class Scheduler
{
    /** Run here, on the owning thread. */
    static final int LOCAL = 0;
    /** Ship the call to the owner and relay its answer. */
    static final int FORWARD = 1;
    /** Answer MOVED with the owner and the placement epoch. */
    static final int MOVED = 2;

    private final int workerId;
    private final Ownership placement;

    Scheduler(final int workerId, final Ownership placement)
    {
        this.workerId = workerId;
        this.placement = placement;
    }

    /**
     * @param vertexId the call's vertex.
     * @param routing  the caller's routing, a {@link Routing} value.
     * @return {@link #LOCAL}, {@link #FORWARD} or {@link #MOVED}.
     */
    int decide(final long vertexId, final int routing)
    {
        if (placement.ownerOf(vertexId) == workerId)
        {
            return LOCAL;
        }
        if (routing == Routing.ANY.value())
        {
            return FORWARD;
        }
        return MOVED;
    }

}
