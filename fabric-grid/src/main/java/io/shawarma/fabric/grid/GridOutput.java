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

    /**
     * Sends a worker every slot's backups, between the placement and the slot moves of the same epoch.
     *
     * @param backupCount backups per slot.
     * @param backups     worker id per slot and backup, {@code slot * backupCount + k}; {@code -1} for none.
     * @param fillIds     as backups: 0 when the backup holds the slot in sync, else the id of the fill it waits for.
     */
    void slotBackups(long sessionId, long epoch, int backupCount, int[] backups, long[] fillIds);

    /**
     * Acknowledges a worker's heartbeat (or repeated LEAVE), applied: renews its lease on its slots.
     *
     * @param correlationId the heartbeat's, echoed.
     * @param epoch         the placement's epoch.
     */
    void heartbeatAck(long sessionId, long correlationId, long epoch);

    /** Tells a worker's session to run a task of a DAG (its current attempt, with its input results). */
    void assign(long sessionId, DagRun run, int task);

    /** Tells a session that a task of a DAG changed state. */
    void taskStateChanged(long sessionId, DagRun run, int task, long now);

    /** Answers a submission: a positive DAG id, or 0 and the reason it was refused. */
    void submitted(long sessionId, long correlationId, long dagId, int taskCount, String refusal);
}
