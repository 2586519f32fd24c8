package io.shawarma.fabric.grid;

import io.shawarma.codecs.GridStatusDecoder;
import io.shawarma.codecs.TaskState;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;

/**
 * What a {@link GridClient} hears from the cluster. Every method does nothing by default: a worker listens for
 * placement and tasks, a submitter for results and task states.
 */
public interface GridListener
{
    /**
     * @param first  hears every message first.
     * @param second then hears it too.
     * @return a listener passing every message to both, so that one session can serve a DAG watch and a status
     * watch.
     */
    static GridListener both(final GridListener first, final GridListener second)
    {
        return new GridListener()
        {
            public void onPlacement(final long epoch, final int[] slotOwners)
            {
                first.onPlacement(epoch, slotOwners);
                second.onPlacement(epoch, slotOwners);
            }

            public void onSlotMoves(
                final long epoch, final int[] slots, final int[] targets, final long[] moveIds,
                final String targetChannels)
            {
                first.onSlotMoves(epoch, slots, targets, moveIds, targetChannels);
                second.onSlotMoves(epoch, slots, targets, moveIds, targetChannels);
            }

            public void onSlotBackups(
                final long epoch, final int backupCount, final int[] backups, final long[] fillIds)
            {
                first.onSlotBackups(epoch, backupCount, backups, fillIds);
                second.onSlotBackups(epoch, backupCount, backups, fillIds);
            }

            public void onHeartbeatAck(final long correlationId, final long epoch)
            {
                first.onHeartbeatAck(correlationId, epoch);
                second.onHeartbeatAck(correlationId, epoch);
            }

            public void onTaskAssign(
                final long dagId, final int task, final int attempt, final long outputVertexId,
                final boolean resultHeld, final String udfName, final DirectBuffer operands, final int offset,
                final int length)
            {
                first.onTaskAssign(
                    dagId, task, attempt, outputVertexId, resultHeld, udfName, operands, offset, length);
                second.onTaskAssign(
                    dagId, task, attempt, outputVertexId, resultHeld, udfName, operands, offset, length);
            }

            public void onTaskResultAck(final long dagId, final int task, final int attempt)
            {
                first.onTaskResultAck(dagId, task, attempt);
                second.onTaskResultAck(dagId, task, attempt);
            }

            public void onSubmitResult(final long correlationId, final long dagId, final int taskCount,
                final String refusal)
            {
                first.onSubmitResult(correlationId, dagId, taskCount, refusal);
                second.onSubmitResult(correlationId, dagId, taskCount, refusal);
            }

            public void onTaskStateChange(
                final long dagId, final int task, final String taskName, final TaskState state, final int workerId,
                final int attempt, final Status status, final long clusterTime, final byte[] result)
            {
                first.onTaskStateChange(dagId, task, taskName, state, workerId, attempt, status, clusterTime, result);
                second.onTaskStateChange(dagId, task, taskName, state, workerId, attempt, status, clusterTime, result);
            }

            public void onGridStatus(final GridStatusDecoder status)
            {
                first.onGridStatus(status);
                second.onGridStatus(status);
            }

            public void onPing(final long timestampNs)
            {
                first.onPing(timestampNs);
                second.onPing(timestampNs);
            }
        };
    }

    /**
     * The slot table changed (or was sent on join).
     *
     * @param epoch      the placement's epoch.
     * @param slotOwners owner of each slot.
     */
    default void onPlacement(final long epoch, final int[] slotOwners)
    {
    }

    /**
     * Every slot move this worker is the source or the target of, sent right after the placement of the same epoch.
     *
     * @param epoch          the placement's epoch.
     * @param slots          the moving slots.
     * @param targets        the worker each slot goes to.
     * @param moveIds        the id of each move.
     * @param targetChannels where the other workers serve calls, {@code id@channel,...}; may be empty.
     */
    default void onSlotMoves(
        final long epoch, final int[] slots, final int[] targets, final long[] moveIds, final String targetChannels)
    {
    }

    /**
     * Every slot's backups, sent between the placement and the slot moves of the same epoch.
     *
     * @param epoch       the placement's epoch.
     * @param backupCount backups per slot (the grid's shawarma.grid.backups; 0 for none).
     * @param backups     worker id per slot and backup, {@code slot * backupCount + k}; {@code -1} for none.
     * @param fillIds     as backups: 0 when the backup holds the slot in sync, else the id of the fill its owner
     *                    streams to it (reported with {@link GridClient#slotReceived} once installed).
     */
    default void onSlotBackups(final long epoch, final int backupCount, final int[] backups, final long[] fillIds)
    {
    }

    /**
     * The cluster applied a heartbeat of this worker: its lease on its slots runs from when it sent it.
     *
     * @param correlationId the heartbeat's (what the worker sent it with, e.g. its send time).
     * @param epoch         the placement's epoch when it was applied.
     */
    default void onHeartbeatAck(final long correlationId, final long epoch)
    {
    }

    /**
     * Run a task: fold the UDF over the operands (each an int32 length then bytes, or a reference to an input's result
     * held on a worker: see {@link TaskInputs}) on a fresh output vertex.
     *
     * @param resultHeld true when the result stays on this worker for the task's dependants.
     */
    default void onTaskAssign(
        final long dagId, final int task, final int attempt, final long outputVertexId, final boolean resultHeld,
        final String udfName, final DirectBuffer operands, final int offset, final int length)
    {
    }

    /**
     * The cluster has a task result in its log (applied, or ignored as stale or a duplicate): the worker may forget
     * it.
     */
    default void onTaskResultAck(final long dagId, final int task, final int attempt)
    {
    }

    /**
     * The answer to a submission.
     *
     * @param correlationId of the submission.
     * @param dagId         positive when accepted.
     * @param taskCount     tasks in the DAG.
     * @param refusal       empty when accepted, else why not.
     */
    default void onSubmitResult(final long correlationId, final long dagId, final int taskCount, final String refusal)
    {
    }

    /**
     * A task of a DAG submitted on this session (or asked about) changed state.
     */
    default void onTaskStateChange(
        final long dagId, final int task, final String taskName, final TaskState state, final int workerId,
        final int attempt, final Status status,
        final long clusterTime, final byte[] result)
    {
    }

    /**
     * The answer to a status request; valid only during the call.
     */
    default void onGridStatus(final GridStatusDecoder status)
    {
    }

    /**
     * A ping came back.
     *
     * @param timestampNs the value the ping was sent with.
     */
    default void onPing(final long timestampNs)
    {
    }
}
