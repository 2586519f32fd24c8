package io.shawarma.fabric.grid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The grid's replicated state machine: membership, the slot table with its epoch, worker load and every DAG's task
 * states. Deterministic: it reads no clock (every input carries the cluster's timestamp) and no randomness, and it
 * iterates in id order, so every cluster member computes the same state from the same log. Plain Java so that it can
 * be tested without a cluster; {@link GridService} feeds it from Aeron Cluster and {@link GridSnapshot} saves it.
 * <p>
 * The DAGs and their tasks are kept by a {@link TaskBoard}; this class feeds it membership changes.
 * <p>
 * Slots are spread evenly on every join, leave or death ({@link SlotTable}); a worker that died and comes back gets
 * back the slots it lost (its data directory may hold their vertices), and load skewed beyond {@link LoadSkew}'s
 * threshold for long enough moves slots from the most to the least loaded worker. With backups, a dead owner's slots
 * go to their in-sync backups, and every slot is given its backups again ({@link BackupTable}). Each heartbeat applied
 * is acknowledged: the acknowledgement renews the worker's lease on its slots.
 */
final class GridState
{
    /** No skew seen yet, or no move on load made yet. */
    static final long NEVER = SkewBalancer.NEVER;

    private final int slotCount;
    private final long heartbeatTimeout;

    private final TreeMap<Integer, Member> members = new TreeMap<>();
    private final SlotTable slots;
    private final TaskBoard tasks;
    private final SkewBalancer skewBalancer;
    private final ViewPublisher views;
    private final GridOutput output;

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
        this(slotCount, heartbeatTimeout, maxTasksPerWorker, maxFinishedDags, knownUdf, loadSkew, 0, output);
    }

    /**
     * @param backupCount backups per slot (shawarma.grid.backups); the other parameters as above.
     */
    GridState(
        final int slotCount, final long heartbeatTimeout, final int maxTasksPerWorker, final int maxFinishedDags,
        final Predicate<String> knownUdf, final LoadSkew loadSkew, final int backupCount, final GridOutput output)
    {
        this.slotCount = slotCount;
        this.heartbeatTimeout = heartbeatTimeout;
        this.output = output;
        this.slots = new SlotTable(slotCount, backupCount);
        this.skewBalancer = new SkewBalancer(loadSkew, members, slots);
        this.views = new ViewPublisher(output, members, slots);
        this.tasks = new TaskBoard(maxTasksPerWorker, maxFinishedDags, knownUdf, output, members, slots);
    }

    /**
     * A worker joins (or rejoins with a new session): it gets the slot table; tasks its old session was running are
     * run again. With backups, a rejoin with a new session is taken as the death of the old incarnation (its slots
     * are promoted to their in-sync backups), then a join.
     */
    void onJoin(final int workerId, final long sessionId, final String dataChannel, final long now)
    {
        Member existing = members.get(workerId);
        if (null != existing && existing.sessionId != sessionId && slots.backups().count() > 0)
        {
            // A restart faster than the timeout: its store may be gone. Promote as on a death, then join afresh.
            remove(existing, now);
            existing = null;
        }
        if (null != existing)
        {
            if (existing.sessionId != sessionId)
            {
                tasks.requeueTasksOf(workerId, now);
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
        tasks.dispatch(now);
    }

    /**
     * A worker's heartbeat with its load. An unknown worker (declared dead, or lost in a restart) joins again. A
     * worker reporting fewer running tasks than it was given two heartbeats ago or earlier, on two heartbeats in a
     * row, is sent them again: an assignment may have been lost with a leader. The tasks assigned since may still be
     * in flight: counting them, every heartbeat of a worker kept busy by a wide DAG would look low, and each resend
     * of its thousands of tasks would only add to the burst that delayed them.
     */
    void onHeartbeat(
        final int workerId, final long sessionId, final int runningTasks, final int load, final String dataChannel,
        final long now)
    {
        onHeartbeat(workerId, sessionId, runningTasks, load, dataChannel, slots.epoch(), 0, now);
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
        onHeartbeat(workerId, sessionId, runningTasks, load, dataChannel, syncedEpoch, 0, now);
    }

    /**
     * As above, and a heartbeat applied (from the worker's current session) is acknowledged with its correlation id
     * and the placement epoch, after any view it caused: the acknowledgement renews the worker's lease.
     */
    void onHeartbeat(
        final int workerId, final long sessionId, final int runningTasks, final int load, final String dataChannel,
        final long syncedEpoch, final long correlationId, final long now)
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
        final int settled = member.running - member.assignedSinceHeartbeat - member.assignedTheHeartbeatBefore;
        member.assignedTheHeartbeatBefore = member.assignedSinceHeartbeat;
        member.assignedSinceHeartbeat = 0;
        member.lowReports = runningTasks < settled ? member.lowReports + 1 : 0;
        if (member.lowReports >= 2)
        {
            member.lowReports = 0;
            tasks.resendTasksOf(member);
        }
        output.heartbeatAck(sessionId, correlationId, slots.epoch());
    }

    /** A worker leaves: its slots and tasks go to the others (see below). */
    void onLeave(final int workerId, final long sessionId, final long syncedEpoch, final long now)
    {
        onLeave(workerId, sessionId, syncedEpoch, 0, now);
    }

    /**
     * A worker leaves gracefully: it takes no more tasks (its running ones run elsewhere) and no more slots, and its
     * slots move to the others with their data; it is removed once it owns none. A leaving worker repeats LEAVE as
     * its heartbeat (with the epoch of its view), so a LEAVE from a worker already gone changes nothing; a LEAVE
     * applied is acknowledged like a heartbeat (the leaver serves its slots until they moved).
     */
    void onLeave(
        final int workerId, final long sessionId, final long syncedEpoch, final long correlationId, final long now)
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
        }
        else
        {
            member.leaving = true;
            member.lastHeartbeat = now;
            tasks.requeueTasksOf(workerId, now);
            if (!removeIfHandedOver(member, now))
            {
                rebalance(Long.MIN_VALUE, now);
                tasks.dispatch(now);
            }
        }
        output.heartbeatAck(sessionId, correlationId, slots.epoch());
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
     * {@link LoadSkew}); called with every liveness check. Every worker is sent the new view.
     */
    void checkLoadSkew(final long now)
    {
        if (skewBalancer.check(now))
        {
            sendViews(now);
        }
    }

    private void remove(final Member member, final long now)
    {
        members.remove(member.workerId);
        tasks.requeueTasksOf(member.workerId, now);
        rebalance(Long.MIN_VALUE, now);
        tasks.dispatch(now);
    }

    /** @return true when the placement changed (every worker was sent the new view). */
    private boolean rebalance(final long joiningSessionId, final long now)
    {
        final boolean changed = slots.rebalance(workerIds(true), workerIds(false)) > 0;
        for (final Member member : members.values())
        {
            if (changed || member.sessionId == joiningSessionId)
            {
                sendView(member, now);
            }
        }
        return changed;
    }

    /** @return ascending ids of the members; of those taking slots and backups (not leaving) when takersOnly. */
    private int[] workerIds(final boolean takersOnly)
    {
        final int[] ids = new int[members.size()];
        int count = 0;
        for (final Member member : members.values())
        {
            if (!takersOnly || !member.leaving)
            {
                ids[count++] = member.workerId;
            }
        }
        return count == ids.length ? ids : Arrays.copyOf(ids, count);
    }

    private void keepInSync(final Member member, final long syncedEpoch, final long now)
    {
        if (syncedEpoch != slots.epoch() && now - member.viewSentAt > heartbeatTimeout / 4 ||
            now - member.viewSentAt > heartbeatTimeout &&
            (slots.movesFrom(member.workerId) > 0 || slots.backups().fillsFrom(slots, member.workerId) > 0))
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
     * The target of a slot move has installed the slot's vertices: the move commits under a new epoch (the slot's
     * backups assigned again), and every worker is sent the new view. Or a backup has the vertices of the fill it
     * waited for: it is in sync, under a new epoch sent to every worker. A report for a move or fill that is not
     * current (cancelled, redirected, done) is ignored.
     */
    void onSlotReceived(final int workerId, final long sessionId, final int slot, final long moveId, final long now)
    {
        final Member member = members.get(workerId);
        final boolean inRange = slot >= 0 && slot < slotCount;
        final int sourceId = inRange ? slots.ownerOf(slot) : SlotTable.NO_OWNER;
        final boolean restore = inRange && slots.claimOf(slot) == workerId;
        if (null == member || member.sessionId != sessionId)
        {
            return;
        }
        if (!slots.commit(slot, workerId, moveId, workerIds(true)))
        {
            if (slots.filled(slot, workerId, moveId))
            {
                sendViews(now);
            }
            return;
        }
        // Every slot it claimed is back: spread evenly again (it may hold more than its share now). A rebalance that
        // changes something sends everyone the view; else everyone hears the commit here, the source too (it drops
        // the slot, and a leaver learns it has handed over).
        if (!(restore && 0 == slots.claimsOf(workerId) && rebalance(Long.MIN_VALUE, now)))
        {
            sendViews(now);
        }
        final Member source = members.get(sourceId);
        if (null != source)
        {
            removeIfHandedOver(source, now);
        }
    }

    private void sendView(final Member member, final long now)
    {
        views.send(member, now);
    }

    private void sendViews(final long now)
    {
        for (final Member member : members.values())
        {
            views.send(member, now);
        }
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

    long skewSince()
    {
        return skewBalancer.skewSince();
    }

    long lastSkewMove()
    {
        return skewBalancer.lastSkewMove();
    }

    void restoreLoadSkew(final long skewSince, final long lastSkewMove)
    {
        skewBalancer.restore(skewSince, lastSkewMove);
    }

    void addMember(final Member member)
    {
        members.put(member.workerId, member);
    }

    /** @return the task part of the state: DAGs, their tasks and the ready queue. */
    TaskBoard tasks()
    {
        return tasks;
    }

    int slotCount()
    {
        return slotCount;
    }
}
