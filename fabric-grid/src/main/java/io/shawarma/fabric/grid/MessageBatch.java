package io.shawarma.fabric.grid;

import io.shawarma.codecs.GridBatchDecoder;
import io.shawarma.codecs.GridBatchEncoder;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Grid messages collected to go as one {@code GridBatch}: a worker's task results of one duty cycle are one log
 * entry, and what the cluster sends one session while applying one log entry is one egress message. Every message
 * of a consensus step costs each member's driver, consensus module and service their share of the two cores; one
 * batch pays that once. Messages are copied in as they are encoded, in order; a batch of one goes as that message
 * alone, which any reader reads. Single threaded.
 */
final class MessageBatch
{
    /** Batches stay well under the smallest most a cluster message may be (512 KiB with 4 MiB terms). */
    static final int MAX_FRAMES_LENGTH = 64 * 1024;

    private static final int FRAMES_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + GridBatchEncoder.BLOCK_LENGTH +
        GridBatchEncoder.framesHeaderLength();

    /** Takes the messages of a batch one by one. */
    @FunctionalInterface
    interface Handler
    {
        void onFrame(DirectBuffer buffer, int offset, int length);
    }

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final GridBatchEncoder batch = new GridBatchEncoder();
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(FRAMES_OFFSET + 4096);
    private final int senderId;
    private int limit = FRAMES_OFFSET;
    private int frames;
    private int offset;
    private int length;

    /**
     * @param senderId put in the batch's session header (a worker's id; -1 from the cluster).
     */
    MessageBatch(final int senderId)
    {
        this.senderId = senderId;
    }

    /** @return messages in the batch. */
    int frames()
    {
        return frames;
    }

    /**
     * @param frameLength of a message to add.
     * @return true when it can join the batch; an empty batch takes any message.
     */
    boolean fits(final int frameLength)
    {
        return 0 == frames || limit - FRAMES_OFFSET + Integer.BYTES + frameLength <= MAX_FRAMES_LENGTH;
    }

    /** Adds a copy of an encoded message; check {@link #fits} first. */
    void add(final DirectBuffer src, final int srcOffset, final int frameLength)
    {
        buffer.putInt(limit, frameLength, LITTLE_ENDIAN);
        buffer.putBytes(limit + Integer.BYTES, src, srcOffset, frameLength);
        limit += Integer.BYTES + frameLength;
        frames++;
    }

    /**
     * Completes the batch for sending: afterwards {@link #buffer()} holds it from {@link #offset()} for
     * {@link #length()} bytes, a lone message as itself.
     */
    void complete()
    {
        if (1 == frames)
        {
            offset = FRAMES_OFFSET + Integer.BYTES;
            length = limit - offset;
        }
        else
        {
            batch.wrapAndApplyHeader(buffer, 0, header).session().senderId(senderId).correlationId(0).epoch(0);
            buffer.putInt(FRAMES_OFFSET - Integer.BYTES, limit - FRAMES_OFFSET, LITTLE_ENDIAN);
            offset = 0;
            length = limit;
        }
    }

    MutableDirectBuffer buffer()
    {
        return buffer;
    }

    int offset()
    {
        return offset;
    }

    int length()
    {
        return length;
    }

    /** Empties the batch for the next one. */
    void clear()
    {
        limit = FRAMES_OFFSET;
        frames = 0;
    }

    /**
     * Hands each message of a received batch to the handler, in order. A message is never a batch itself.
     *
     * @param header wrapped on the batch; used again for each message.
     * @return false when the batch is malformed: empty, a length pointing outside it, or a nested batch. The messages
     * before the bad one were handed over.
     */
    static boolean forEachFrame(
        final MessageHeaderDecoder header, final GridBatchDecoder decoder, final DirectBuffer buffer,
        final int offset, final int length, final Handler handler)
    {
        final int end = offset + length;
        if (header.blockLength() < GridBatchDecoder.BLOCK_LENGTH ||
            offset + MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() + Integer.BYTES > end)
        {
            return false;
        }
        decoder.wrapAndApplyHeader(buffer, offset, header);
        final int framesOffset = decoder.limit() + Integer.BYTES;
        final long framesLength = buffer.getInt(decoder.limit(), LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        if (0 == framesLength || framesOffset + framesLength > end)
        {
            return false;
        }
        final int framesEnd = framesOffset + (int)framesLength;
        int position = framesOffset;
        while (position < framesEnd)
        {
            if (position + Integer.BYTES > framesEnd)
            {
                return false;
            }
            final int frameLength = buffer.getInt(position, LITTLE_ENDIAN);
            final int frameOffset = position + Integer.BYTES;
            if (frameLength < MessageHeaderDecoder.ENCODED_LENGTH || frameLength > framesEnd - frameOffset ||
                GridBatchDecoder.TEMPLATE_ID == (buffer.getShort(frameOffset + 2, LITTLE_ENDIAN) & 0xFFFF))
            {
                return false;
            }
            handler.onFrame(buffer, frameOffset, frameLength);
            position = frameOffset + frameLength;
        }
        return true;
    }
}
