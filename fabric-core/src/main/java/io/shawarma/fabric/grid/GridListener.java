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
     * The slot table changed (or was sent on join).
     *
     * @param epoch      the placement's epoch.
     * @param slotOwners owner of each slot.
     */
    default void onPlacement(long epoch, int[] slotOwners)
    {
    }

    /**
     * Run a task: fold the UDF over the operands (each an int32 length then bytes) on a fresh output vertex.
     */
    default void onTaskAssign(
        long dagId, int task, int attempt, long outputVertexId, String udfName, DirectBuffer operands, int offset,
        int length)
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
    default void onSubmitResult(long correlationId, long dagId, int taskCount, String refusal)
    {
    }

    /**
     * A task of a DAG submitted on this session (or asked about) changed state.
     */
    default void onTaskStateChange(
        long dagId, int task, String taskName, TaskState state, int workerId, int attempt, Status status,
        long clusterTime, byte[] result)
    {
    }

    /**
     * The answer to a status request; valid only during the call.
     */
    default void onGridStatus(GridStatusDecoder status)
    {
    }

    /**
     * A ping came back.
     *
     * @param timestampNs the value the ping was sent with.
     */
    default void onPing(long timestampNs)
    {
    }
}
