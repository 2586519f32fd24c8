package io.shawarma.fabric.grid;

import io.shawarma.codecs.TaskState;
import io.shawarma.udf.Status;

import java.util.Arrays;

/**
 * One submitted DAG's progress, replicated: per task its state, the worker running it, the attempt (every dispatch
 * is a new attempt), the failures so far, the last status and the result. Mutable, owned by {@link GridState}.
 */
final class DagRun
{
    private static final byte[] NO_RESULT = new byte[0];

    final long dagId;
    final long submitterSessionId;
    final String json;
    final TaskDag dag;
    final TaskState[] states;
    final int[] workers;
    final int[] attempts;
    final int[] failures;
    final Status[] statuses;
    final byte[][] results;
    final int[] missingInputs;
    int active;

    DagRun(final long dagId, final long submitterSessionId, final String json, final TaskDag dag)
    {
        this.dagId = dagId;
        this.submitterSessionId = submitterSessionId;
        this.json = json;
        this.dag = dag;
        final int count = dag.taskCount();
        states = new TaskState[count];
        workers = new int[count];
        attempts = new int[count];
        failures = new int[count];
        statuses = new Status[count];
        results = new byte[count][];
        missingInputs = new int[count];
        Arrays.fill(states, TaskState.PENDING);
        Arrays.fill(workers, SlotTable.NO_OWNER);
        Arrays.fill(statuses, Status.OK);
        Arrays.fill(results, NO_RESULT);
        for (int task = 0; task < count; task++)
        {
            missingInputs[task] = dag.inputs(task).length;
        }
    }

    /**
     * The vertex a task's result is kept under: unique per DAG and task, so its hash slot says where the data is.
     *
     * @param dagId of the DAG.
     * @param task  index.
     * @return the output vertex id.
     */
    static long outputVertexId(final long dagId, final int task)
    {
        return (dagId << 16) | task;
    }

    long outputVertexId(final int task)
    {
        return outputVertexId(dagId, task);
    }

    /**
     * @param task index.
     * @return true when the task's result is held by the worker that made it, for its dependants, and not sent to
     * the cluster: the task has dependants.
     */
    boolean isResultHeld(final int task)
    {
        return dag.dependants(task).length > 0;
    }

    /** @return true when a dependant of the task may still run: the task's result is still needed. */
    boolean isNeeded(final int task)
    {
        for (final int dependant : dag.dependants(task))
        {
            final TaskState state = states[dependant];
            if (state == TaskState.PENDING || state == TaskState.READY || state == TaskState.RUNNING)
            {
                return true;
            }
        }
        return false;
    }

    /** @return true when no task is ready or running: every task is done, or a failure blocks the rest. */
    boolean isFinished()
    {
        return 0 == active;
    }

    int count(final TaskState state)
    {
        int count = 0;
        for (final TaskState taskState : states)
        {
            count += taskState == state ? 1 : 0;
        }
        return count;
    }
}
