package io.shawarma.fabric.grid;

import io.aeron.cluster.service.ClientSession;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * Egress messages one session could not take yet, in order: a burst (a wide DAG's thousands of assignments and state
 * changes in one log entry) outruns a receiver's flow-control window, and a message dropped there is only recovered
 * a heartbeat or a status request later. Kept as length-prefixed copies in one buffer, offered again before anything
 * newer, up to a bound past which messages are dropped (and recovered that slower way). Each is kept with the number
 * of grid messages it carries (a batch carries many). Allocation free once the buffer has grown to the bursts it
 * sees. Single threaded: the service's thread.
 */
final class EgressBacklog
{
    /** Most bytes kept for one session: a client that stays behind this far is left to recover on its own. */
    static final int MAX_BYTES = 16 * 1024 * 1024;

    private static final int RECORD_HEADER = 2 * Integer.BYTES;

    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(64 * 1024);
    private int head;
    private int tail;
    private int frames;

    boolean isEmpty()
    {
        return head == tail;
    }

    /**
     * Keeps a copy of a message to offer later.
     *
     * @param frames grid messages it carries.
     * @return false when the backlog is full: the message is not kept.
     */
    boolean add(final DirectBuffer src, final int offset, final int length, final int frames)
    {
        final int needed = RECORD_HEADER + length;
        if (tail - head + needed > MAX_BYTES)
        {
            return false;
        }
        if (tail + needed > buffer.capacity() && head > 0)
        {
            // Moving the kept bytes down is a memmove (Unsafe.copyMemory allows overlap).
            buffer.putBytes(0, buffer, head, tail - head);
            tail -= head;
            head = 0;
        }
        buffer.putInt(tail, length);
        buffer.putInt(tail + Integer.BYTES, frames);
        buffer.putBytes(tail + RECORD_HEADER, src, offset, length);
        tail += needed;
        this.frames += frames;
        return true;
    }

    /**
     * Offers the kept messages in order until the session refuses one.
     *
     * @return messages sent.
     */
    int drain(final ClientSession session)
    {
        int sent = 0;
        while (head < tail)
        {
            final int length = buffer.getInt(head);
            if (session.offer(buffer, head + RECORD_HEADER, length) <= 0)
            {
                break;
            }
            frames -= buffer.getInt(head + Integer.BYTES);
            head += RECORD_HEADER + length;
            sent++;
        }
        if (head == tail)
        {
            head = 0;
            tail = 0;
        }
        return sent;
    }

    /** @return grid messages kept, over all kept egress messages. */
    int frames()
    {
        return frames;
    }

    /** Forgets every kept message. */
    void clear()
    {
        head = 0;
        tail = 0;
        frames = 0;
    }
}
