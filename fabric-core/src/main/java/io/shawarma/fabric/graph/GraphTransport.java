package io.shawarma.fabric.graph;

import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.shawarma.codecs.GraphMessagesDecoder;
import io.shawarma.codecs.GraphMessagesEncoder;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.SuperstepDoneDecoder;
import io.shawarma.codecs.SuperstepDoneEncoder;
import io.shawarma.fabric.FabricMembers;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The graph layer's wire: batched {@code GraphMessages} frames and {@code SuperstepDone} barrier frames between the
 * workers of one run, over Aeron, one exclusive publication per peer. A peer's frames arrive in the order it sent
 * them, so its SuperstepDone follows all of its batches for that superstep. Frames for a superstep this worker has
 * not reached yet are left in the stream (ABORT) until it gets there.
 */
final class GraphTransport implements AutoCloseable
{
    /** Bytes per packed message entry: int32 local vertex index, int64 message. */
    static final int ENTRY_BYTES = 12;

    /** Receives decoded frames. */
    interface Receiver
    {
        void onMessages(long superstep, DirectBuffer buffer, int offset, int count);

        void onDone(int senderSlot, long superstep, long activeVertices, long messagesSent, DirectBuffer buffer,
            int offset, int aggregateCount);

        void onMalformed(String reason);
    }

    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int FRAGMENT_LIMIT = 64;

    private final int slot;
    private final int workerId;
    private final int[] slotByWorker;
    private final ExclusivePublication[] publications;
    private final Subscription subscription;
    private final IdleStrategy idle;
    private final UnsafeBuffer buffer;
    private final int entriesPerFrame;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final GraphMessagesEncoder messagesEncoder = new GraphMessagesEncoder();
    private final SuperstepDoneEncoder doneEncoder = new SuperstepDoneEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final GraphMessagesDecoder messagesDecoder = new GraphMessagesDecoder();
    private final SuperstepDoneDecoder doneDecoder = new SuperstepDoneDecoder();
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this::onFragment);
    private final Receiver receiver;
    private long currentSuperstep;

    GraphTransport(
        final Aeron aeron, final FabricMembers members, final int workerId, final int streamBase,
        final IdleStrategy idle, final int frameBytes, final Receiver receiver)
    {
        this.idle = idle;
        this.receiver = receiver;
        this.workerId = workerId;
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameBytes, 64));
        this.entriesPerFrame = (frameBytes - HEADER_LENGTH - GraphMessagesEncoder.BLOCK_LENGTH - 4) / ENTRY_BYTES;
        int mySlot = -1;
        int maxId = 0;
        for (int i = 0; i < members.size(); i++)
        {
            maxId = Math.max(maxId, members.idAt(i));
            mySlot = members.idAt(i) == workerId ? i : mySlot;
        }
        slot = mySlot;
        slotByWorker = new int[maxId + 1];
        java.util.Arrays.fill(slotByWorker, -1);
        publications = new ExclusivePublication[members.size()];
        subscription = aeron.addSubscription(members.channelOf(workerId), streamBase + workerId);
        for (int i = 0; i < members.size(); i++)
        {
            slotByWorker[members.idAt(i)] = i;
            if (i != slot)
            {
                publications[i] = aeron.addExclusivePublication(members.channelAt(i), streamBase + members.idAt(i));
            }
        }
    }

    /**
     * Waits until every peer subscribes, so that no frame is sent into the void.
     */
    void awaitConnected(final long deadlineNs)
    {
        for (int i = 0; i < publications.length; i++)
        {
            while (null != publications[i] && !publications[i].isConnected())
            {
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new IllegalStateException("graph peer in slot " + i + " did not connect in time");
                }
                idle.idle();
            }
        }
    }

    /**
     * Sends a buffer's messages to a peer in as few frames as fit, polling while the peer is back pressured so
     * that two workers sending to each other never wait on each other.
     */
    void sendMessages(final int peerSlot, final long superstep, final MessageBuffer messages)
    {
        final int size = messages.size();
        for (int first = 0; first < size; first += entriesPerFrame)
        {
            final int count = Math.min(entriesPerFrame, size - first);
            messagesEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
                .senderId(workerId).correlationId(0).epoch(1);
            messagesEncoder.superstep(superstep);
            final int lengthOffset = HEADER_LENGTH + GraphMessagesEncoder.BLOCK_LENGTH;
            buffer.putInt(lengthOffset, count * ENTRY_BYTES, LITTLE_ENDIAN);
            int position = lengthOffset + 4;
            for (int i = first; i < first + count; i++)
            {
                buffer.putInt(position, messages.vertexAt(i), LITTLE_ENDIAN);
                buffer.putLong(position + 4, messages.messageAt(i), LITTLE_ENDIAN);
                position += ENTRY_BYTES;
            }
            offer(peerSlot, position);
        }
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

    /**
     * Polls for frames up to the given superstep; later ones stay in the stream.
     *
     * @return the number of fragments handled.
     */
    int poll(final long superstep)
    {
        this.currentSuperstep = superstep;
        return subscription.controlledPoll(assembler, FRAGMENT_LIMIT);
    }

    public void close()
    {
        CloseHelper.closeAll(publications);
        CloseHelper.close(subscription);
    }

    private void offer(final int peerSlot, final int length)
    {
        final ExclusivePublication publication = publications[peerSlot];
        idle.reset();
        while (publication.offer(buffer, 0, length) < 0)
        {
            if (publication.isClosed() || !publication.isConnected())
            {
                throw new IllegalStateException("graph peer in slot " + peerSlot + " went away");
            }
            idle.idle(poll(currentSuperstep));
        }
    }

    private ControlledFragmentHandler.Action onFragment(
        final DirectBuffer frame, final int offset, final int length, final Header header)
    {
        final int end = offset + length;
        if (length < HEADER_LENGTH)
        {
            receiver.onMalformed("truncated graph frame");
            return ControlledFragmentHandler.Action.CONTINUE;
        }
        headerDecoder.wrap(frame, offset);
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int bodyOffset = offset + HEADER_LENGTH;
        final boolean isMessages = GraphMessagesDecoder.TEMPLATE_ID == templateId;
        final int expectedBlock = isMessages ? GraphMessagesDecoder.BLOCK_LENGTH : SuperstepDoneDecoder.BLOCK_LENGTH;
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID ||
            headerDecoder.version() != MessageHeaderDecoder.SCHEMA_VERSION ||
            (!isMessages && SuperstepDoneDecoder.TEMPLATE_ID != templateId) ||
            blockLength < expectedBlock || end - bodyOffset - blockLength < 4)
        {
            receiver.onMalformed("not a graph frame, or truncated");
            return ControlledFragmentHandler.Action.CONTINUE;
        }
        final int dataOffset = bodyOffset + blockLength + 4;
        final int dataLength = frame.getInt(dataOffset - 4, LITTLE_ENDIAN);
        if (dataLength < 0 || dataLength > end - dataOffset)
        {
            receiver.onMalformed("graph frame data beyond its end");
            return ControlledFragmentHandler.Action.CONTINUE;
        }

        if (isMessages)
        {
            messagesDecoder.wrap(frame, bodyOffset, blockLength, headerDecoder.version());
            final long superstep = messagesDecoder.superstep();
            if (superstep > currentSuperstep)
            {
                return ControlledFragmentHandler.Action.ABORT;
            }
            if (dataLength % ENTRY_BYTES != 0)
            {
                receiver.onMalformed("graph message batch of " + dataLength + " bytes");
                return ControlledFragmentHandler.Action.CONTINUE;
            }
            receiver.onMessages(superstep, frame, dataOffset, dataLength / ENTRY_BYTES);
        }
        else
        {
            doneDecoder.wrap(frame, bodyOffset, blockLength, headerDecoder.version());
            final long superstep = doneDecoder.superstep();
            if (superstep > currentSuperstep)
            {
                return ControlledFragmentHandler.Action.ABORT;
            }
            final int senderId = doneDecoder.session().senderId();
            final int sender = senderId >= 0 && senderId < slotByWorker.length ? slotByWorker[senderId] : -1;
            if (sender < 0 || sender == slot || dataLength % Long.BYTES != 0)
            {
                receiver.onMalformed("superstep done from unknown worker " + senderId);
                return ControlledFragmentHandler.Action.CONTINUE;
            }
            receiver.onDone(sender, superstep, doneDecoder.activeVertices(), doneDecoder.messagesSent(),
                frame, dataOffset, dataLength / Long.BYTES);
        }
        return ControlledFragmentHandler.Action.CONTINUE;
    }
}
