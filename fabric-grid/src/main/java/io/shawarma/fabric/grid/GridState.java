package io.shawarma.fabric.grid;

import io.shawarma.codecs.TaskState;
import io.shawarma.fabric.Placement;
import io.shawarma.udf.Status;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The grid's replicated state machine: membership, the slot table with its epoch, worker load and every DAG's task
 * states. Deterministic: it reads no clock (every input carries the cluster's timestamp) and no randomness, and it
 * iterates in id order, so every cluster member computes the same state from the same log. Plain Java so that it can
 * be tested without a cluster; {@link GridService} feeds it from Aeron Cluster and {@link GridSnapshot} saves it.
 * <p>
 * Tasks fire when their last input is done, go to the worker owning the most input slots unless that worker runs
 * {@code maxTasksPerWorker} tasks already (then to the least busy worker), and return to ready when their worker
 * dies. A failed task is retried up to the DAG's retries, then fails, which leaves its dependants pending.
 * <p>
 * Slots are spread evenly on every join, leave or death ({@link SlotTable}); a worker that died and comes back gets
 * back the slots it lost (its data directory may hold their vertices), and load skewed beyond {@link LoadSkew}'s
 * threshold for long enough moves slots from the most to the least loaded worker.
 */
final class GridState
{
    /** No skew seen yet, or no move on load made yet. */
    static final long NEVER = Long.MIN_VALUE;

    private final int slotCount;
    private final long heartbeatTimeout;
    private final int maxTasksPerWorker;
    private final int maxFinishedDags;
    private final Predicate<String> knownUdf;
    private final LoadSkew loadSkew;
    private final GridOutput output;

    private final TreeMap<Integer, Member> members = new TreeMap<>();
    private final SlotTable slots;
    private final TreeMap<Long, DagRun> dags = new TreeMap<>();
    private final ArrayDeque<Long> readyQueue = new ArrayDeque<>();
    private final ArrayDeque<Long> finishedDags = new ArrayDeque<>();
    private long nextDagId = 1;
    private long skewSince = NEVER;
    private long lastSkewMove = NEVER;

    /**
     * @param slotCount         number of hash slots placed on workers.
     * @param heartbeatTimeout  a worker silent for longer (cluster time units) is declared dead.
     * @param maxTasksPerWorker a worker running this many tasks is overloaded.
     * @param maxFinishedDags   finished DAGs kept for status queries; older ones are forgotten.
     * @param knownUdf          whether a UDF name is registered.
     * @param output            where messages go.
     */
    GridState(
        final int slotCount, final long heartbeatTimeout, final int maxTasksPerWorker, final int maxFinishedDags,
        final Predicate<String> knownUdf, final GridOutput output)
    {
        this(slotCount, heartbeatTimeout, maxTasksPerWorker, maxFinishedDags, knownUdf, LoadSkew.OFF, output);
    }

    /**
     * @param loadSkew when slots move because of load (see {@link LoadSkew}); the other parameters as above.
     */
    GridState(
        final int slotCount, final long heartbeatTimeout, final int maxTasksPerWorker, final int maxFinishedDags,
        final Predicate<String> knownUdf, final LoadSkew loadSkew, final GridOutput output)
    {
        this.slotCount = slotCount;
        this.loadSkew = loadSkew;
        this.heartbeatTimeout = heartbeatTimeout;
        this.maxTasksPerWorker = maxTasksPerWorker;
        this.maxFinishedDags = maxFinishedDags;
        this.knownUdf = knownUdf;
        this.output = output;
        this.slots = new SlotTable(slotCount);
    }

    /**
     * A worker joins (or rejoins with a new session): it gets the slot table; tasks its old session was running are
     * run again.
     */
    void onJoin(final int workerId, final long sessionId, final String dataChannel, final long now)
    {
        final Member existing = members.get(workerId);
        if (null != existing)
        {
            if (existing.sessionId != sessionId)
            {
                requeueTasksOf(workerId, now);
                existing.sessionId = sessionId;
            }
            existing.dataChannel = dataChannel;
            existing.lastHeartbeat = now;
            sendView(existing, now);
        }
        else
        {
            members.put(workerId, new Member(workerId, sessionId, dataChannel, now));
            rebalance(sessionId, now);
        }
        dispatch(now);
    }

    /**
     * A worker's heartbeat with its load. An unknown worker (declared dead, or lost in a restart) joins again. A
     * worker reporting fewer running tasks than it was given on two heartbeats in a row is sent them again: an
     * assignment may have been lost with a leader (one low report is usually an assignment still in flight).
     */
    void onHeartbeat(
        final int workerId, final long sessionId, final int runningTasks, final int load, final String dataChannel,
        final long now)
    {
        onHeartbeat(workerId, sessionId, runningTasks, load, dataChannel, slots.epoch(), now);
    }

    /**
     * A heartbeat that also names the epoch of the last complete view (placement and slot moves) the worker
     * applied. A worker behind is sent the view again; so is a worker with slots to send whose moves have not
     * completed for a heartbeat timeout (a lost stream is streamed again).
     */
    void onHeartbeat(
        final int workerId, final long sessionId, final int runningTasks, final int load, final String dataChannel,
        final long syncedEpoch, final long now)
    {
        final Member member = members.get(workerId);
        if (null == member || member.sessionId != sessionId)
        {
            onJoin(workerId, sessionId, dataChannel, now);
            return;
        }
        keepInSync(member, syncedEpoch, now);
        member.lastHeartbeat = now;
        member.load = load;
        member.reportedRunning = runningTasks;
        member.lowReports = runningTasks < member.running ? member.lowReports + 1 : 0;
        if (member.lowReports >= 2)
        {
            member.lowReports = 0;
            resendTasksOf(member);
        }
    }

    /** A worker leaves: its slots and tasks go to the others. */
    void onLeave(final int workerId, final long sessionId, final long now)
    {
        onLeave(workerId, sessionId, slots.epoch(), now);
    }

    /**
     * A worker leaves gracefully: it takes no more tasks (its running ones run elsewhere) and no more slots, and its
     * slots move to the others with their data; it is removed once it owns none. A leaving worker repeats LEAVE as
     * its heartbeat (with the epoch of its view), so a LEAVE from a worker already gone changes nothing.
     */
    void onLeave(final int workerId, final long sessionId, final long syncedEpoch, final long now)
    {
        final Member member = members.get(workerId);
        if (null == member || member.sessionId != sessionId)
        {
            return;
        }
        if (member.leaving)
        {
            keepInSync(member, syncedEpoch, now);
            member.lastHeartbeat = now;
            return;
        }
        member.leaving = true;
        member.lastHeartbeat = now;
        requeueTasksOf(workerId, now);
        if (!removeIfHandedOver(member, now))
        {
            rebalance(Long.MIN_VALUE, now);
            dispatch(now);
        }
    }

    /** A client session closed (or timed out): a worker on it is gone. */
    void onSessionClosed(final long sessionId, final long now)
    {
        for (final Member member : members.values())
        {
            if (member.sessionId == sessionId)
            {
                remove(member, now);
                return;
            }
        }
    }

    /**
     * Declares dead every worker silent for longer than the timeout, and heard half a timeout or more before the last
     * heartbeat heard from anyone (another worker was heard meanwhile), except a leaving
     * one: its slots' data is only with it and it never comes back to claim them, so a leaver that is only slow (a
     * loaded machine) keeps handing over. It is removed once it has, or when its session closes (it stops at its leave
     * timeout; a session gone silent is closed by the cluster).
     * <p>
     * When the cluster heard nobody for the timeout, the silence is its own rather than every worker's: it stalled,
     * and the heartbeats sent meanwhile still wait in its ingress, behind this check. Declaring them all dead one
     * after the other would hand each one's slots to the next without data, each loss overwriting the claim of the
     * worker that has the data. Workers really gone then leave with their sessions.
     */
    void checkLiveness(final long now)
    {
        long lastHeard = Long.MIN_VALUE;
        for (final Member member : members.values())
        {
            lastHeard = Math.max(lastHeard, member.lastHeartbeat);
        }
        final List<Member> dead = new ArrayList<>();
        for (final Member member : members.values())
        {
            if (!member.leaving && now - member.lastHeartbeat > heartbeatTimeout &&
                lastHeard - member.lastHeartbeat > heartbeatTimeout / 2)
            {
                dead.add(member);
            }
        }
        for (int i = 0; i < dead.size(); i++)
        {
            remove(dead.get(i), now);
        }
        checkLoadSkew(now);
    }

    /**
     * Moves slots from the most to the least loaded worker when their loads have stayed too far apart (see
     * {@link LoadSkew}); called with every liveness check. Leaving workers take no part.
     */
    void checkLoadSkew(final long now)
    {
        if (!loadSkew.isOn())
        {
            return;
        }
        Member hot = null;
        Member cold = null;
        for (final Member member : members.values())
        {
            if (!member.leaving)
            {
                hot = null == hot || member.load > hot.load ? member : hot;
                cold = null == cold || member.load < cold.load ? member : cold;
            }
        }
        if (null == hot || hot.load - cold.load <= loadSkew.threshold || slots.moving() > 0 ||
            slots.slotsOf(hot.workerId) < 2)
        {
            skewSince = NEVER;
            return;
        }
        if (NEVER == skewSince)
        {
            skewSince = now;
        }
        if (now - skewSince < loadSkew.sustain || NEVER != lastSkewMove && now - lastSkewMove < loadSkew.cooldown)
        {
            return;
        }
        int count = loadSkew.slotsToMove(slots.slotsOf(hot.workerId), hot.load, cold.load);
        for (int slot = slotCount - 1; slot >= 0 && count > 0; slot--)
        {
            if (slots.ownerOf(slot) == hot.workerId && slots.move(slot, cold.workerId))
            {
                count--;
            }
        }
        skewSince = NEVER;
        lastSkewMove = now;
        for (final Member member : members.values())
        {
            sendView(member, now);
        }
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
            final int[] dependants = run.dag.dependants(task);
            for (final int dependant : dependants)
            {
                if (0 == --run.missingInputs[dependant])
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

    /** Runs ready tasks on workers with room, oldest first, until none is left or every worker is full. */
    void dispatch(final long now)
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
            setState(run, task, TaskState.RUNNING, now);
            output.assign(worker.sessionId, run, task);
        }
    }

    private Member chooseWorker(final DagRun run, final int task)
    {
        // The worker owning the most input slots (the task's own slot when it has no inputs); ties to the lower id.
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
                count += ownerOfVertex(run.outputVertexId(input)) == member.workerId ? 1 : 0;
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
        setState(run, task, TaskState.READY, now);
        readyQueue.addLast((run.dagId << 16) | task);
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

    private void remove(final Member member, final long now)
    {
        members.remove(member.workerId);
        requeueTasksOf(member.workerId, now);
        rebalance(Long.MIN_VALUE, now);
        dispatch(now);
    }

    private void requeueTasksOf(final int workerId, final long now)
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
        }
    }

    private void resendTasksOf(final Member member)
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

    /** @return true when the placement changed (every worker was sent the new view). */
    private boolean rebalance(final long joiningSessionId, final long now)
    {
        final int[] live = new int[members.size()];
        int takerCount = 0;
        int i = 0;
        for (final Member member : members.values())
        {
            live[i++] = member.workerId;
            takerCount += member.leaving ? 0 : 1;
        }
        final int[] takers = new int[takerCount];
        int k = 0;
        for (final Member member : members.values())
        {
            if (!member.leaving)
            {
                takers[k++] = member.workerId;
            }
        }
        final boolean changed = slots.rebalance(takers, live) > 0;
        for (final Member member : members.values())
        {
            if (changed || member.sessionId == joiningSessionId)
            {
                sendView(member, now);
            }
        }
        return changed;
    }

    private void keepInSync(final Member member, final long syncedEpoch, final long now)
    {
        if (syncedEpoch != slots.epoch() && now - member.viewSentAt > heartbeatTimeout / 4 ||
            slots.movesFrom(member.workerId) > 0 && now - member.viewSentAt > heartbeatTimeout)
        {
            sendView(member, now);
        }
    }

    private boolean removeIfHandedOver(final Member member, final long now)
    {
        if (member.leaving && 0 == slots.slotsOf(member.workerId))
        {
            remove(member, now);
            return true;
        }
        return false;
    }

    /**
     * The target of a slot move has installed the slot's vertices: the move commits under a new epoch, and every
     * worker is sent the new view. A report for a move that is not current (cancelled, redirected, done) is ignored.
     */
    void onSlotReceived(final int workerId, final long sessionId, final int slot, final long moveId, final long now)
    {
        final Member member = members.get(workerId);
        final boolean inRange = slot >= 0 && slot < slotCount;
        final int sourceId = inRange ? slots.ownerOf(slot) : SlotTable.NO_OWNER;
        final boolean restore = inRange && slots.claimOf(slot) == workerId;
        if (null == member || member.sessionId != sessionId || !slots.commit(slot, workerId, moveId))
        {
            return;
        }
        // Every slot it claimed is back: spread evenly again (it may hold more than its share now). A rebalance that
        // changes something sends everyone the view; else everyone hears the commit here, the source too (it drops
        // the slot, and a leaver learns it has handed over).
        if (!(restore && 0 == slots.claimsOf(workerId) && rebalance(Long.MIN_VALUE, now)))
        {
            for (final Member each : members.values())
            {
                sendView(each, now);
            }
        }
        final Member source = members.get(sourceId);
        if (null != source)
        {
            removeIfHandedOver(source, now);
        }
    }

    /**
     * Sends a worker the placement, then the moves it is the source or the target of, under the same epoch: the
     * worker takes the pair as one view (it never unfreezes a slot on a moves list older than its placement, and
     * keeps what it holds for a slot only while the slot is its own or moving to it).
     */
    private void sendView(final Member member, final long now)
    {
        member.viewSentAt = now;
        final long epoch = slots.epoch();
        output.placement(member.sessionId, epoch, slots.owners());
        final int count = slots.movesFrom(member.workerId) + slots.movesTo(member.workerId);
        final int[] movingSlots = new int[count];
        final int[] targets = new int[count];
        final long[] moveIds = new long[count];
        final StringBuilder channels = new StringBuilder();
        int i = 0;
        for (int slot = 0; slot < slots.slotCount() && i < count; slot++)
        {
            final int target = slots.targetOf(slot);
            if (SlotTable.NO_OWNER != target && (slots.ownerOf(slot) == member.workerId || target == member.workerId))
            {
                movingSlots[i] = slot;
                targets[i] = target;
                moveIds[i] = slots.moveIdOf(slot);
                i++;
            }
        }
        for (final Member other : members.values())
        {
            if (other.workerId != member.workerId && !other.dataChannel.isEmpty())
            {
                channels.append(channels.length() == 0 ? "" : ",").append(other.workerId).append('@')
                    .append(other.dataChannel);
            }
        }
        output.slotMoves(member.sessionId, epoch, movingSlots, targets, moveIds, channels.toString());
    }

    // Read access for status, snapshots and tests.

    Collection<Member> members()
    {
        return members.values();
    }

    Member member(final int workerId)
    {
        return members.get(workerId);
    }

    SlotTable slots()
    {
        return slots;
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

    long skewSince()
    {
        return skewSince;
    }

    long lastSkewMove()
    {
        return lastSkewMove;
    }

    void restoreLoadSkew(final long skewSince, final long lastSkewMove)
    {
        this.skewSince = skewSince;
        this.lastSkewMove = lastSkewMove;
    }

    long nextDagId()
    {
        return nextDagId;
    }

    void nextDagId(final long nextDagId)
    {
        this.nextDagId = nextDagId;
    }

    void addMember(final Member member)
    {
        members.put(member.workerId, member);
    }

    void addDag(final DagRun run)
    {
        dags.put(run.dagId, run);
    }

    int slotCount()
    {
        return slotCount;
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
