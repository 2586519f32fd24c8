package io.shawarma.fabric.grid;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.management.ThreadMXBean;
import io.shawarma.codecs.GridBatchDecoder;
import io.shawarma.codecs.GridStatusDecoder;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.TaskState;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target for the grid's cluster egress, as workers and submitters decode it ({@link GridClient}): any bytes
 * end in exactly one listener callback or one malformed count, never an exception or an array sized by a length
 * the message cannot hold (what decoding allocates stays within a small multiple of the message's size), and no
 * callback is handed bytes outside the message (it sits in an exactly sized buffer
 * whose bounds checks would throw). A status answer is read in full, as {@code shawarma status} reads it. Runs over
 * the committed seed corpus in every build; {@code scripts/shawarma fuzz --target grid-egress} fuzzes it.
 */
class GridEgressFuzzTest
{
    /** What decoding one message may allocate beyond a small multiple of its size: exceptions, strings, a status. */
    private static final long ALLOCATION_SLACK = 1 << 20;
    private static final ThreadMXBean THREADS =
        (ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final Recorder recorder = new Recorder();
    private final GridClient client = new GridClient(GridListener.both(new StatusWatch(), recorder));

    @FuzzTest
    void egress(final byte[] message)
    {
        final long malformedBefore = client.malformedMessages();
        recorder.calls = 0;
        final UnsafeBuffer buffer = new UnsafeBuffer(message);
        final long allocated = decode(buffer);
        final long outcomes = recorder.calls + client.malformedMessages() - malformedBefore;
        if (isBatch(message))
        {
            // A batch's messages each make a callback; a bad one ends the batch, counted once.
            assertTrue(outcomes >= 1, "a batch made callbacks or counted as malformed");
        }
        else
        {
            assertEquals(1, outcomes, "callbacks plus malformed");
        }
        if (allocated > ALLOCATION_SLACK + 64L * message.length)
        {
            // The first decoding along a path loads (and instruments) classes: count a second one.
            final long again = decode(buffer);
            assertTrue(again <= ALLOCATION_SLACK + 64L * message.length,
                () -> "decoding a message of " + message.length + " bytes allocated " + again + " bytes");
        }
    }

    private static boolean isBatch(final byte[] message)
    {
        return message.length >= MessageHeaderDecoder.ENCODED_LENGTH &&
            GridBatchDecoder.TEMPLATE_ID == new UnsafeBuffer(message).getShort(2, ByteOrder.LITTLE_ENDIAN) &&
            MessageHeaderDecoder.SCHEMA_ID == new UnsafeBuffer(message).getShort(4, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * @return the bytes this thread allocated to decode the message.
     */
    private long decode(final UnsafeBuffer message)
    {
        final long before = THREADS.getCurrentThreadAllocatedBytes();
        client.onEgress(message, 0, message.capacity());
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /** Counts callbacks and checks what they are handed fits the message. */
    private static final class Recorder implements GridListener
    {
        int calls;

        public void onPlacement(final long epoch, final int[] slotOwners)
        {
            calls++;
        }

        public void onSlotMoves(
            final long epoch, final int[] slots, final int[] targets, final long[] moveIds,
            final String targetChannels)
        {
            calls++;
        }

        public void onSlotBackups(
            final long epoch, final int backupCount, final int[] backups, final long[] fillIds)
        {
            calls++;
        }

        public void onHeartbeatAck(final long correlationId, final long epoch)
        {
            calls++;
        }

        public void onTaskAssign(
            final long dagId, final int task, final int attempt, final long outputVertexId, final boolean resultHeld,
            final String udfName, final DirectBuffer operands, final int offset, final int length)
        {
            assertTrue(offset >= 0 && length >= 0 && offset + length <= operands.capacity(), "operands in range");
            if (length > 0)
            {
                operands.getByte(offset + length - 1);
            }
            calls++;
        }

        public void onSubmitResult(final long correlationId, final long dagId, final int taskCount,
            final String refusal)
        {
            calls++;
        }

        public void onTaskStateChange(
            final long dagId, final int task, final String taskName, final TaskState state, final int workerId,
            final int attempt, final Status status, final long clusterTime, final byte[] result)
        {
            calls++;
        }

        public void onGridStatus(final GridStatusDecoder status)
        {
            calls++;
        }

        public void onPing(final long timestampNs)
        {
            calls++;
        }
    }
}
