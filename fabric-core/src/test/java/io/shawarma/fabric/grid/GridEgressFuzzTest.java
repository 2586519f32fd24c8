package io.shawarma.fabric.grid;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shawarma.codecs.GridStatusDecoder;
import io.shawarma.codecs.TaskState;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target for the grid's cluster egress, as workers and submitters decode it ({@link GridClient}): any bytes
 * end in exactly one listener callback or one malformed count, never an exception or an array sized by a length
 * the message cannot hold, and no callback is handed bytes outside the message (it sits in an exactly sized buffer
 * whose bounds checks would throw). A status answer is read in full, as {@code shawarma status} reads it. Runs over
 * the committed seed corpus in every build; {@code scripts/shawarma fuzz --target grid-egress} fuzzes it.
 */
class GridEgressFuzzTest
{
    private final Recorder recorder = new Recorder();
    private final GridClient client = new GridClient(GridListener.both(new StatusWatch(), recorder));

    @FuzzTest
    void egress(final byte[] message)
    {
        final long malformedBefore = client.malformedMessages();
        recorder.calls = 0;
        client.onEgress(new UnsafeBuffer(message), 0, message.length);
        assertEquals(1, recorder.calls + client.malformedMessages() - malformedBefore, "callbacks plus malformed");
    }

    /** Counts callbacks and checks what they are handed fits the message. */
    private static final class Recorder implements GridListener
    {
        int calls;

        public void onPlacement(final long epoch, final int[] slotOwners)
        {
            calls++;
        }

        public void onTaskAssign(
            final long dagId, final int task, final int attempt, final long outputVertexId, final String udfName,
            final DirectBuffer operands, final int offset, final int length)
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
