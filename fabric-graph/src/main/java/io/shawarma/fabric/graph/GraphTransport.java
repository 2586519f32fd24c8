package io.shawarma.fabric.graph;

import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.shawarma.codecs.GraphBroadcastsDecoder;
import io.shawarma.codecs.GraphBroadcastsEncoder;
import io.shawarma.codecs.GraphMessagesDecoder;
import io.shawarma.codecs.GraphMessagesEncoder;
import io.shawarma.codecs.GraphResultsDecoder;
import io.shawarma.codecs.GraphResultsEncoder;
import io.shawarma.codecs.GraphResultsTakenDecoder;
import io.shawarma.codecs.GraphResultsTakenEncoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.SuperstepDoneDecoder;
import io.shawarma.codecs.SuperstepDoneEncoder;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.GatheredResults;
import io.shawarma.fabric.JobCounters;
import io.shawarma.fabric.PeerLinks;
import io.shawarma.messaging.FrameHeader;
import io.shawarma.messaging.Malformed;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The graph layer's wire: batched {@code GraphMessages} frames (messages by the receiver's local vertex index),
 * batched {@code GraphBroadcasts} frames (values by index in the sender's mirror list for the receiver, see
 * {@link Broadcasts}) and {@code SuperstepDone} barrier frames between the workers of one run, over Aeron, one
 * exclusive publication per peer ({@link PeerLinks}). A peer's frames arrive in the order it sent
 * them, so its SuperstepDone follows all of its batches for that superstep. Frames for a superstep this worker has
 * not reached yet are left in the stream (ABORT) until it gets there.
 */
final class GraphTransport implements AutoCloseable, GatheredResults.Wire
{
    /** Bytes per packed message entry: int32 local vertex index, int64 message. */
    static final int ENTRY_BYTES = 12;

    /** Receives decoded frames. */
    interface Receiver
    {
        void onMessages(long superstep, DirectBuffer buffer, int offset, int count);

        void onBroadcasts(int senderSlot, long superstep, DirectBuffer buffer, int offset, int count);

        void onDone(int senderSlot, long superstep, long activeVertices, long messagesSent, DirectBuffer buffer,
            int offset, int aggregateCount);

        /** Some of a worker's results; {@code total} is how many it sends in all. */
        void onResults(int senderSlot, long supersteps, long total, DirectBuffer buffer, int offset, int count);

        /** Worker 1 has all of this worker's results. */
        void onResultsTaken(int senderSlot, long total);

        void onMalformed(String reason);
    }

    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int FRAGMENT_LIMIT = 64;

    private final int workerId;
    private final PeerLinks links;
    private final UnsafeBuffer buffer;
    private final int entriesPerFrame;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final GraphMessagesEncoder messagesEncoder = new GraphMessagesEncoder();
    private final GraphBroadcastsEncoder broadcastsEncoder = new GraphBroadcastsEncoder();
    private final SuperstepDoneEncoder doneEncoder = new SuperstepDoneEncoder();
    private final GraphResultsEncoder resultsEncoder = new GraphResultsEncoder();
    private final GraphResultsTakenEncoder takenEncoder = new GraphResultsTakenEncoder();
    private final FrameHeader frame = new FrameHeader();
    private final GraphMessagesDecoder messagesDecoder = new GraphMessagesDecoder();
    private final GraphBroadcastsDecoder broadcastsDecoder = new GraphBroadcastsDecoder();
    private final SuperstepDoneDecoder doneDecoder = new SuperstepDoneDecoder();
    private final GraphResultsDecoder resultsDecoder = new GraphResultsDecoder();
    private final GraphResultsTakenDecoder takenDecoder = new GraphResultsTakenDecoder();
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this::onFragment);
    // Made once: sending polls while a peer is back pressured, without allocating a lambda per frame.
    private final PeerLinks.WhileBackPressured pollCurrentSuperstep = () -> poll(this.currentSuperstep);
    private final Receiver receiver;
    private final JobCounters counters;
    private long currentSuperstep;
    private int batchEntries;
    private int batchPosition;

    GraphTransport(
        final Aeron aeron, final FabricMembers members, final int workerId, final int streamBase,
        final IdleStrategy idle, final int frameBytes, final Receiver receiver, final JobCounters counters)
    {
        this.receiver = receiver;
        this.counters = counters;
        this.workerId = workerId;
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameBytes, 64));
        this.entriesPerFrame = (frameBytes - HEADER_LENGTH - GraphMessagesEncoder.BLOCK_LENGTH - 4) / ENTRY_BYTES;
        this.links = new PeerLinks(aeron, members, workerId, streamBase, idle, "graph", counters);
    }

    /**
     * Waits until every peer subscribes, so that no frame is sent into the void.
     */
    void awaitConnected(final NanoClock clock, final long deadlineNs)
    {
        links.awaitConnected(clock, deadlineNs);
    }

    /**
     * Sends a buffer's messages to a peer in as few frames as fit, polling while the peer is back pressured so
     * that two workers sending to each other never wait on each other.
     */
    void sendMessages(final int peerSlot, final long superstep, final MessageBuffer messages)
    {
        for (int i = 0, size = messages.size(); i < size; i++)
        {
            if (0 == batchEntries)
            {
                messagesEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
                    .senderId(workerId).correlationId(0).epoch(1);
                messagesEncoder.superstep(superstep);
                batchPosition = HEADER_LENGTH + GraphMessagesEncoder.BLOCK_LENGTH + 4;
            }
            addEntry(peerSlot, messages.vertexAt(i), messages.messageAt(i));
        }
        flushBatch(peerSlot);
    }

    /**
     * Sends a peer the values of this worker's vertices that sent to all their edges and have an edge into the
     * peer, by index in this worker's mirror list for the peer, in as few frames as fit.
     */
    void sendBroadcasts(final int peerSlot, final long superstep, final int[] mirrors, final Broadcasts broadcasts)
    {
        for (int i = 0; i < mirrors.length; i++)
        {
            final int local = mirrors[i];
            if (broadcasts.hasSent(local))
            {
                if (0 == batchEntries)
                {
                    broadcastsEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
                        .senderId(workerId).correlationId(0).epoch(1);
                    broadcastsEncoder.superstep(superstep);
                    batchPosition = HEADER_LENGTH + GraphBroadcastsEncoder.BLOCK_LENGTH + 4;
                }
                addEntry(peerSlot, i, broadcasts.value(local));
            }
        }
        flushBatch(peerSlot);
    }

    /**
     * Tells a peer this worker finished a superstep.
     */
    void sendDone(
        final int peerSlot, final long superstep, final long activeVertices, final long messagesSent,
        final long[] aggregates)
    {
        doneEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(workerId).correlationId(0).epoch(1);
        doneEncoder.superstep(superstep).activeVertices(activeVertices).messagesSent(messagesSent);
        final int lengthOffset = HEADER_LENGTH + SuperstepDoneEncoder.BLOCK_LENGTH;
        buffer.putInt(lengthOffset, aggregates.length * Long.BYTES, LITTLE_ENDIAN);
        int position = lengthOffset + 4;
        for (final long aggregate : aggregates)
        {
            buffer.putLong(position, aggregate, LITTLE_ENDIAN);
            position += Long.BYTES;
        }
        offer(peerSlot, position);
    }

    public int resultsCapacity()
    {
        return buffer.capacity() - HEADER_LENGTH - GraphResultsEncoder.BLOCK_LENGTH - FrameHeader.VAR_LENGTH_BYTES;
    }

    public void sendResults(
        final int peerSlot, final long supersteps, final long total, final DirectBuffer entries, final int length)
    {
        resultsEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(workerId).correlationId(0).epoch(1);
        resultsEncoder.supersteps(supersteps).total(total).putEntries(entries, 0, length);
        offer(peerSlot, HEADER_LENGTH + resultsEncoder.encodedLength());
    }

    public void sendResultsTaken(final int peerSlot, final long total)
    {
        takenEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(workerId).correlationId(0).epoch(1);
        takenEncoder.total(total);
        offer(peerSlot, HEADER_LENGTH + GraphResultsTakenEncoder.BLOCK_LENGTH);
    }

    /**
     * Polls for frames up to the given superstep; later ones stay in the stream.
     *
     * @return the number of fragments handled.
     */
    /**
     * Takes in the peers' frames of a superstep from now on, also while a send of it waits out back pressure: two
     * workers that both send more than a publication window in a superstep must read each other's frames meanwhile.
     */
    void startSuperstep(final long superstep)
    {
        this.currentSuperstep = superstep;
    }

    int poll(final long superstep)
    {
        this.currentSuperstep = superstep;
        return links.poll(assembler, FRAGMENT_LIMIT);
    }

    /**
     * Polls for frames of any superstep: after the last one, only results are left to come.
     */
    public int pollResults()
    {
        return poll(Long.MAX_VALUE);
    }

    public void close()
    {
        links.close();
    }

    /**
     * Appends an entry to the frame being built (begun by the caller when {@code batchEntries} is 0); offers the
     * frame when full.
     */
    private void addEntry(final int peerSlot, final int index, final long value)
    {
        buffer.putInt(batchPosition, index, LITTLE_ENDIAN);
        buffer.putLong(batchPosition + 4, value, LITTLE_ENDIAN);
        batchPosition += ENTRY_BYTES;
        if (++batchEntries == entriesPerFrame)
        {
            flushBatch(peerSlot);
        }
    }

    private void flushBatch(final int peerSlot)
    {
        if (batchEntries > 0)
        {
            final int dataOffset = batchPosition - batchEntries * ENTRY_BYTES;
            buffer.putInt(dataOffset - 4, batchEntries * ENTRY_BYTES, LITTLE_ENDIAN);
            counters.onItemsSent(batchEntries);
            batchEntries = 0;
            offer(peerSlot, batchPosition);
        }
    }

    private void offer(final int peerSlot, final int length)
    {
        links.send(peerSlot, buffer, length, pollCurrentSuperstep);
    }

    private ControlledFragmentHandler.Action onFragment(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final ControlledFragmentHandler.Action action = decode(buffer, offset, length);
        if (ControlledFragmentHandler.Action.ABORT != action)
        {
            counters.onFrameReceived(length);
        }
        return action;
    }

    /**
     * Decodes one whole frame for the receiver (for the fuzz target; frames normally arrive through {@link #poll}).
     *
     * @return ABORT for a frame of a later step, to be read again then; else CONTINUE.
     */
    ControlledFragmentHandler.Action decode(final DirectBuffer buffer, final int offset, final int length)
    {
        int reason = frame.wrap(buffer, offset, length);
        final int templateId = FrameHeader.VALID == reason ? frame.templateId() : -1;
        final int blockLength = expectedBlockLength(templateId);
        if (FrameHeader.VALID == reason)
        {
            reason = frame.checkBody(blockLength);
        }
        final boolean hasData = GraphResultsTakenDecoder.TEMPLATE_ID != templateId;
        final int dataLength = FrameHeader.VALID == reason && hasData ? frame.varLength(frame.dataOffset()) : 0;
        if (dataLength < 0)
        {
            reason = FrameHeader.reasonOf(dataLength);
        }
        if (FrameHeader.VALID != reason)
        {
            receiver.onMalformed(Malformed.describe(reason));
            return ControlledFragmentHandler.Action.CONTINUE;
        }
        final int senderId = wrap(templateId, buffer, frame.bodyOffset(), frame.blockLength(), frame.version());
        if (superstepOf(templateId) > currentSuperstep)
        {
            return ControlledFragmentHandler.Action.ABORT;
        }
        final int sender = links.slotOf(senderId);
        if (sender < 0 || sender == links.slot())
        {
            receiver.onMalformed("graph frame from unknown worker " + senderId);
            return ControlledFragmentHandler.Action.CONTINUE;
        }
        final int entrySize = SuperstepDoneDecoder.TEMPLATE_ID == templateId ? Long.BYTES :
            GraphResultsDecoder.TEMPLATE_ID == templateId ? GatheredResults.RESULT_BYTES : ENTRY_BYTES;
        if (dataLength % entrySize != 0)
        {
            receiver.onMalformed("graph frame data of " + dataLength + " bytes");
            return ControlledFragmentHandler.Action.CONTINUE;
        }
        deliver(templateId, sender, buffer, frame.dataOffset() + FrameHeader.VAR_LENGTH_BYTES, dataLength / entrySize);
        return ControlledFragmentHandler.Action.CONTINUE;
    }

    private static int expectedBlockLength(final int templateId)
    {
        switch (templateId)
        {
            case GraphMessagesDecoder.TEMPLATE_ID:
                return GraphMessagesDecoder.BLOCK_LENGTH;
            case GraphBroadcastsDecoder.TEMPLATE_ID:
                return GraphBroadcastsDecoder.BLOCK_LENGTH;
            case SuperstepDoneDecoder.TEMPLATE_ID:
                return SuperstepDoneDecoder.BLOCK_LENGTH;
            case GraphResultsDecoder.TEMPLATE_ID:
                return GraphResultsDecoder.BLOCK_LENGTH;
            case GraphResultsTakenDecoder.TEMPLATE_ID:
                return GraphResultsTakenDecoder.BLOCK_LENGTH;
            default:
                return -1;
        }
    }

    /**
     * Wraps the frame's decoder. @return the sender's id.
     */
    private int wrap(
        final int templateId, final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        switch (templateId)
        {
            case GraphMessagesDecoder.TEMPLATE_ID:
                return messagesDecoder.wrap(buffer, bodyOffset, blockLength, version).session().senderId();
            case GraphBroadcastsDecoder.TEMPLATE_ID:
                return broadcastsDecoder.wrap(buffer, bodyOffset, blockLength, version).session().senderId();
            case SuperstepDoneDecoder.TEMPLATE_ID:
                return doneDecoder.wrap(buffer, bodyOffset, blockLength, version).session().senderId();
            case GraphResultsDecoder.TEMPLATE_ID:
                return resultsDecoder.wrap(buffer, bodyOffset, blockLength, version).session().senderId();
            default:
                return takenDecoder.wrap(buffer, bodyOffset, blockLength, version).session().senderId();
        }
    }

    /**
     * @return the superstep a wrapped frame belongs to; results belong to none and are taken whenever they come.
     */
    private long superstepOf(final int templateId)
    {
        switch (templateId)
        {
            case GraphMessagesDecoder.TEMPLATE_ID:
                return messagesDecoder.superstep();
            case GraphBroadcastsDecoder.TEMPLATE_ID:
                return broadcastsDecoder.superstep();
            case SuperstepDoneDecoder.TEMPLATE_ID:
                return doneDecoder.superstep();
            default:
                return Long.MIN_VALUE;
        }
    }

    private void deliver(
        final int templateId, final int sender, final DirectBuffer buffer, final int dataOffset, final int count)
    {
        switch (templateId)
        {
            case GraphMessagesDecoder.TEMPLATE_ID:
                counters.onItemsReceived(count);
                receiver.onMessages(messagesDecoder.superstep(), buffer, dataOffset, count);
                break;
            case GraphBroadcastsDecoder.TEMPLATE_ID:
                counters.onItemsReceived(count);
                receiver.onBroadcasts(sender, broadcastsDecoder.superstep(), buffer, dataOffset, count);
                break;
            case SuperstepDoneDecoder.TEMPLATE_ID:
                receiver.onDone(sender, doneDecoder.superstep(), doneDecoder.activeVertices(),
                    doneDecoder.messagesSent(), buffer, dataOffset, count);
                break;
            case GraphResultsDecoder.TEMPLATE_ID:
                receiver.onResults(sender, resultsDecoder.supersteps(), resultsDecoder.total(), buffer, dataOffset,
                    count);
                break;
            default:
                receiver.onResultsTaken(sender, takenDecoder.total());
                break;
        }
    }
}
