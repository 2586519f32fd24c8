package io.shawarma.messaging;

import io.shawarma.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The one check every adapter makes before it decodes a frame of the Shawarma schema, whatever layer it serves:
 * the SBE header fits, names our schema and a version this build reads, and the message's fixed block (at least as
 * long as the template's) fits the frame; then each variable-length field is checked to lie inside the frame.
 * Each failed check is a {@link Malformed} reason. Allocation free: wrap it around each frame.
 * <pre>
 * int reason = frame.wrap(buffer, offset, length);
 * if (FrameHeader.VALID == reason)
 * {
 *     reason = frame.checkBody(blockLengthOf(frame.templateId()));
 * }
 * </pre>
 */
public final class FrameHeader
{
    /** The frame passed the check. */
    public static final int VALID = -1;
    /** Bytes of the SBE header. */
    public static final int LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    /** Bytes of a variable-length field's length prefix. */
    public static final int VAR_LENGTH_BYTES = 4;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private DirectBuffer buffer;
    private int bodyOffset;
    private int end;

    /**
     * Checks that the frame holds an SBE header of our schema.
     *
     * @return {@link #VALID}, {@link Malformed#TRUNCATED} or {@link Malformed#WRONG_SCHEMA}.
     */
    public int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.bodyOffset = offset + LENGTH;
        this.end = offset + length;
        if (length < LENGTH)
        {
            return Malformed.TRUNCATED;
        }
        header.wrap(buffer, offset);
        return MessageHeaderDecoder.SCHEMA_ID == header.schemaId() ? VALID : Malformed.WRONG_SCHEMA;
    }

    /**
     * Checks the version and that the fixed block fits.
     *
     * @param expectedBlockLength the template's block length, or negative for a template the caller does not take.
     * @return {@link #VALID} or the {@link Malformed} reason.
     */
    public int checkBody(final int expectedBlockLength)
    {
        final int version = header.version();
        if (version < 1 || version > MessageHeaderDecoder.SCHEMA_VERSION)
        {
            return Malformed.UNSUPPORTED_VERSION;
        }
        if (expectedBlockLength < 0)
        {
            return Malformed.UNKNOWN_TEMPLATE;
        }
        final int blockLength = header.blockLength();
        if (blockLength < expectedBlockLength)
        {
            return Malformed.BAD_LENGTH;
        }
        return blockLength > end - bodyOffset ? Malformed.TRUNCATED : VALID;
    }

    /**
     * @param lengthOffset where a variable-length field's 4-byte length prefix starts.
     * @return the field's length when its prefix and bytes lie inside the frame; else a negative number,
     * {@code -(reason + 1)} for its {@link Malformed} reason (see {@link #reasonOf(int)}).
     */
    public int varLength(final int lengthOffset)
    {
        if (lengthOffset < bodyOffset || end - lengthOffset < VAR_LENGTH_BYTES)
        {
            return -Malformed.TRUNCATED - 1;
        }
        final int length = buffer.getInt(lengthOffset, LITTLE_ENDIAN);
        if (length < 0)
        {
            return -Malformed.BAD_LENGTH - 1;
        }
        return length <= end - lengthOffset - VAR_LENGTH_BYTES ? length : -Malformed.TRUNCATED - 1;
    }

    /**
     * @param negativeLength what {@link #varLength(int)} returned for a field that does not fit.
     * @return its {@link Malformed} reason.
     */
    public static int reasonOf(final int negativeLength)
    {
        return -negativeLength - 1;
    }

    public int templateId()
    {
        return header.templateId();
    }

    public int version()
    {
        return header.version();
    }

    public int blockLength()
    {
        return header.blockLength();
    }

    /**
     * @return where the message's fixed block starts.
     */
    public int bodyOffset()
    {
        return bodyOffset;
    }

    /**
     * @return where the variable-length fields start, after the fixed block.
     */
    public int dataOffset()
    {
        return bodyOffset + header.blockLength();
    }

    /**
     * @return the offset just past the frame.
     */
    public int end()
    {
        return end;
    }
}
