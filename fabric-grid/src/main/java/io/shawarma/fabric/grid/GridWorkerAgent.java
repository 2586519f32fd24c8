package io.shawarma.fabric.grid;

import io.shawarma.codecs.BackupAckDecoder;
import io.shawarma.codecs.BackupWriteDecoder;
import io.shawarma.codecs.MemberEvent;
import io.shawarma.codecs.SlotChunkDecoder;
import io.shawarma.codecs.TaskResultFetchDecoder;
import io.shawarma.codecs.TaskResultFetchedDecoder;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.Ownership;
import io.shawarma.fabric.WorkerExtension;
import io.shawarma.fabric.WorkerPort;
import io.shawarma.fabric.store.Replication;
import io.shawarma.udf.Status;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * A grid worker's part of its fabric worker, on the worker's agent thread: joins the cluster, heartbeats with its load
 * and the epoch of its view, applies placement updates and slot moves ({@link SlotMigration}, which is also the
 * ownership the worker serves calls by), adds the other workers as peers as the cluster lists them, streams moving
 * slots to them ({@link SlotChunks}), runs the tasks it is assigned on its own vertices (up to 64 per duty cycle)
 * once their inputs are in ({@link TaskInputs}; {@link TaskFold} runs one and keeps a result its dependants need)
 * and reports outcomes, one message per cycle, until the cluster acknowledges them, across leader changes
 * ({@link AssignedTasks}). The worker serves the calls, holding the answer to a write until the slot's backups
 * applied it ({@link SlotReplicas}, {@link BackupFrames}), and refusing writes once its lease with the cluster ran
 * out. An assignment it already has (sent again after a lost egress or a lost result) is not run twice; its result
 * is reported again. A session the
 * cluster closed is replaced by a new one that joins again. Control plane: allocates per task, never per poll; a
 * call allocates nothing on the worker (GridWorkerAllocationTest).
 */
final class GridWorkerAgent
    implements WorkerExtension, GridListener, SlotMigration.Link, SlotReplicas.Link, TaskInputs.Listener
{
    /**
     * Assignments remembered, and results kept until acknowledged: well above any task window
     * (shawarma.grid.max.tasks.per.worker) a worker serves, since a result forgotten unacknowledged is only recovered
     * by the cluster assigning the task again.
     */
    private static final int RECENT_TASKS_KEPT = 65_536;
    private static final int RESULTS_HELD = 65_536;
    /** Tasks run in one duty cycle at most: their results go to the cluster as one message. */
    private static final int TASKS_PER_CYCLE = 64;

    private final int workerId;
    private final long heartbeatIntervalNs;
    private final long taskDelayNs;
    private final Function<GridListener, GridClient> connector;
    private final WorkerPort port;
    private final NanoClock clock;
    private final SlotMigration migration;
    private final SlotChunks chunks;
    private final SlotReplicas replicas;
    private final BackupFrames backupFrames;
    private final GridWorkerCounters counters;
    private final ArrayDeque<AssignedTasks.Task> queued = new ArrayDeque<>();
    private final ArrayDeque<AssignedTasks.Task> finishing = new ArrayDeque<>();
    private final AssignedTasks tasks;
    private final HeldResults heldResults = new HeldResults(RESULTS_HELD);
    private final TaskInputs inputs;
    private final TaskFold fold;
    private GridClient client;
    private String dataChannel;
    private String peerChannels = "";
    private boolean joined;
    private long nowNs;
    private long nextHeartbeatNs;
    private long busyNs;
    private boolean ranTask;
    private volatile boolean leaveRequested;
    private volatile boolean handedOver;
    private boolean leaveSent;

    /**
     * @param port                the worker's side.
     * @param heartbeatIntervalNs between heartbeats to the cluster.
     * @param taskDelayNs         simulated work: each result is held this long before it is reported.
     * @param connector           opens a session with the cluster; may give null (no cluster: tests drive the
     *                            placement through the {@link GridListener} methods).
     * @param clock               measures the time spent serving calls and running tasks (the load heartbeats report).
     * @param migration           creates the worker's slot migration.
     * @param replicas            creates the worker's slot backups.
     */
    GridWorkerAgent(
        final WorkerPort port, final long heartbeatIntervalNs, final long taskDelayNs,
        final Function<GridListener, GridClient> connector, final NanoClock clock,
        final SlotMigration.Factory migration, final SlotReplicas.Factory replicas)
    {
        this.workerId = port.workerId();
        this.port = port;
        this.fold = new TaskFold(port.invoker(), heldResults);
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        this.taskDelayNs = taskDelayNs;
        this.connector = connector;
        this.clock = clock;
        this.migration = migration.create(this);
        this.counters = new GridWorkerCounters(port);
        this.chunks = new SlotChunks(port, this.migration, counters.malformedChunks);
        this.backupFrames = new BackupFrames(port, counters.malformedChunks);
        this.replicas = replicas.create(this.migration, this);
        this.migration.replicas(this.replicas);
        this.chunks.replicas(this.replicas);
        this.backupFrames.replicas(this.replicas);
        // A result unacknowledged for a heartbeat interval is sent again: the round trip takes milliseconds, and a
        // leader change takes longer than an interval, so a result is sent a few times at most across one.
        this.tasks = new AssignedTasks(RECENT_TASKS_KEPT, heartbeatIntervalNs, new ResultSender());
        // An input not in after ten heartbeat intervals is lost: its holder died (the cluster has declared it dead by
        // then, with the default settings) or cannot be reached from here.
        this.inputs = new TaskInputs(port, heldResults, this, heartbeatIntervalNs / 10, 10 * heartbeatIntervalNs,
            counters.malformedChunks);
    }

    void client(final GridClient client)
    {
        this.client = client;
    }

    public Ownership ownership()
    {
        return migration;
    }

    public Replication replication()
    {
        return replicas;
    }

    public int doWork(final long nowNs, final int framesPolled)
    {
        this.nowNs = nowNs;
        final int work = work();
        if (framesPolled > 0 || ranTask)
        {
            // Load, as heartbeats report it: the share of time spent serving calls and running tasks.
            busyNs += clock.nanoTime() - nowNs;
            ranTask = false;
        }
        return work;
    }

    private int work()
    {
        int work = replicas.doWork(nowNs) + migration.doWork(nowNs);
        if (null == dataChannel)
        {
            dataChannel = port.servedChannel();
            return work;
        }
        if (null == client || client.isClosed())
        {
            return work + reconnect();
        }
        work += client.poll();
        if (!joined)
        {
            joined = client.workerStatus(MemberEvent.JOIN, running(), 0, dataChannel, migration.syncedEpoch(), nowNs);
            if (joined)
            {
                replicas.onJoinSent(nowNs);
            }
            nextHeartbeatNs = nowNs + heartbeatIntervalNs;
            return work + 1;
        }
        if (leaveRequested && !leaveSent || nowNs - nextHeartbeatNs >= 0)
        {
            final int load = (int)Math.min(100, busyNs * 100 / heartbeatIntervalNs);
            busyNs = 0;
            // A leaving worker repeats LEAVE as its heartbeat until its slots have moved.
            leaveSent |= client.workerStatus(leaveRequested ? MemberEvent.LEAVE : MemberEvent.HEARTBEAT, running(),
                load, dataChannel, migration.syncedEpoch(), nowNs) && leaveRequested;
            nextHeartbeatNs = nowNs + heartbeatIntervalNs;
            counters.publish(migration);
            counters.publish(tasks);
            counters.publish(heldResults, inputs);
            counters.publish(replicas);
            counters.malformedClusterMessages(client.malformedMessages());
            work++;
        }
        for (int i = 0; i < TASKS_PER_CYCLE && !queued.isEmpty(); i++)
        {
            run(queued.pollFirst());
            work++;
        }
        while (!finishing.isEmpty() && nowNs - finishing.peekFirst().dueNs >= 0)
        {
            report(finishing.pollFirst());
            work++;
        }
        work += inputs.doWork(nowNs) + tasks.doWork(nowNs);
        if (leaveSent && !handedOver && 0 == migration.ownedSlots() && 0 == migration.frozenSlots())
        {
            handedOver = true;
        }
        return work;
    }

    public void onMessage(
        final int senderId, final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (SlotChunkDecoder.TEMPLATE_ID == templateId)
        {
            chunks.onChunk(buffer, offset, length);
        }
        else if (BackupWriteDecoder.TEMPLATE_ID == templateId)
        {
            backupFrames.onWrite(senderId, buffer, offset, length);
        }
        else if (BackupAckDecoder.TEMPLATE_ID == templateId)
        {
            backupFrames.onAck(senderId, buffer, offset, length);
        }
        else if (TaskResultFetchDecoder.TEMPLATE_ID == templateId)
        {
            inputs.onFetch(senderId, buffer, offset, length);
        }
        else if (TaskResultFetchedDecoder.TEMPLATE_ID == templateId)
        {
            inputs.onFetched(senderId, buffer, offset, length);
        }
        else
        {
            counters.malformedChunks.incrementRelease();
        }
    }

    public void onClose()
    {
        if (null != client && !client.isClosed())
        {
            client.workerStatus(MemberEvent.LEAVE, 0, 0, null == dataChannel ? "" : dataChannel);
        }
        CloseHelper.quietClose(client);
    }

    public void onPlacement(final long epoch, final int[] slotOwners)
    {
        replicas.onViewHeard();
        if (migration.onPlacement(epoch, slotOwners))
        {
            replicas.onViewChanged();
            counters.publish(migration);
        }
    }

    public void onSlotBackups(final long epoch, final int backupCount, final int[] backups, final long[] fillIds)
    {
        replicas.onViewHeard();
        if (epoch >= migration.placementEpoch())
        {
            replicas.onBackups(backupCount, backups, fillIds);
        }
    }

    public void onHeartbeatAck(final long correlationId, final long epoch)
    {
        replicas.onHeartbeatAck(correlationId);
    }

    public void onSlotMoves(
        final long epoch, final int[] slots, final int[] targets, final long[] moveIds, final String targetChannels)
    {
        if (!targetChannels.isEmpty() && !targetChannels.equals(peerChannels))
        {
            peerChannels = targetChannels;
            try
            {
                port.workerPeers(FabricMembers.parse(targetChannels, "targetChannels"));
            }
            catch (final IllegalArgumentException ex)
            {
                port.onError(ex);
            }
        }
        migration.onSlotMoves(epoch, slots, targets, moveIds, nowNs);
    }

    public boolean sendChunk(
        final int targetId, final long moveId, final long epoch, final int slot, final int sequence, final boolean last,
        final int vertexCount, final DirectBuffer vertices, final int length)
    {
        return chunks.send(targetId, moveId, epoch, slot, sequence, last, vertexCount, vertices, length, false);
    }

    public boolean sendFillChunk(
        final int backupId, final long fillId, final long epoch, final int slot, final int sequence,
        final boolean last, final int vertexCount, final DirectBuffer vertices, final int length)
    {
        return chunks.send(backupId, fillId, epoch, slot, sequence, last, vertexCount, vertices, length, true);
    }

    public boolean sendWrite(
        final int backupId, final long sequence, final long epoch, final int slot, final long vertexId,
        final boolean removed, final DirectBuffer value, final int length)
    {
        return backupFrames.sendWrite(backupId, sequence, epoch, slot, vertexId, removed, value, length);
    }

    public boolean sendAck(final int ownerId, final long sequence, final Status status)
    {
        return backupFrames.sendAck(ownerId, sequence, status);
    }

    public void reportFilled(final long fillId, final int slot, final int vertexCount)
    {
        // The cluster counts the backup in sync on this report; a lost one is made again when the fill is re-streamed.
        reportReceived(fillId, slot, vertexCount);
    }

    public void release(final long sequence)
    {
        port.releaseHeld(sequence);
    }

    public void fail(final long sequence, final Status status, final int ownerId, final DirectBuffer text)
    {
        port.failHeld(sequence, status, ownerId, text);
    }

    public void reportReceived(final long moveId, final int slot, final int vertexCount)
    {
        if (null != client && !client.isClosed())
        {
            // A lost report is made again: the source streams the slot again while the move is pending.
            client.slotReceived(moveId, slot, vertexCount);
        }
        counters.publish(migration);
    }

    /** Starts a graceful leave: no more tasks or slots; the slots move to the others with their data. */
    void leave()
    {
        leaveRequested = true;
    }

    /** @return true once a leave was sent and this worker owns no slot and sends none. */
    boolean isHandedOver()
    {
        return handedOver;
    }

    /** @return the grid's counters of this worker, read from any thread. */
    GridWorkerCounters counters()
    {
        return counters;
    }

    public void onTaskAssign(
        final long dagId, final int task, final int attempt, final long outputVertexId, final boolean resultHeld,
        final String udfName, final DirectBuffer operands, final int offset, final int length)
    {
        final AssignedTasks.Task assigned = tasks.onAssign(
            dagId, task, attempt, outputVertexId, resultHeld, udfName, operands, offset, length, nowNs);
        if (null != assigned)
        {
            inputs.resolve(assigned, nowNs);
        }
    }

    public void onInputsReady(final AssignedTasks.Task task)
    {
        queued.addLast(task);
    }

    public boolean onInputLost(final AssignedTasks.Task task, final int inputTask, final int inputAttempt)
    {
        final boolean sent = null != client && !client.isClosed() &&
            client.taskInputLost(task.dagId, task.task, task.attempt, inputTask, inputAttempt);
        if (sent)
        {
            // The cluster runs the input again and assigns this task anew; should the report be lost with a
            // leader, the cluster assigns this very attempt again (the heartbeats count one task fewer here).
            tasks.forget(task);
        }
        return sent;
    }

    public void onTaskResultAck(final long dagId, final int task, final int attempt)
    {
        tasks.onAck(dagId, task, attempt);
    }

    private int running()
    {
        // As the cluster counts them: a task runs until its result is in the log, so an unacknowledged one still does.
        return queued.size() + finishing.size() + inputs.waitingTasks() + tasks.unacknowledged();
    }

    private int reconnect()
    {
        if (nowNs - nextHeartbeatNs < 0)
        {
            return 0;
        }
        nextHeartbeatNs = nowNs + heartbeatIntervalNs;
        CloseHelper.quietClose(client);
        client = null;
        joined = false;
        try
        {
            client = connector.apply(this);
            return null == client ? 0 : 1;
        }
        catch (final RuntimeException ex)
        {
            port.onError(ex);
            return 0;
        }
    }

    private void run(final AssignedTasks.Task assignment)
    {
        fold.run(assignment);
        ranTask = true;
        assignment.dueNs = nowNs + taskDelayNs;
        if (0 == taskDelayNs)
        {
            report(assignment);
        }
        else
        {
            finishing.addLast(assignment);
        }
    }

    private void report(final AssignedTasks.Task assignment)
    {
        counters.onTaskRun();
        tasks.report(assignment, nowNs);
    }

    /** The results of a duty cycle go to the cluster as one message: one log entry, one round of assignments. */
    private final class ResultSender implements AssignedTasks.Sender
    {
        public boolean taskResult(
            final long dagId, final int task, final int attempt, final Status status, final DirectBuffer result,
            final int resultLength)
        {
            return null != client && !client.isClosed() &&
                client.batchTaskResult(dagId, task, attempt, status, result, resultLength);
        }

        public boolean flush()
        {
            return null != client && !client.isClosed() && client.sendBatch();
        }
    }
}
