package io.shawarma.fabric.grid;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import io.shawarma.codecs.GridBatchDecoder;
import io.shawarma.codecs.GridPingDecoder;
import io.shawarma.codecs.MemberEvent;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.SlotReceivedDecoder;
import io.shawarma.codecs.StatusRequestDecoder;
import io.shawarma.codecs.SubmitDagDecoder;
import io.shawarma.codecs.TaskInputLostDecoder;
import io.shawarma.codecs.TaskResultDecoder;
import io.shawarma.codecs.WorkerStatusDecoder;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The grid's control plane as an Aeron Cluster service: decodes ingress (worker status, DAG submissions, task
 * results, status requests; a GridBatch applied message by message) into {@link GridState}, checks worker liveness on
 * a cluster timer, answers on the sessions' egress (what one log entry makes for a session as one message, see
 * {@link SessionEgress}) and saves the state in the cluster's snapshots. Runs identically on every member; only the
 * leader's egress leaves the process. The consensus module must run a nanosecond cluster clock
 * ({@link io.aeron.cluster.NanosecondClusterClock}): every timestamp the state machine sees is in nanoseconds. A malformed message is counted and dropped; it never stops the service.
 */
public final class GridService implements ClusteredService
{
    private static final long LIVENESS_TIMER_ID = 1;

    private final int slotCount;
    private final long heartbeatTimeoutNs;
    private final int maxTasksPerWorker;
    private final int maxFinishedDags;
    private final Predicate<String> knownUdf;
    private final LoadSkew loadSkew;
    private final int backupCount;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final WorkerStatusDecoder workerStatus = new WorkerStatusDecoder();
    private final SubmitDagDecoder submitDag = new SubmitDagDecoder();
    private final TaskResultDecoder taskResult = new TaskResultDecoder();
    private final TaskInputLostDecoder inputLost = new TaskInputLostDecoder();
    private final StatusRequestDecoder statusRequest = new StatusRequestDecoder();
    private final SlotReceivedDecoder slotReceived = new SlotReceivedDecoder();
    private final GridBatchDecoder batch = new GridBatchDecoder();
    private final GridEncoder encoder = new GridEncoder();
    private final Egress egress = new Egress();
    private final SessionEgress sessionEgress = new SessionEgress();
    private final MessageBatch.Handler batchedMessage = this::onBatchedMessage;
    private long batchSessionId;
    private long batchTimestamp;
    private Cluster cluster;
    private GridState state;
    private long livenessCheckInterval;
    private boolean livenessCheckScheduled;
    private long malformedMessages;

    /**
     * A service without slot backups and without moves on load.
     *
     * @param slotCount          hash slots placed on workers; the same on every member and across restarts.
     * @param heartbeatTimeoutNs a worker silent this long is declared dead.
     * @param maxTasksPerWorker  tasks one worker runs at once before it counts as overloaded.
     * @param maxFinishedDags    finished DAGs kept for status queries.
     * @param knownUdf           whether a UDF name is registered (the same answer on every member).
     */
    public GridService(
        final int slotCount, final long heartbeatTimeoutNs, final int maxTasksPerWorker, final int maxFinishedDags,
        final Predicate<String> knownUdf)
    {
        this(slotCount, heartbeatTimeoutNs, maxTasksPerWorker, maxFinishedDags, knownUdf, LoadSkew.OFF);
    }

    /**
     * As above, and moving slots from the most to the least loaded worker when their loads stay too far apart.
     */
    GridService(
        final int slotCount, final long heartbeatTimeoutNs, final int maxTasksPerWorker, final int maxFinishedDags,
        final Predicate<String> knownUdf, final LoadSkew loadSkew)
    {
        this(slotCount, heartbeatTimeoutNs, maxTasksPerWorker, maxFinishedDags, knownUdf, loadSkew, 0);
    }

    /**
     * As above, with backups for every slot.
     *
     * @param backupCount backups per slot (shawarma.grid.backups), in [0, 2].
     */
    GridService(
        final int slotCount, final long heartbeatTimeoutNs, final int maxTasksPerWorker, final int maxFinishedDags,
        final Predicate<String> knownUdf, final LoadSkew loadSkew, final int backupCount)
    {
        this.loadSkew = loadSkew;
        this.backupCount = backupCount;
        this.slotCount = slotCount;
        this.heartbeatTimeoutNs = heartbeatTimeoutNs;
        this.maxTasksPerWorker = maxTasksPerWorker;
        this.maxFinishedDags = maxFinishedDags;
        this.knownUdf = knownUdf;
    }

    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        sessionEgress.cluster(cluster);
        // The cluster's time unit is only known once the log is joined: the members run a nanosecond clock.
        final long heartbeatTimeout = heartbeatTimeoutNs;
        livenessCheckInterval = Math.max(1, heartbeatTimeout / 4);
        state = new GridState(
            slotCount, heartbeatTimeout, maxTasksPerWorker, maxFinishedDags, knownUdf, loadSkew, backupCount, egress);
        if (null != snapshotImage)
        {
            SnapshotStream.read(snapshotImage, cluster.idleStrategy(), state);
        }
    }

    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
        ensureLivenessCheck(timestamp);
        sessionEgress.flush();
    }

    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
        state.onSessionClosed(session.id(), timestamp);
        sessionEgress.onSessionClosed(session.id());
    }

    public void onSessionMessage(
        final ClientSession session, final long timestamp, final DirectBuffer buffer, final int offset,
        final int length, final Header header)
    {
        ensureLivenessCheck(timestamp);
        try
        {
            onMessage(session.id(), timestamp, buffer, offset, length);
        }
        catch (final RuntimeException ex)
        {
            // Truncated or inconsistent frames: every member drops the same message the same way.
            malformedMessages++;
        }
        sessionEgress.flush();
    }

    public void onTimerEvent(final long correlationId, final long timestamp)
    {
        if (LIVENESS_TIMER_ID == correlationId)
        {
            state.checkLiveness(timestamp);
            scheduleLivenessCheck(timestamp);
        }
        sessionEgress.flush();
    }

    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        SnapshotStream.write(state, snapshotPublication, cluster.idleStrategy());
    }

    public void onRoleChange(final Cluster.Role newRole)
    {
        if (Cluster.Role.LEADER != newRole)
        {
            sessionEgress.onRoleChange();
        }
    }

    public int doBackgroundWork(final long nowNs)
    {
        return sessionEgress.retry();
    }

    public void onTerminate(final Cluster cluster)
    {
    }

    /** @return messages dropped as malformed since start. */
    public long malformedMessages()
    {
        return malformedMessages;
    }

    /** @return egress messages dropped: a session stayed behind past its backlog's bound, or leadership moved. */
    public long droppedEgress()
    {
        return sessionEgress.dropped();
    }

    private void onMessage(
        final long sessionId, final long timestamp, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!GridEncoder.wrapHeader(header, buffer, offset, length))
        {
            malformedMessages++;
            return;
        }
        final int frameEnd = offset + length;
        switch (header.templateId())
        {
            case WorkerStatusDecoder.TEMPLATE_ID:
                if (!fits(WorkerStatusDecoder.BLOCK_LENGTH, length))
                {
                    break;
                }
                workerStatus.wrapAndApplyHeader(buffer, offset, header);
                if (!hasVarData(buffer, workerStatus.limit(), frameEnd))
                {
                    break;
                }
                onWorkerStatus(sessionId, timestamp);
                break;

            case SubmitDagDecoder.TEMPLATE_ID:
                if (!fits(SubmitDagDecoder.BLOCK_LENGTH, length))
                {
                    break;
                }
                submitDag.wrapAndApplyHeader(buffer, offset, header);
                if (!hasVarData(buffer, submitDag.limit(), frameEnd))
                {
                    break;
                }
                final long correlationId = submitDag.session().correlationId();
                final byte[] json = new byte[submitDag.jsonLength()];
                submitDag.getJson(json, 0, json.length);
                state.tasks().onSubmit(sessionId, correlationId, new String(json, StandardCharsets.UTF_8), timestamp);
                break;

            case TaskResultDecoder.TEMPLATE_ID:
                if (!fits(TaskResultDecoder.BLOCK_LENGTH, length))
                {
                    break;
                }
                taskResult.wrapAndApplyHeader(buffer, offset, header);
                if (!hasVarData(buffer, taskResult.limit(), frameEnd))
                {
                    break;
                }
                onTaskResult(sessionId, timestamp);
                break;

            case TaskInputLostDecoder.TEMPLATE_ID:
                onTaskInputLost(buffer, offset, length, timestamp);
                break;

            case StatusRequestDecoder.TEMPLATE_ID:
                if (!fits(StatusRequestDecoder.BLOCK_LENGTH, length))
                {
                    break;
                }
                statusRequest.wrapAndApplyHeader(buffer, offset, header);
                final long requestDagId = statusRequest.dagId();
                final long requestCorrelationId = statusRequest.session().correlationId();
                if (0 != requestDagId)
                {
                    state.tasks().replayDag(sessionId, requestDagId, timestamp);
                }
                offer(sessionId, encoder.gridStatus(state, requestCorrelationId, timestamp));
                break;

            case SlotReceivedDecoder.TEMPLATE_ID:
                if (fits(SlotReceivedDecoder.BLOCK_LENGTH, length))
                {
                    slotReceived.wrapAndApplyHeader(buffer, offset, header);
                    state.onSlotReceived(slotReceived.session().senderId(), sessionId, slotReceived.slot(),
                        slotReceived.moveId(), timestamp);
                }
                break;

            case GridPingDecoder.TEMPLATE_ID:
                if (length == MessageHeaderDecoder.ENCODED_LENGTH + GridPingDecoder.BLOCK_LENGTH)
                {
                    sessionEgress.add(sessionId, buffer, offset, length);
                }
                break;

            case GridBatchDecoder.TEMPLATE_ID:
                // One log entry of several messages (a worker's results of one duty cycle): applied in order.
                batchSessionId = sessionId;
                batchTimestamp = timestamp;
                if (!MessageBatch.forEachFrame(header, batch, buffer, offset, length, batchedMessage))
                {
                    malformedMessages++;
                }
                break;

            default:
                malformedMessages++;
        }
    }

    private void onBatchedMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        onMessage(batchSessionId, batchTimestamp, buffer, offset, length);
    }

    private void onWorkerStatus(final long sessionId, final long timestamp)
    {
        final int workerId = workerStatus.session().senderId();
        final MemberEvent event = workerStatus.memberEvent();
        final int running = workerStatus.runningTasks();
        final int load = workerStatus.load();
        final long syncedEpoch = workerStatus.session().epoch();
        final long correlationId = workerStatus.session().correlationId();
        final String dataChannel = workerStatus.dataChannel();
        if (workerId < 0)
        {
            malformedMessages++;
        }
        else if (MemberEvent.JOIN == event)
        {
            state.onJoin(workerId, sessionId, dataChannel, timestamp);
        }
        else if (MemberEvent.HEARTBEAT == event)
        {
            state.onHeartbeat(workerId, sessionId, running, load, dataChannel, syncedEpoch, correlationId, timestamp);
        }
        else if (MemberEvent.LEAVE == event)
        {
            state.onLeave(workerId, sessionId, syncedEpoch, correlationId, timestamp);
        }
        else
        {
            malformedMessages++;
        }
    }

    private void onTaskInputLost(final DirectBuffer buffer, final int offset, final int length, final long timestamp)
    {
        if (fits(TaskInputLostDecoder.BLOCK_LENGTH, length))
        {
            inputLost.wrapAndApplyHeader(buffer, offset, header);
            state.tasks().onTaskInputLost(inputLost.session().senderId(), inputLost.dagId(), inputLost.taskIndex(),
                inputLost.attempt(), inputLost.inputTask(), inputLost.inputAttempt(), timestamp);
        }
    }

    private void onTaskResult(final long sessionId, final long timestamp)
    {
        final int sender = taskResult.session().senderId();
        final long dagId = taskResult.dagId();
        final int task = taskResult.taskIndex();
        final int attempt = taskResult.attempt();
        // The result is in the log, so every member applies it (or ignores it as stale or a duplicate) the same
        // way: the worker may stop sending it. Acknowledged before it is applied, so the acknowledgement reaches the
        // worker ahead of a next attempt of the same task that applying it may assign.
        offer(sessionId, encoder.taskResultAck(dagId, task, attempt));
        Status status = Status.of(taskResult.statusRaw());
        byte[] result = new byte[taskResult.resultLength()];
        taskResult.getResult(result, 0, result.length);
        if (null == status)
        {
            status = Status.MALFORMED;
        }
        if (result.length > TaskDag.MAX_RESULT_BYTES)
        {
            status = Status.MALFORMED;
            result = ("result of " + result.length + " bytes exceeds " + TaskDag.MAX_RESULT_BYTES)
                .getBytes(StandardCharsets.US_ASCII);
        }
        state.tasks().onTaskResult(sender, dagId, task, attempt, status, result, timestamp);
    }

    /**
     * Whether the frame holds the message's fixed block; counts it as malformed when not. Nothing past the frame
     * may be read: the bytes there are not part of the replicated message.
     */
    private boolean fits(final int blockLength, final int frameLength)
    {
        if (header.blockLength() < blockLength ||
            frameLength < MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength())
        {
            malformedMessages++;
            return false;
        }
        return true;
    }

    /**
     * Whether a variable-length field starting at limit (a 4-byte length, then the bytes) ends inside the frame;
     * counts it as malformed when not, before anything is allocated for it.
     */
    private boolean hasVarData(final DirectBuffer buffer, final int limit, final int frameEnd)
    {
        if (limit + Integer.BYTES > frameEnd ||
            limit + Integer.BYTES + (buffer.getInt(limit, LITTLE_ENDIAN) & 0xFFFF_FFFFL) > frameEnd)
        {
            malformedMessages++;
            return false;
        }
        return true;
    }

    private void ensureLivenessCheck(final long now)
    {
        // Timers cannot be scheduled from onStart: the first log event after a start does it. Scheduling the same
        // timer id again only moves its deadline.
        if (!livenessCheckScheduled)
        {
            livenessCheckScheduled = true;
            scheduleLivenessCheck(now);
        }
    }

    private void scheduleLivenessCheck(final long now)
    {
        final IdleStrategy idle = cluster.idleStrategy();
        idle.reset();
        while (!cluster.scheduleTimer(LIVENESS_TIMER_ID, now + livenessCheckInterval))
        {
            idle.idle();
        }
    }

    private void offer(final long sessionId, final int length)
    {
        sessionEgress.add(sessionId, encoder.buffer(), 0, length);
    }

    private final class Egress implements GridOutput
    {
        public void placement(final long sessionId, final long epoch, final int[] slotOwners)
        {
            offer(sessionId, encoder.placement(epoch, slotOwners));
        }

        public void slotMoves(
            final long sessionId, final long epoch, final int[] slots, final int[] targets, final long[] moveIds,
            final String targetChannels)
        {
            offer(sessionId, encoder.slotMoves(epoch, slots, targets, moveIds, targetChannels));
        }

        public void slotBackups(
            final long sessionId, final long epoch, final int backupCount, final int[] backups, final long[] fillIds)
        {
            offer(sessionId, encoder.slotBackups(epoch, backupCount, backups, fillIds));
        }

        public void heartbeatAck(final long sessionId, final long correlationId, final long epoch)
        {
            offer(sessionId, encoder.heartbeatAck(correlationId, epoch));
        }

        public void assign(final long sessionId, final DagRun run, final int task)
        {
            offer(sessionId, encoder.taskAssign(run, task));
        }

        public void taskStateChanged(final long sessionId, final DagRun run, final int task, final long now)
        {
            offer(sessionId, encoder.taskStateChange(run, task, now));
        }

        public void submitted(
            final long sessionId, final long correlationId, final long dagId, final int taskCount,
            final String refusal)
        {
            offer(sessionId, encoder.submitResult(correlationId, dagId, taskCount, refusal));
        }
    }
}
