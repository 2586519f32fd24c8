package io.shawarma.fabric.grid;

import io.shawarma.codecs.GridStatusDecoder;
import io.shawarma.codecs.TaskState;
import io.shawarma.udf.Status;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Follows one DAG from the submitter's side: the submission's answer, then every task's state change, in the
 * order the cluster sent them. A state change lost with a leader is recovered by asking for the DAG's states again
 * ({@link GridClient#requestStatus(long)}), which the caller does periodically while waiting.
 */
public final class DagWatch implements GridListener
{
    private final Consumer<String> changes;
    private final IdleStrategy idle;
    private long correlationId;
    private long submittedAtNs;
    private long dagId;
    private String refusal;
    private String[] names;
    private TaskState[] states;
    private int[] workers;
    private int[] attempts;
    private Status[] statuses;
    private byte[][] results;
    private long[] runningAtNs;
    // Tasks per state, kept as changes arrive, so that waiting for the end does not scan every task on every poll.
    private final int[] tasksIn = new int[TaskState.values().length];

    /**
     * @param changes receives one line per task state change (null to ignore).
     */
    public DagWatch(final Consumer<String> changes)
    {
        this(changes, new SleepingMillisIdleStrategy(1));
    }

    /**
     * @param changes receives one line per task state change (null to ignore).
     * @param idle    while waiting with nothing to poll (a benchmark yields; tools sleep).
     */
    public DagWatch(final Consumer<String> changes, final IdleStrategy idle)
    {
        this.changes = changes;
        this.idle = idle;
    }

    /**
     * Submits a DAG and waits for the cluster's answer, polling the client.
     *
     * @param client     connected to the cluster.
     * @param json       the DAG.
     * @param deadlineNs {@link System#nanoTime()} deadline for the answer.
     * @return the DAG id, or 0 when refused ({@link #refusal()} says why).
     * @throws IllegalStateException when no answer came in time.
     */
    public long submit(final GridClient client, final String json, final long deadlineNs)
    {
        submittedAtNs = System.nanoTime();
        correlationId = client.submit(json);
        if (0 == correlationId)
        {
            throw new IllegalStateException("could not send the DAG to the cluster");
        }
        while (0 == dagId && null == refusal)
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("no answer to the submission in time");
            }
            idle.idle(client.poll());
        }
        return dagId;
    }

    /**
     * Waits until the DAG finished, asking for its states again every interval.
     *
     * @return true when it finished before the deadline.
     */
    public boolean awaitFinished(final GridClient client, final long deadlineNs, final long resyncIntervalNs)
    {
        long nextResyncNs = System.nanoTime() + resyncIntervalNs;
        while (!isFinished())
        {
            final long nowNs = System.nanoTime();
            if (nowNs - deadlineNs >= 0)
            {
                return false;
            }
            if (nowNs - nextResyncNs >= 0)
            {
                client.requestStatus(dagId);
                nextResyncNs = nowNs + resyncIntervalNs;
            }
            idle.idle(client.poll());
        }
        return true;
    }

    public void onSubmitResult(final long correlationId, final long dagId, final int taskCount, final String refusal)
    {
        if (correlationId != this.correlationId)
        {
            return;
        }
        if (0 == dagId)
        {
            this.refusal = refusal;
            return;
        }
        names = new String[taskCount];
        states = new TaskState[taskCount];
        workers = new int[taskCount];
        attempts = new int[taskCount];
        statuses = new Status[taskCount];
        results = new byte[taskCount][];
        runningAtNs = new long[taskCount];
        Arrays.fill(states, TaskState.PENDING);
        Arrays.fill(tasksIn, 0);
        tasksIn[TaskState.PENDING.ordinal()] = taskCount;
        this.dagId = dagId;
    }

    public void onTaskStateChange(
        final long dagId, final int task, final String taskName, final TaskState state, final int workerId,
        final int attempt, final Status status, final long clusterTime, final byte[] result)
    {
        if (dagId != this.dagId || task < 0 || task >= states.length)
        {
            return;
        }
        final boolean changed = state != states[task] || attempt != attempts[task];
        names[task] = taskName;
        tasksIn[states[task].ordinal()]--;
        tasksIn[state.ordinal()]++;
        states[task] = state;
        workers[task] = workerId;
        attempts[task] = attempt;
        statuses[task] = status;
        results[task] = result;
        if (TaskState.RUNNING == state && changed)
        {
            runningAtNs[task] = System.nanoTime();
        }
        if (changed && null != changes)
        {
            changes.accept(describe(task));
        }
    }

    public void onGridStatus(final GridStatusDecoder status)
    {
    }

    /** @return the DAG id once accepted, else 0. */
    public long dagId()
    {
        return dagId;
    }

    /** @return why the DAG was refused, or null. */
    public String refusal()
    {
        return refusal;
    }

    /** @return true when accepted and no task is ready or running any more (all done, or a failure blocks the rest). */
    public boolean isFinished()
    {
        return null != states && 0 == count(TaskState.READY) && 0 == count(TaskState.RUNNING) &&
            (count(TaskState.DONE) == states.length || count(TaskState.FAILED) > 0);
    }

    /** @return true when every task is done. */
    public boolean isSucceeded()
    {
        return isFinished() && count(TaskState.DONE) == states.length;
    }

    /** @return tasks in a state. */
    public int count(final TaskState state)
    {
        return tasksIn[state.ordinal()];
    }

    /** @param task index. @return its last known state. */
    public TaskState state(final int task)
    {
        return states[task];
    }

    /** @param task index. @return the worker that ran it last. */
    public int worker(final int task)
    {
        return workers[task];
    }

    /** @param task index. @return its last attempt number. */
    public int attempt(final int task)
    {
        return attempts[task];
    }

    /** @param task index. @return its last status. */
    public Status status(final int task)
    {
        return statuses[task];
    }

    /** @param task index. @return its result (or error text), possibly empty. */
    public byte[] result(final int task)
    {
        return results[task];
    }

    /** @param task index. @return the result read as a little-endian int64. */
    public long resultAsLong(final int task)
    {
        final byte[] result = results[task];
        if (null == result || result.length < Long.BYTES)
        {
            throw new IllegalStateException("task " + names[task] + " has no int64 result");
        }
        return ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    /** @return {@link System#nanoTime()} just before the DAG was sent. */
    public long submittedAtNs()
    {
        return submittedAtNs;
    }

    /** @param task index. @return {@link System#nanoTime()} when its last RUNNING state arrived, or 0. */
    public long runningAtNs(final int task)
    {
        return runningAtNs[task];
    }

    /** @return tasks in the DAG. */
    public int taskCount()
    {
        return null == states ? 0 : states.length;
    }

    /** @param task index. @return one line describing its state. */
    public String describe(final int task)
    {
        final StringBuilder line = new StringBuilder()
            .append("task ").append(names[task]).append(' ').append(states[task]);
        if (workers[task] >= 0)
        {
            line.append(" worker ").append(workers[task]);
        }
        line.append(" attempt ").append(attempts[task]);
        if (TaskState.DONE == states[task] && null != results[task] && results[task].length == Long.BYTES)
        {
            line.append(" result ").append(resultAsLong(task));
        }
        else if (Status.OK != statuses[task] && null != statuses[task])
        {
            line.append(" status ").append(statuses[task]).append(' ')
                .append(new String(results[task], StandardCharsets.UTF_8));
        }
        return line.toString();
    }
}
