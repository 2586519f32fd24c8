package io.shawarma.fabric.grid;

import io.shawarma.codecs.GridBatchDecoder;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.TaskResultDecoder;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Several grid messages go as one GridBatch and come out as they went in, in order; a batch of one is the message
 * itself; a batch whose lengths point outside it, or that nests a batch, is refused without reading past it.
 */
class MessageBatchTest
{
    private final GridEncoder encoder = new GridEncoder();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final GridBatchDecoder decoder = new GridBatchDecoder();
    private final TaskResultDecoder taskResult = new TaskResultDecoder();
    private final List<Integer> tasks = new ArrayList<>();

    @Test
    void shouldGiveBackEveryMessageInOrder()
    {
        final MessageBatch batch = new MessageBatch(5);
        for (int task = 0; task < 3; task++)
        {
            add(batch, task);
        }
        batch.complete();
        final UnsafeBuffer sent = copy(batch);

        assertTrue(read(sent));
        assertEquals(List.of(0, 1, 2), tasks);
    }

    @Test
    void shouldSendALoneMessageAsItself()
    {
        final MessageBatch batch = new MessageBatch(5);
        add(batch, 9);
        batch.complete();
        final UnsafeBuffer sent = copy(batch);

        header.wrap(sent, 0);
        assertEquals(TaskResultDecoder.TEMPLATE_ID, header.templateId());
        taskResult.wrapAndApplyHeader(sent, 0, header);
        assertEquals(9, taskResult.taskIndex());
    }

    @Test
    void shouldStartAfreshOnceCleared()
    {
        final MessageBatch batch = new MessageBatch(5);
        add(batch, 1);
        add(batch, 2);
        batch.complete();
        batch.clear();
        assertEquals(0, batch.frames());
        add(batch, 3);
        add(batch, 4);
        batch.complete();

        assertTrue(read(copy(batch)));
        assertEquals(List.of(3, 4), tasks);
    }

    @Test
    void shouldTakeMessagesUpToItsLimit()
    {
        final MessageBatch batch = new MessageBatch(5);
        assertTrue(batch.fits(MessageBatch.MAX_FRAMES_LENGTH * 2), "an empty batch takes any message");
        add(batch, 1);
        assertFalse(batch.fits(MessageBatch.MAX_FRAMES_LENGTH));
    }

    @Test
    void shouldRefuseAFrameLengthPointingOutsideTheBatch()
    {
        final MessageBatch batch = new MessageBatch(5);
        add(batch, 1);
        add(batch, 2);
        batch.complete();
        final UnsafeBuffer sent = copy(batch);
        final int firstFrame = sent.capacity() - 2 * (Integer.BYTES + frameLength());
        sent.putInt(firstFrame, 1 << 20, LITTLE_ENDIAN);

        assertFalse(read(sent));
        assertEquals(List.of(), tasks);
    }

    @Test
    void shouldRefuseATruncatedBatch()
    {
        final MessageBatch batch = new MessageBatch(5);
        add(batch, 1);
        add(batch, 2);
        batch.complete();
        final UnsafeBuffer sent = copy(batch);

        assertFalse(read(new UnsafeBuffer(sent, 0, sent.capacity() - 1)));
    }

    @Test
    void shouldRefuseANestedBatch()
    {
        final MessageBatch inner = new MessageBatch(5);
        add(inner, 1);
        add(inner, 2);
        inner.complete();
        final MessageBatch outer = new MessageBatch(5);
        outer.add(inner.buffer(), inner.offset(), inner.length());
        add(outer, 3);
        outer.complete();

        assertFalse(read(copy(outer)));
        assertEquals(List.of(), tasks);
    }

    private boolean read(final DirectBuffer sent)
    {
        header.wrap(sent, 0);
        assertEquals(GridBatchDecoder.TEMPLATE_ID, header.templateId());
        return MessageBatch.forEachFrame(header, decoder, sent, 0, sent.capacity(), this::onFrame);
    }

    private void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        final MessageHeaderDecoder frameHeader = new MessageHeaderDecoder().wrap(buffer, offset);
        assertEquals(TaskResultDecoder.TEMPLATE_ID, frameHeader.templateId());
        taskResult.wrapAndApplyHeader(buffer, offset, frameHeader);
        tasks.add(taskResult.taskIndex());
    }

    private void add(final MessageBatch batch, final int task)
    {
        final int length = encoder.taskResult(3, 7, task, 1, Status.OK, new UnsafeBuffer(new byte[8]), 8);
        batch.add(encoder.buffer(), 0, length);
    }

    private int frameLength()
    {
        return encoder.taskResult(3, 7, 0, 1, Status.OK, new UnsafeBuffer(new byte[8]), 8);
    }

    private static UnsafeBuffer copy(final MessageBatch batch)
    {
        final byte[] bytes = new byte[batch.length()];
        batch.buffer().getBytes(batch.offset(), bytes);
        return new UnsafeBuffer(bytes);
    }
}
