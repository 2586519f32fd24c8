package io.shawarma.fabric.grid;

/**
 * What the grid's state machine tells the outside world: implemented by the clustered service (SBE over the
 * cluster's egress, a no-op on followers) and by tests (recorded). Called only from {@link GridState}.
 */
interface GridOutput
{
    /** Sends the slot table to one worker's session. */
    void placement(long sessionId, long epoch, int[] slotOwners);

    /** Tells a worker's session to run a task of a DAG (its current attempt, with its input results). */
    void assign(long sessionId, DagRun run, int task);

    /** Tells a session that a task of a DAG changed state. */
    void taskStateChanged(long sessionId, DagRun run, int task, long now);

    /** Answers a submission: a positive DAG id, or 0 and the reason it was refused. */
    void submitted(long sessionId, long correlationId, long dagId, int taskCount, String refusal);
}
