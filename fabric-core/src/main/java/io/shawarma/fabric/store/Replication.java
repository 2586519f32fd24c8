package io.shawarma.fabric.store;

/**
 * Where the writes a worker applies to its vertices are copied: the grid's slot backups. The {@link LocalInvoker}
 * tells it of every value it stores, once the store took it; the worker then holds the call's answer until the
 * replication releases it ({@code WorkerPort#releaseHeld}), so a write is acknowledged only once its backups applied
 * it. Single threaded: the worker's agent thread. Allocation free in steady state.
 */
@FunctionalInterface
public interface Replication
{
    /**
     * Answers a worker holds for their backups at most: a replication refuses writes ({@code Ownership#writeRefusal})
     * rather than have more in flight, and writes it cannot track are sent untracked and answered at once.
     */
    int MAX_HELD = 4096;

    /** A write nobody waits for: answered at once. */
    long NOT_HELD = 0;

    /** No backups: every answer goes at once. */
    Replication NONE = (vertexId) -> NOT_HELD;

    /**
     * A vertex's value was stored (or the vertex removed): copy it to its backups.
     *
     * @param vertexId of the vertex written; its current value is in the store.
     * @return a positive sequence when its answer must wait for the backups (released under this sequence), or
     * {@link #NOT_HELD} when it may go at once (no backups).
     */
    long onWrite(long vertexId);
}
