package io.shawarma.fabric.grid;

import io.shawarma.codecs.GridBatchDecoder;
import io.shawarma.codecs.GridPingDecoder;
import io.shawarma.codecs.GridStatusDecoder;
import io.shawarma.codecs.HeartbeatAckDecoder;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.PlacementUpdateDecoder;
import io.shawarma.codecs.SlotBackupsDecoder;
import io.shawarma.codecs.SlotMovesDecoder;
import io.shawarma.codecs.SubmitResultDecoder;
import io.shawarma.codecs.TaskAssignDecoder;
import io.shawarma.codecs.TaskResultAckDecoder;
import io.shawarma.codecs.TaskStateChangeDecoder;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The egress side of a {@link GridClient}: decodes what the cluster sends a session for its {@link GridListener},
 * counting and dropping a malformed message. Single threaded, as its client.
 */
final class GridEgressDecoder
{
    private final GridListener listener;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PlacementUpdateDecoder placement = new PlacementUpdateDecoder();
    private final TaskAssignDecoder taskAssign = new TaskAssignDecoder();
    private final TaskResultAckDecoder taskResultAck = new TaskResultAckDecoder();
    private final SubmitResultDecoder submitResult = new SubmitResultDecoder();
    private final TaskStateChangeDecoder taskStateChange = new TaskStateChangeDecoder();
    private final GridStatusDecoder gridStatus = new GridStatusDecoder();
    private final GridPingDecoder ping = new GridPingDecoder();
    private final GridBatchDecoder batch = new GridBatchDecoder();
    private final MessageBatch.Handler batchedMessage = this::decode;
    private final SlotMovesDecoder slotMoves = new SlotMovesDecoder();
    private final SlotBackupsDecoder slotBackups = new SlotBackupsDecoder();
    private final HeartbeatAckDecoder heartbeatAck = new HeartbeatAckDecoder();
    private final UnsafeBuffer operands = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer message = new UnsafeBuffer(0, 0);
    private long malformedMessages;

    GridEgressDecoder(final GridListener listener)
    {
        this.listener = listener;
    }

    /** @return egress messages that could not be decoded. */
    long malformedMessages()
    {
        return malformedMessages;
    }

    /**
     * Decodes one egress message for the listener; a malformed one is counted and dropped. The decoders see a view
     * of exactly this message, so a length that points past its end fails (and counts) instead of reading whatever
     * follows it; no string or array is sized by a length the message cannot hold (found by the fuzz target: a
     * variable-length field's length allocated up to 2 GB before the read failed).
     */
    void onEgress(final DirectBuffer buffer, final int offset, final int length)
    {
        message.wrap(buffer, offset, length);
        try
        {
            decode(message, 0, length);
        }
        catch (final RuntimeException ex)
        {
            malformedMessages++;
        }
    }

    private void decode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!GridEncoder.wrapHeader(header, buffer, offset, length))
        {
            malformedMessages++;
            return;
        }
        switch (header.templateId())
        {
            case PlacementUpdateDecoder.TEMPLATE_ID:
                placement.wrapAndApplyHeader(buffer, offset, header);
                final long epoch = placement.session().epoch();
                final int slotBytes = fitting(placement.slotOwnersLength(), length);
                final int[] owners = new int[slotBytes / Integer.BYTES];
                final int ownersOffset = placement.limit() + PlacementUpdateDecoder.slotOwnersHeaderLength();
                for (int i = 0; i < owners.length; i++)
                {
                    owners[i] = buffer.getInt(ownersOffset + i * Integer.BYTES, LITTLE_ENDIAN);
                }
                listener.onPlacement(epoch, owners);
                break;

            case SlotMovesDecoder.TEMPLATE_ID:
                slotMoves.wrapAndApplyHeader(buffer, offset, header);
                final long movesEpoch = slotMoves.session().epoch();
                checkGroupFits(buffer, slotMoves.limit(), offset + length,
                    SlotMovesDecoder.MovesDecoder.sbeHeaderSize(), SlotMovesDecoder.MovesDecoder.sbeBlockLength());
                final SlotMovesDecoder.MovesDecoder moves = slotMoves.moves();
                final int count = moves.count();
                final int[] slots = new int[count];
                final int[] targets = new int[count];
                final long[] moveIds = new long[count];
                for (int i = 0; i < count; i++)
                {
                    moves.next();
                    slots[i] = moves.slot();
                    targets[i] = moves.targetId();
                    moveIds[i] = moves.moveId();
                }
                fitting(slotMoves.targetChannelsLength(), length);
                listener.onSlotMoves(movesEpoch, slots, targets, moveIds, slotMoves.targetChannels());
                break;

            case SlotBackupsDecoder.TEMPLATE_ID:
                onSlotBackups(buffer, offset, length);
                break;

            case HeartbeatAckDecoder.TEMPLATE_ID:
                heartbeatAck.wrapAndApplyHeader(buffer, offset, header);
                listener.onHeartbeatAck(heartbeatAck.session().correlationId(), heartbeatAck.session().epoch());
                break;

            case TaskAssignDecoder.TEMPLATE_ID:
                onTaskAssign(buffer, offset, length);
                break;

            case TaskResultAckDecoder.TEMPLATE_ID:
                taskResultAck.wrapAndApplyHeader(buffer, offset, header);
                listener.onTaskResultAck(taskResultAck.dagId(), taskResultAck.taskIndex(), taskResultAck.attempt());
                break;

            case SubmitResultDecoder.TEMPLATE_ID:
                submitResult.wrapAndApplyHeader(buffer, offset, header);
                final long submitted = submitResult.session().correlationId();
                final long submittedDagId = submitResult.dagId();
                final int taskCount = submitResult.taskCount();
                fitting(submitResult.refusalLength(), length);
                listener.onSubmitResult(submitted, submittedDagId, taskCount, submitResult.refusal());
                break;

            case TaskStateChangeDecoder.TEMPLATE_ID:
                onTaskStateChange(buffer, offset, length);
                break;

            case GridStatusDecoder.TEMPLATE_ID:
                gridStatus.wrapAndApplyHeader(buffer, offset, header);
                checkGroupFits(buffer, gridStatus.limit(), offset + length,
                    GridStatusDecoder.MembersDecoder.sbeHeaderSize(),
                    GridStatusDecoder.MembersDecoder.sbeBlockLength());
                listener.onGridStatus(gridStatus);
                break;

            case GridPingDecoder.TEMPLATE_ID:
                ping.wrapAndApplyHeader(buffer, offset, header);
                listener.onPing(ping.timestampNs());
                break;

            case GridBatchDecoder.TEMPLATE_ID:
                // What the cluster sent this session for one log entry, in order.
                if (!MessageBatch.forEachFrame(header, batch, buffer, offset, length, batchedMessage))
                {
                    malformedMessages++;
                }
                break;

            default:
                malformedMessages++;
        }
    }

    private void onTaskAssign(final DirectBuffer buffer, final int offset, final int length)
    {
        taskAssign.wrapAndApplyHeader(buffer, offset, header);
        final long dagId = taskAssign.dagId();
        final int task = taskAssign.taskIndex();
        final int attempt = taskAssign.attempt();
        final long vertexId = taskAssign.outputVertexId();
        final boolean resultHeld = 1 == taskAssign.resultHeld();
        fitting(taskAssign.udfNameLength(), length);
        final String udf = taskAssign.udfName();
        taskAssign.wrapOperands(operands);
        listener.onTaskAssign(dagId, task, attempt, vertexId, resultHeld, udf, operands, 0, operands.capacity());
    }

    private void onSlotBackups(final DirectBuffer buffer, final int offset, final int length)
    {
        slotBackups.wrapAndApplyHeader(buffer, offset, header);
        final long epoch = slotBackups.session().epoch();
        final int backupCount = slotBackups.backupCount();
        final int backupBytes = fitting(slotBackups.backupsLength(), length);
        final int[] backups = new int[backupBytes / Integer.BYTES];
        final int backupsOffset = slotBackups.limit() + SlotBackupsDecoder.backupsHeaderLength();
        for (int i = 0; i < backups.length; i++)
        {
            backups[i] = buffer.getInt(backupsOffset + i * Integer.BYTES, LITTLE_ENDIAN);
        }
        slotBackups.skipBackups();
        final int fillBytes = fitting(slotBackups.fillIdsLength(), length);
        final long[] fillIds = new long[fillBytes / Long.BYTES];
        final int fillIdsOffset = slotBackups.limit() + SlotBackupsDecoder.fillIdsHeaderLength();
        for (int i = 0; i < fillIds.length; i++)
        {
            fillIds[i] = buffer.getLong(fillIdsOffset + i * Long.BYTES, LITTLE_ENDIAN);
        }
        if (backupCount < 0 || backupBytes % Integer.BYTES != 0 || fillIds.length != backups.length ||
            fillBytes % Long.BYTES != 0 || (0 == backupCount ? backups.length != 0 : backups.length % backupCount != 0))
        {
            throw new IllegalArgumentException("backups of " + backupBytes + " bytes and fill ids of " + fillBytes +
                " bytes for " + backupCount + " backups per slot");
        }
        listener.onSlotBackups(epoch, backupCount, backups, fillIds);
    }

    private void onTaskStateChange(final DirectBuffer buffer, final int offset, final int length)
    {
        final TaskStateChangeDecoder change = taskStateChange;
        change.wrapAndApplyHeader(buffer, offset, header);
        final long dagId = change.dagId();
        final int task = change.taskIndex();
        final io.shawarma.codecs.TaskState state = change.state();
        final int workerId = change.workerId();
        final int attempt = change.attempt();
        final Status status = Status.of(change.statusRaw());
        final long clusterTime = change.clusterTime();
        fitting(change.taskNameLength(), length);
        final String name = change.taskName();
        final byte[] result = new byte[fitting(change.resultLength(), length)];
        change.getResult(result, 0, result.length);
        listener.onTaskStateChange(dagId, task, name, state, workerId, attempt, status, clusterTime, result);
    }

    /**
     * @return the length of a variable-length field, when the message can hold it.
     * @throws IllegalArgumentException (counted as malformed) when it cannot: the decoders size strings and arrays by
     * it before they read.
     */
    private static int fitting(final int fieldLength, final int messageLength)
    {
        if (fieldLength < 0 || fieldLength > messageLength)
        {
            throw new IllegalArgumentException("a field of " + fieldLength + " bytes in a message of " +
                messageLength);
        }
        return fieldLength;
    }

    /**
     * Checks that a repeating group, whose header is at {@code groupOffset}, lies inside the message with entries of
     * at least the schema's size: a count with a short or zero entry size would make a reader walk up to 65535
     * entries over the same few bytes (found by the fuzz target on GridStatus's members).
     *
     * @throws IllegalArgumentException (counted as malformed) when it does not.
     */
    private static void checkGroupFits(
        final DirectBuffer buffer, final int groupOffset, final int messageEnd, final int headerLength,
        final int minEntryLength)
    {
        if (groupOffset + headerLength > messageEnd)
        {
            throw new IllegalArgumentException("no group header");
        }
        final int entryLength = buffer.getShort(groupOffset, LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupOffset + 2, LITTLE_ENDIAN) & 0xFFFF;
        if (count > 0 && (entryLength < minEntryLength ||
            (long)count * entryLength > messageEnd - groupOffset - headerLength))
        {
            throw new IllegalArgumentException(count + " entries of " + entryLength + " bytes do not fit");
        }
    }
}
