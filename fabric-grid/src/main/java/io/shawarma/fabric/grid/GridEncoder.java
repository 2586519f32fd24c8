package io.shawarma.fabric.grid;

import io.shawarma.codecs.GridPingEncoder;
import io.shawarma.codecs.HeartbeatAckEncoder;
import io.shawarma.codecs.GridStatusEncoder;
import io.shawarma.codecs.MemberEvent;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.PlacementUpdateEncoder;
import io.shawarma.codecs.SessionHeaderEncoder;
import io.shawarma.codecs.SlotBackupsEncoder;
import io.shawarma.codecs.SlotMovesEncoder;
import io.shawarma.codecs.SlotReceivedEncoder;
import io.shawarma.codecs.StatusRequestEncoder;
import io.shawarma.codecs.SubmitDagEncoder;
import io.shawarma.codecs.SubmitResultEncoder;
import io.shawarma.codecs.TaskAssignEncoder;
import io.shawarma.codecs.TaskInputLostEncoder;
import io.shawarma.codecs.TaskResultAckEncoder;
import io.shawarma.codecs.TaskResultEncoder;
import io.shawarma.codecs.TaskState;
import io.shawarma.codecs.TaskStateChangeEncoder;
import io.shawarma.codecs.WorkerStatusEncoder;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Encodes the grid's cluster messages (SBE template ids 40-49, 70 and 72-74) into one reused buffer: each method
 * returns the encoded length, the bytes are in {@link #buffer()} from offset 0. One per thread.
 */
final class GridEncoder
{
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(64 * 1024);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final WorkerStatusEncoder workerStatus = new WorkerStatusEncoder();
    private final PlacementUpdateEncoder placement = new PlacementUpdateEncoder();
    private final SubmitDagEncoder submitDag = new SubmitDagEncoder();
    private final SubmitResultEncoder submitResult = new SubmitResultEncoder();
    private final TaskAssignEncoder taskAssign = new TaskAssignEncoder();
    private final TaskResultEncoder taskResult = new TaskResultEncoder();
    private final TaskResultAckEncoder taskResultAck = new TaskResultAckEncoder();
    private final TaskInputLostEncoder taskInputLost = new TaskInputLostEncoder();
    private final TaskStateChangeEncoder taskStateChange = new TaskStateChangeEncoder();
    private final StatusRequestEncoder statusRequest = new StatusRequestEncoder();
    private final GridStatusEncoder gridStatus = new GridStatusEncoder();
    private final GridPingEncoder ping = new GridPingEncoder();
    private final SlotMovesEncoder slotMoves = new SlotMovesEncoder();
    private final SlotReceivedEncoder slotReceived = new SlotReceivedEncoder();
    private final SlotBackupsEncoder slotBackups = new SlotBackupsEncoder();
    private final HeartbeatAckEncoder heartbeatAck = new HeartbeatAckEncoder();
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);

    /** @return the buffer the last message was encoded into, from offset 0. */
    MutableDirectBuffer buffer()
    {
        return buffer;
    }

    int workerStatus(
        final int workerId, final MemberEvent event, final int runningTasks, final int load, final String dataChannel,
        final long syncedEpoch, final long correlationId)
    {
        workerStatus.wrapAndApplyHeader(buffer, 0, header);
        session(workerStatus.session(), workerId, correlationId, syncedEpoch);
        workerStatus.memberEvent(event).runningTasks(runningTasks).load(load).dataChannel(dataChannel);
        return length(workerStatus.encodedLength());
    }

    int placement(final long epoch, final int[] slotOwners)
    {
        placement.wrapAndApplyHeader(buffer, 0, header);
        session(placement.session(), -1, 0, epoch);
        for (int slot = 0; slot < slotOwners.length; slot++)
        {
            scratch.putInt(slot * Integer.BYTES, slotOwners[slot], LITTLE_ENDIAN);
        }
        placement.putSlotOwners(scratch, 0, slotOwners.length * Integer.BYTES);
        return length(placement.encodedLength());
    }

    int slotMoves(
        final long epoch, final int[] slots, final int[] targets, final long[] moveIds, final String targetChannels)
    {
        slotMoves.wrapAndApplyHeader(buffer, 0, header);
        session(slotMoves.session(), -1, 0, epoch);
        final SlotMovesEncoder.MovesEncoder moves = slotMoves.movesCount(slots.length);
        for (int i = 0; i < slots.length; i++)
        {
            moves.next().slot(slots[i]).targetId(targets[i]).moveId(moveIds[i]);
        }
        slotMoves.targetChannels(targetChannels);
        return length(slotMoves.encodedLength());
    }

    int slotBackups(final long epoch, final int backupCount, final int[] backups, final long[] fillIds)
    {
        slotBackups.wrapAndApplyHeader(buffer, 0, header);
        session(slotBackups.session(), -1, 0, epoch);
        slotBackups.backupCount(backupCount);
        for (int i = 0; i < backups.length; i++)
        {
            scratch.putInt(i * Integer.BYTES, backups[i], LITTLE_ENDIAN);
        }
        slotBackups.putBackups(scratch, 0, backups.length * Integer.BYTES);
        for (int i = 0; i < fillIds.length; i++)
        {
            scratch.putLong(i * Long.BYTES, fillIds[i], LITTLE_ENDIAN);
        }
        slotBackups.putFillIds(scratch, 0, fillIds.length * Long.BYTES);
        return length(slotBackups.encodedLength());
    }

    int heartbeatAck(final long correlationId, final long epoch)
    {
        heartbeatAck.wrapAndApplyHeader(buffer, 0, header);
        session(heartbeatAck.session(), -1, correlationId, epoch);
        return length(heartbeatAck.encodedLength());
    }

    int slotReceived(final int workerId, final long moveId, final int slot, final int vertexCount)
    {
        slotReceived.wrapAndApplyHeader(buffer, 0, header);
        session(slotReceived.session(), workerId, 0, 0);
        slotReceived.moveId(moveId).slot(slot).vertexCount(vertexCount);
        return length(slotReceived.encodedLength());
    }

    int submitDag(final int clientId, final long correlationId, final byte[] json)
    {
        submitDag.wrapAndApplyHeader(buffer, 0, header);
        session(submitDag.session(), clientId, correlationId, 0);
        submitDag.putJson(json, 0, json.length);
        return length(submitDag.encodedLength());
    }

    int submitResult(final long correlationId, final long dagId, final int taskCount, final String refusal)
    {
        submitResult.wrapAndApplyHeader(buffer, 0, header);
        session(submitResult.session(), -1, correlationId, 0);
        submitResult.dagId(dagId).taskCount(taskCount).refusal(ascii(refusal));
        return length(submitResult.encodedLength());
    }

    int taskAssign(final DagRun run, final int task)
    {
        taskAssign.wrapAndApplyHeader(buffer, 0, header);
        session(taskAssign.session(), -1, 0, 0);
        taskAssign.dagId(run.dagId).taskIndex(task).attempt(run.attempts[task])
            .outputVertexId(run.outputVertexId(task)).resultHeld((short)(run.isResultHeld(task) ? 1 : 0))
            .udfName(run.dag.udf(task));
        int length = 0;
        for (final int input : run.dag.inputs(task))
        {
            // Inputs are never in the log: the worker that ran each one holds its result.
            scratch.putInt(length, TaskInputs.REFERENCE, LITTLE_ENDIAN);
            scratch.putInt(length + Integer.BYTES, run.workers[input], LITTLE_ENDIAN);
            scratch.putInt(length + 2 * Integer.BYTES, input, LITTLE_ENDIAN);
            scratch.putInt(length + 3 * Integer.BYTES, run.attempts[input], LITTLE_ENDIAN);
            length += Integer.BYTES + TaskInputs.REFERENCE_BYTES;
        }
        for (final long arg : run.dag.args(task))
        {
            scratch.putInt(length, Long.BYTES, LITTLE_ENDIAN);
            scratch.putLong(length + Integer.BYTES, arg, LITTLE_ENDIAN);
            length += Integer.BYTES + Long.BYTES;
        }
        taskAssign.putOperands(scratch, 0, length);
        return length(taskAssign.encodedLength());
    }

    int taskResult(
        final int workerId, final long dagId, final int task, final int attempt, final Status status,
        final DirectBuffer result, final int resultLength)
    {
        taskResult.wrapAndApplyHeader(buffer, 0, header);
        session(taskResult.session(), workerId, 0, 0);
        taskResult.dagId(dagId).taskIndex(task).attempt(attempt)
            .status(io.shawarma.codecs.Status.get((short)status.code()))
            .putResult(result, 0, resultLength);
        return length(taskResult.encodedLength());
    }

    int taskInputLost(
        final int workerId, final long dagId, final int task, final int attempt, final int inputTask,
        final int inputAttempt)
    {
        taskInputLost.wrapAndApplyHeader(buffer, 0, header);
        session(taskInputLost.session(), workerId, 0, 0);
        taskInputLost.dagId(dagId).taskIndex(task).attempt(attempt).inputTask(inputTask).inputAttempt(inputAttempt);
        return length(taskInputLost.encodedLength());
    }

    int taskResultAck(final long dagId, final int task, final int attempt)
    {
        taskResultAck.wrapAndApplyHeader(buffer, 0, header);
        session(taskResultAck.session(), -1, 0, 0);
        taskResultAck.dagId(dagId).taskIndex(task).attempt(attempt);
        return length(taskResultAck.encodedLength());
    }

    int taskStateChange(final DagRun run, final int task, final long now)
    {
        taskStateChange.wrapAndApplyHeader(buffer, 0, header);
        session(taskStateChange.session(), -1, 0, 0);
        final TaskState state = run.states[task];
        taskStateChange.dagId(run.dagId).taskIndex(task).state(state).workerId(run.workers[task])
            .attempt(run.attempts[task]).status(io.shawarma.codecs.Status.get((short)run.statuses[task].code()))
            .clusterTime(now).taskName(run.dag.taskName(task));
        final byte[] result = state == TaskState.DONE || state == TaskState.FAILED || state == TaskState.READY ?
            run.results[task] : new byte[0];
        taskStateChange.putResult(result, 0, result.length);
        return length(taskStateChange.encodedLength());
    }

    int statusRequest(final int clientId, final long correlationId, final long dagId)
    {
        statusRequest.wrapAndApplyHeader(buffer, 0, header);
        session(statusRequest.session(), clientId, correlationId, 0);
        statusRequest.dagId(dagId);
        return length(statusRequest.encodedLength());
    }

    int gridStatus(final GridState state, final long correlationId, final long now)
    {
        gridStatus.wrapAndApplyHeader(buffer, 0, header);
        session(gridStatus.session(), -1, correlationId, state.slots().epoch());
        gridStatus.pendingTasks(state.tasks().countTasks(TaskState.PENDING))
            .readyTasks(state.tasks().countTasks(TaskState.READY))
            .runningTasks(state.tasks().countTasks(TaskState.RUNNING))
            .doneTasks(state.tasks().countTasks(TaskState.DONE))
            .failedTasks(state.tasks().countTasks(TaskState.FAILED))
            .dags(state.tasks().dags().size())
            .clusterTime(now)
            .backupsPerSlot(state.slots().backups().count())
            .backupsAssigned(state.slots().backups().assigned())
            .backupsInSync(state.slots().backups().inSync());
        final GridStatusEncoder.MembersEncoder members = gridStatus.membersCount(state.members().size());
        for (final Member member : state.members())
        {
            members.next().workerId(member.workerId).slots(state.slots().slotsOf(member.workerId))
                .load(member.load).runningTasks(member.running).lastHeartbeat(member.lastHeartbeat);
        }
        return length(gridStatus.encodedLength());
    }

    int ping(final int clientId, final long timestampNs)
    {
        ping.wrapAndApplyHeader(buffer, 0, header);
        session(ping.session(), clientId, 0, 0);
        ping.timestampNs(timestampNs);
        return length(ping.encodedLength());
    }

    /**
     * Wraps the header of a frame that should be a grid message.
     *
     * @return false when the frame is shorter than a header or of another schema.
     */
    static boolean wrapHeader(
        final MessageHeaderDecoder header, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return false;
        }
        header.wrap(buffer, offset);
        return header.schemaId() == MessageHeaderDecoder.SCHEMA_ID;
    }

    private static void session(final SessionHeaderEncoder session, final int senderId, final long correlationId,
        final long epoch)
    {
        session.senderId(senderId).correlationId(correlationId).epoch(epoch);
    }

    private static int length(final int bodyLength)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
    }

    private static String ascii(final String text)
    {
        // Refusal texts quote user input: keep them ASCII, as the schema declares.
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            out.append(c >= ' ' && c <= '~' ? c : '?');
        }
        return out.toString();
    }
}
