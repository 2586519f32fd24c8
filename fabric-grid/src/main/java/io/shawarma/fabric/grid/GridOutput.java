package io.shawarma.fabric.grid;

/**
 * What the grid's state machine tells the outside world: implemented by the clustered service (SBE over the
 * cluster's egress, a no-op on followers) and by tests (recorded). Called only from {@link GridState}.
 */
interface GridOutput
{
    /** Sends the slot table to one worker's session. */
    void placement(long sessionId, long epoch, int[] slotOwners);

    /**
     * Sends a worker every slot move it is the source of (all of them: a slot it froze that is not listed is no
     * longer moving), under the epoch of the placement sent just before.
     *
     * @param targetChannels where the other workers serve calls, {@code id@channel,...}.
     */
    void slotMoves(long sessionId, long epoch, int[] slots, int[] targets, long[] moveIds, String targetChannels);

    /** Tells a worker's session to run a task of a DAG (its current attempt, with its input results). */
    void assign(long sessionId, DagRun run, int task);

    /** Tells a session that a task of a DAG changed state. */
    void taskStateChanged(long sessionId, DagRun run, int task, long now);

    /** Answers a submission: a positive DAG id, or 0 and the reason it was refused. */
    void submitted(long sessionId, long correlationId, long dagId, int taskCount, String refusal);
}
