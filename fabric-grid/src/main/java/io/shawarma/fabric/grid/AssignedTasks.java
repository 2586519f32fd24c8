package io.shawarma.fabric.grid;

import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * A grid worker's tasks from their assignment until the cluster has their result in its log. A result is sent until
 * the cluster acknowledges it ({@link GridListener#onTaskResultAck}): again on a later duty cycle when a send fails
 * (no leader, back pressure), and again when it was lost on the way (a result offered to a leader that died before
 * appending it is lost with it). The log keeps a session's messages in order, so a result is known lost once a result
 * sent after it is acknowledged: it goes again at once. Otherwise a result is sent again only when no acknowledgement
 * at all came for the resend interval, after the interval, then after twice as long each time, up to 16 times the
 * interval: a cluster that is only slow (thousands of results in flight in a burst) is not flooded with copies of
 * what it is still applying, each costing consensus work. An attempt assigned again (the cluster thinks it still
 * runs: its result was lost, or the assignment was sent twice) is not run twice; once finished, its result is sent
 * again. The last {@code kept} assignments are remembered for that; results awaiting an acknowledgement are at most
 * the tasks the cluster has running here (it counts a task as running until its result is in the log), and never
 * more than {@code kept}. Allocates per task (the task and its result), never per duty cycle or resend.
 */
final class AssignedTasks
{
    /** Resends wait at most the interval shifted left this far (16 times the interval). */
    static final int MAX_BACKOFF_SHIFT = 4;

    /** Sends tasks' outcomes to the cluster. */
    @FunctionalInterface
    interface Sender
    {
        /**
         * @return false when it could not be sent (no leader, back pressure, session closed).
         */
        boolean taskResult(long dagId, int task, int attempt, Status status, DirectBuffer result, int resultLength);

        /**
         * Sends the results given since the last call as one message, when the sender collects them.
         *
         * @return false when they could not be sent: they are sent again on the next duty cycle.
         */
        default boolean flush()
        {
            return true;
        }
    }

    private final int kept;
    private final long resendIntervalNs;
    private final Sender sender;
    private final Long2ObjectHashMap<Task> byTask = new Long2ObjectHashMap<>();
    private final ArrayDeque<Task> recent = new ArrayDeque<>();
    private final ArrayList<Task> unacknowledged = new ArrayList<>();
    private final UnsafeBuffer result = new UnsafeBuffer(0, 0);
    private long nextSendNs;
    private long resends;
    /** Numbers the duty cycles that sent results; results sent in one share its number. */
    private long sendRound;
    /** The latest round of which some result was acknowledged, and the one seen by the last duty cycle. */
    private long ackedRound;
    private long seenAckedRound;
    private long lastAckNs;

    /**
     * @param kept             assignments remembered to answer one sent again, and the most results kept unacknowledged.
     * @param resendIntervalNs how long a sent result waits for its acknowledgement before it is sent again.
     * @param sender           sends results to the cluster.
     */
    AssignedTasks(final int kept, final long resendIntervalNs, final Sender sender)
    {
        this.kept = kept;
        this.resendIntervalNs = resendIntervalNs;
        this.sender = sender;
    }

    /**
     * An assignment from the cluster.
     *
     * @return the task to run, or null when this attempt (or a later one) was assigned before: it is not run again,
     * and its result, if it has one, is sent again.
     */
    Task onAssign(
        final long dagId, final int task, final int attempt, final long outputVertexId, final boolean resultHeld,
        final String udfName, final DirectBuffer operands, final int offset, final int length, final long nowNs)
    {
        final long key = key(dagId, task);
        final Task known = byTask.get(key);
        if (null != known && known.dagId == dagId && known.task == task && known.attempt >= attempt)
        {
            if (known.attempt == attempt && null != known.result)
            {
                sendAgain(known, nowNs);
            }
            return null;
        }
        final byte[] copy = new byte[length];
        operands.getBytes(offset, copy);
        final Task assigned = new Task(dagId, task, attempt, outputVertexId, resultHeld, udfName, copy);
        byTask.put(key, assigned);
        recent.addLast(assigned);
        if (recent.size() > kept)
        {
            final Task oldest = recent.pollFirst();
            final long oldestKey = key(oldest.dagId, oldest.task);
            if (byTask.get(oldestKey) == oldest)
            {
                byTask.remove(oldestKey);
            }
        }
        return assigned;
    }

    /**
     * A task ran and has its outcome ({@link Task#finish}): it is sent on the next {@link #doWork}, and until
     * acknowledged.
     */
    void report(final Task task, final long nowNs)
    {
        sendAgain(task, nowNs);
    }

    /**
     * The task was given up (an input was lost): the same attempt, assigned again, runs again.
     */
    void forget(final Task task)
    {
        final long key = key(task.dagId, task.task);
        if (byTask.get(key) == task)
        {
            byTask.remove(key);
        }
    }

    /** The cluster has this result in its log: it is not sent again. */
    void onAck(final long dagId, final int task, final int attempt)
    {
        final Task known = byTask.get(key(dagId, task));
        if (null != known && known.unacknowledged && known.dagId == dagId && known.attempt == attempt)
        {
            acknowledged(known);
            return;
        }
        for (int i = 0, size = unacknowledged.size(); i < size; i++)
        {
            final Task candidate = unacknowledged.get(i);
            if (candidate.dagId == dagId && candidate.task == task && candidate.attempt == attempt)
            {
                acknowledged(candidate);
                return;
            }
        }
    }

    private void acknowledged(final Task task)
    {
        ackedRound = Math.max(ackedRound, task.round);
        remove(task.index);
    }

    /**
     * Sends the results that are due: new ones, ones a send failed for, ones unacknowledged for the resend interval.
     * Stops at the first send that fails; that one is tried again on the next call, as are all of the call's results
     * when the sender collects them and cannot send the collection.
     *
     * @return results sent.
     */
    int doWork(final long nowNs)
    {
        if (ackedRound != seenAckedRound)
        {
            // Acknowledgements came: the cluster is taking results, and the ones they overtook are lost.
            seenAckedRound = ackedRound;
            lastAckNs = nowNs;
            nextSendNs = nowNs;
        }
        if (unacknowledged.isEmpty() || nowNs - nextSendNs < 0)
        {
            return 0;
        }
        final boolean unanswered = nowNs - lastAckNs >= resendIntervalNs;
        final long round = sendRound + 1;
        int sent = 0;
        long next = nowNs + (resendIntervalNs << MAX_BACKOFF_SHIFT);
        for (int i = 0, size = unacknowledged.size(); i < size; i++)
        {
            final Task task = unacknowledged.get(i);
            if (task.owed || task.round < ackedRound || unanswered && nowNs - task.nextSendNs >= 0)
            {
                if (task.sends++ > 0)
                {
                    resends++;
                }
                result.wrap(task.result);
                if (!sender.taskResult(task.dagId, task.task, task.attempt, task.status, result, task.result.length))
                {
                    next = nowNs;
                    break;
                }
                task.nextSendNs = nowNs + (resendIntervalNs << Math.min(task.delivered++, MAX_BACKOFF_SHIFT));
                task.owed = false;
                task.inBatch = true;
                sent++;
            }
            next = Math.min(next, task.nextSendNs);
        }
        final boolean flushed = 0 == sent || sender.flush();
        for (int i = 0, size = unacknowledged.size(); i < size; i++)
        {
            final Task task = unacknowledged.get(i);
            if (task.inBatch)
            {
                task.owed |= !flushed;
                task.round = round;
            }
            task.inBatch = false;
            next = task.owed ? nowNs : next;
        }
        sendRound = flushed && sent > 0 ? round : sendRound;
        // Nothing unacknowledged goes again before an interval passes without any acknowledgement, unless one wakes
        // this up (it may show a result lost).
        nextSendNs = next == nowNs ? nowNs : Math.max(next, lastAckNs + resendIntervalNs);
        return flushed ? sent : 0;
    }

    /** @return results sent and not yet acknowledged. */
    int unacknowledged()
    {
        return unacknowledged.size();
    }

    /** @return results sent again: after a failed send, unacknowledged, or asked for by an assignment sent again. */
    long resends()
    {
        return resends;
    }

    private void sendAgain(final Task task, final long nowNs)
    {
        task.owed = true;
        nextSendNs = nowNs;
        if (!task.unacknowledged)
        {
            if (unacknowledged.size() == kept)
            {
                // Only a cluster that takes results and never acknowledges them gets here; the cluster asks for
                // a lost result again by assigning its attempt again.
                remove(0);
            }
            task.unacknowledged = true;
            task.index = unacknowledged.size();
            unacknowledged.add(task);
        }
    }

    private void remove(final int index)
    {
        final int last = unacknowledged.size() - 1;
        unacknowledged.get(index).unacknowledged = false;
        final Task moved = unacknowledged.get(last);
        moved.index = index;
        unacknowledged.set(index, moved);
        unacknowledged.remove(last);
    }

    static long key(final long dagId, final int task)
    {
        // As the cluster keys its ready queue: a DAG has at most TaskDag.MAX_TASKS tasks.
        return (dagId << 16) | (task & 0xFFFF);
    }

    /** One assignment: what to run, then its outcome. */
    static final class Task
    {
        final long dagId;
        final int task;
        final int attempt;
        final long outputVertexId;
        /** The result stays on this worker for the task's dependants; the cluster hears only the status. */
        final boolean resultHeld;
        final String udfName;
        byte[] operands;
        Status status;
        byte[] result;
        /** When the worker reports it (the simulated work of {@code shawarma.grid.task.delay.ms} ends). */
        long dueNs;
        private long nextSendNs;
        private int sends;
        private int delivered;
        /** Goes on the next duty cycle: new, its send failed, or asked for again. */
        private boolean owed;
        /** The duty cycle that last sent it ({@code sendRound}). */
        private long round;
        /** Its place among the unacknowledged. */
        private int index;
        private boolean unacknowledged;
        private boolean inBatch;

        Task(
            final long dagId, final int task, final int attempt, final long outputVertexId, final boolean resultHeld,
            final String udfName, final byte[] operands)
        {
            this.dagId = dagId;
            this.task = task;
            this.attempt = attempt;
            this.outputVertexId = outputVertexId;
            this.resultHeld = resultHeld;
            this.udfName = udfName;
            this.operands = operands;
        }

        /** Sets the outcome and lets go of the operands, which are no longer needed. */
        void finish(final Status status, final byte[] result)
        {
            this.status = status;
            this.result = result;
            this.operands = null;
        }
    }
}
