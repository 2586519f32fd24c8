package io.shawarma.fabric.grid;

import io.shawarma.codecs.TaskState;
import io.shawarma.fabric.Placement;
import io.shawarma.udf.Status;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The task part of the grid's state: every DAG's task states and the queue of ready tasks. Tasks fire when their
 * last input is done, go to the worker owning the most input slots unless that worker runs
 * {@code maxTasksPerWorker} tasks already (then to the least busy worker), and return to ready when their worker
 * dies. A failed task is retried up to the DAG's retries, then fails, which leaves its dependants pending.
 * Deterministic, like {@link GridState} which owns it: it iterates in id order and reads no clock.
 */
final class TaskBoard
{
    private final int slotCount;
    private final int maxTasksPerWorker;
    private final int maxFinishedDags;
    private final Predicate<String> knownUdf;
    private final GridOutput output;
    private final TreeMap<Integer, Member> members;
    private final SlotTable slots;
    private final TreeMap<Long, DagRun> dags = new TreeMap<>();
    private final ArrayDeque<Long> readyQueue = new ArrayDeque<>();
    /** Tasks made ready whose submitter has not been told yet: only those still waiting for a worker are told. */
    private final ArrayDeque<Long> unannounced = new ArrayDeque<>();
    private final ArrayDeque<Long> finishedDags = new ArrayDeque<>();
    private long nextDagId = 1;

    /**
     * @param members the grid's members, by worker id: read to choose workers, their running counts kept here.
     * @param slots   the slot table, to find the workers that own a task's inputs.
     */
    TaskBoard(
        final int maxTasksPerWorker, final int maxFinishedDags, final Predicate<String> knownUdf,
        final GridOutput output, final TreeMap<Integer, Member> members, final SlotTable slots)
    {
        this.slotCount = slots.slotCount();
        this.maxTasksPerWorker = maxTasksPerWorker;
        this.maxFinishedDags = maxFinishedDags;
        this.knownUdf = knownUdf;
        this.output = output;
        this.members = members;
        this.slots = slots;
    }

    /**
     * Accepts or refuses a DAG. The submitter's session is told the outcome, then every task's state change.
     */
    void onSubmit(final long sessionId, final long correlationId, final String json, final long now)
    {
        final TaskDag dag;
        try
        {
            dag = DagJson.parse(json);
            for (int task = 0; task < dag.taskCount(); task++)
            {
                if (!knownUdf.test(dag.udf(task)))
                {
                    throw new IllegalArgumentException("DAG '" + dag.name() + "': task '" + dag.taskName(task) +
                        "' runs UDF '" + dag.udf(task) + "', which is not registered");
                }
            }
        }
        catch (final IllegalArgumentException ex)
        {
            output.submitted(sessionId, correlationId, 0, 0, ex.getMessage());
            return;
        }

        final DagRun run = new DagRun(nextDagId++, sessionId, json, dag);
        dags.put(run.dagId, run);
        output.submitted(sessionId, correlationId, run.dagId, dag.taskCount(), "");
        for (int task = 0; task < dag.taskCount(); task++)
        {
            if (0 == run.missingInputs[task])
            {
                makeReady(run, task, now);
            }
        }
        dispatch(now);
    }

    /**
     * A worker's outcome for a task. Ignored unless it is for the task's current attempt on that worker (a late
     * answer from a worker declared dead, or a duplicate, changes nothing).
     */
    void onTaskResult(
        final int workerId, final long dagId, final int task, final int attempt, final Status status,
        final byte[] result, final long now)
    {
        final DagRun run = dags.get(dagId);
        if (null == run || task < 0 || task >= run.dag.taskCount() || run.states[task] != TaskState.RUNNING ||
            run.attempts[task] != attempt || run.workers[task] != workerId)
        {
            return;
        }
        final Member member = members.get(workerId);
        if (null != member)
        {
            member.running--;
        }
        run.statuses[task] = status;
        run.results[task] = result;
        if (Status.OK == status)
        {
            setState(run, task, TaskState.DONE, now);
            for (final int dependant : run.dag.dependants(task))
            {
                // A dependant done or failed while this task ran again (its result was lost) waits for nothing.
                if (run.states[dependant] == TaskState.PENDING && 0 == --run.missingInputs[dependant])
                {
                    makeReady(run, dependant, now);
                }
            }
        }
        else if (++run.failures[task] <= run.dag.retries())
        {
            makeReady(run, task, now);
        }
        else
        {
            setState(run, task, TaskState.FAILED, now);
        }
        if (run.isFinished())
        {
            onFinished(run);
        }
        dispatch(now);
    }

    /**
     * A worker could not get a running task's input from the worker holding it (that worker lost it, or cannot be
     * reached): the input runs again if the report is about its current result, and the task goes back to pending
     * until it is done. A report about a stale attempt of the task changes nothing; one about an input that already
     * runs again (another dependant reported it) sends the task back to ready, with the current inputs.
     */
    void onTaskInputLost(
        final int workerId, final long dagId, final int task, final int attempt, final int inputTask,
        final int inputAttempt, final long now)
    {
        final DagRun run = dags.get(dagId);
        if (null == run || task < 0 || task >= run.dag.taskCount() || run.states[task] != TaskState.RUNNING ||
            run.attempts[task] != attempt || run.workers[task] != workerId || !isInput(run, inputTask, task))
        {
            return;
        }
        if (run.states[inputTask] == TaskState.DONE && run.attempts[inputTask] == inputAttempt)
        {
            runAgain(run, inputTask, now);
        }
        else
        {
            unassign(run, task);
            makeReady(run, task, now);
        }
        dispatch(now);
    }

    private static boolean isInput(final DagRun run, final int inputTask, final int task)
    {
        for (final int input : run.dag.inputs(task))
        {
            if (input == inputTask)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * A done task whose result is gone (it was held by a worker that died, left or restarted) runs again; its
     * dependants not yet done wait for it once more.
     */
    private void runAgain(final DagRun run, final int task, final long now)
    {
        makeReady(run, task, now);
        for (final int dependant : run.dag.dependants(task))
        {
            final TaskState state = run.states[dependant];
            if (state == TaskState.READY || state == TaskState.RUNNING)
            {
                unassign(run, dependant);
                run.active--;
                run.workers[dependant] = SlotTable.NO_OWNER;
                setState(run, dependant, TaskState.PENDING, now);
            }
            if (run.states[dependant] == TaskState.PENDING)
            {
                run.missingInputs[dependant]++;
            }
        }
    }

    private void unassign(final DagRun run, final int task)
    {
        final Member member = run.states[task] == TaskState.RUNNING ? members.get(run.workers[task]) : null;
        if (null != member)
        {
            member.running--;
        }
    }

    /**
     * Sends a session the state of every task of a DAG.
     *
     * @return false when the DAG is unknown (never submitted, or forgotten).
     */
    boolean replayDag(final long sessionId, final long dagId, final long now)
    {
        final DagRun run = dags.get(dagId);
        if (null == run)
        {
            return false;
        }
        for (int task = 0; task < run.dag.taskCount(); task++)
        {
            output.taskStateChanged(sessionId, run, task, now);
        }
        return true;
    }

    /**
     * Runs ready tasks on workers with room, oldest first, until none is left or every worker is full. The submitter
     * hears READY only for the tasks left waiting: one dispatched at once goes straight to RUNNING.
     */
    void dispatch(final long now)
    {
        assignReady(now);
        announceReady(now);
    }

    private void assignReady(final long now)
    {
        while (!readyQueue.isEmpty())
        {
            final long key = readyQueue.peekFirst();
            final DagRun run = dags.get(key >>> 16);
            final int task = (int)(key & 0xFFFF);
            if (null == run || run.states[task] != TaskState.READY)
            {
                readyQueue.pollFirst();
                continue;
            }
            final Member worker = chooseWorker(run, task);
            if (null == worker)
            {
                return;
            }
            readyQueue.pollFirst();
            run.attempts[task]++;
            run.workers[task] = worker.workerId;
            worker.running++;
            worker.assignedSinceHeartbeat++;
            setState(run, task, TaskState.RUNNING, now);
            output.assign(worker.sessionId, run, task);
        }
    }

    private Member chooseWorker(final DagRun run, final int task)
    {
        // The worker holding the most input results, so they need not cross the network (for a task without inputs
        // the owner of its output vertex's slot); ties to the lower id.
        final int[] inputs = run.dag.inputs(task);
        Member preferred = null;
        int preferredCount = 0;
        for (final Member member : members.values())
        {
            if (member.leaving)
            {
                continue;
            }
            int count = 0;
            if (0 == inputs.length)
            {
                count = ownerOfVertex(run.outputVertexId(task)) == member.workerId ? 1 : 0;
            }
            for (final int input : inputs)
            {
                count += run.workers[input] == member.workerId ? 1 : 0;
            }
            if (count > preferredCount)
            {
                preferred = member;
                preferredCount = count;
            }
        }
        if (null != preferred && preferred.running < maxTasksPerWorker)
        {
            return preferred;
        }
        Member leastBusy = null;
        for (final Member member : members.values())
        {
            if (!member.leaving && member.running < maxTasksPerWorker &&
                (null == leastBusy || member.running < leastBusy.running))
            {
                leastBusy = member;
            }
        }
        return leastBusy;
    }

    private int ownerOfVertex(final long vertexId)
    {
        return slots.ownerOf(Placement.slotOf(vertexId, slotCount));
    }

    private void makeReady(final DagRun run, final int task, final long now)
    {
        if (run.states[task] != TaskState.RUNNING)
        {
            run.active++;
        }
        run.workers[task] = SlotTable.NO_OWNER;
        run.states[task] = TaskState.READY;
        readyQueue.addLast((run.dagId << 16) | task);
        unannounced.addLast((run.dagId << 16) | task);
    }

    private void announceReady(final long now)
    {
        while (!unannounced.isEmpty())
        {
            final long key = unannounced.pollFirst();
            final DagRun run = dags.get(key >>> 16);
            final int task = (int)(key & 0xFFFF);
            if (null != run && run.states[task] == TaskState.READY)
            {
                output.taskStateChanged(run.submitterSessionId, run, task, now);
            }
        }
    }

    private void setState(final DagRun run, final int task, final TaskState state, final long now)
    {
        if (state == TaskState.DONE || state == TaskState.FAILED)
        {
            run.active--;
        }
        run.states[task] = state;
        output.taskStateChanged(run.submitterSessionId, run, task, now);
    }

    private void onFinished(final DagRun run)
    {
        finishedDags.addLast(run.dagId);
        while (finishedDags.size() > maxFinishedDags)
        {
            dags.remove(finishedDags.pollFirst());
        }
    }

    /**
     * The tasks a worker was running go back to ready, and the done tasks whose results it holds for dependants not
     * yet done run again (it died, left or rejoined with a new session: what it held is gone, or soon will be).
     */
    void requeueTasksOf(final int workerId, final long now)
    {
        final Member member = members.get(workerId);
        for (final DagRun run : dags.values())
        {
            for (int task = 0; task < run.dag.taskCount(); task++)
            {
                if (run.states[task] == TaskState.RUNNING && run.workers[task] == workerId)
                {
                    if (null != member)
                    {
                        member.running--;
                    }
                    makeReady(run, task, now);
                }
            }
            for (int task = 0; task < run.dag.taskCount(); task++)
            {
                if (run.states[task] == TaskState.DONE && run.workers[task] == workerId && run.isNeeded(task))
                {
                    runAgain(run, task, now);
                }
            }
        }
        announceReady(now);
    }

    /**
     * Sends a worker again the tasks it runs: an assignment may have been lost with a leader.
     */
    void resendTasksOf(final Member member)
    {
        for (final DagRun run : dags.values())
        {
            for (int task = 0; task < run.dag.taskCount(); task++)
            {
                if (run.states[task] == TaskState.RUNNING && run.workers[task] == member.workerId)
                {
                    output.assign(member.sessionId, run, task);
                }
            }
        }
    }

    Map<Long, DagRun> dags()
    {
        return dags;
    }

    DagRun dag(final long dagId)
    {
        return dags.get(dagId);
    }

    ArrayDeque<Long> readyQueue()
    {
        return readyQueue;
    }

    ArrayDeque<Long> finishedDags()
    {
        return finishedDags;
    }

    long nextDagId()
    {
        return nextDagId;
    }

    void nextDagId(final long nextDagId)
    {
        this.nextDagId = nextDagId;
    }

    void addDag(final DagRun run)
    {
        dags.put(run.dagId, run);
    }

    int countTasks(final TaskState state)
    {
        int count = 0;
        for (final DagRun run : dags.values())
        {
            count += run.count(state);
        }
        return count;
    }
}
