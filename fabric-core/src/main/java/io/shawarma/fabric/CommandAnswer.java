package io.shawarma.fabric;

import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The answer a {@link WorkerCommand} writes: bytes from offset 0 of a buffer of the worker's largest payload. Reused
 * for every command on the worker's thread.
 */
public final class CommandAnswer
{
    private final MutableDirectBuffer buffer;
    private int length;

    /**
     * @param buffer where answers are written; the worker gives one of its largest payload.
     */
    public CommandAnswer(final MutableDirectBuffer buffer)
    {
        this.buffer = buffer;
    }

    /**
     * @return where to write the answer, from offset 0; its capacity is the largest answer.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the answer's length.
     */
    public int length()
    {
        return length;
    }

    /**
     * @param length of the answer written into {@link #buffer()}, at most its capacity.
     * @return this for fluent use.
     */
    public CommandAnswer length(final int length)
    {
        if (length < 0 || length > buffer.capacity())
        {
            throw new IllegalArgumentException("answer length " + length + " outside [0, " + buffer.capacity() + "]");
        }
        this.length = length;
        return this;
    }

    /**
     * Sets the answer to a text, in UTF-8, cut at the buffer's capacity.
     *
     * @param text the answer.
     * @return this for fluent use.
     */
    public CommandAnswer text(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        length = Math.min(bytes.length, buffer.capacity());
        buffer.putBytes(0, bytes, 0, length);
        return this;
    }
}
