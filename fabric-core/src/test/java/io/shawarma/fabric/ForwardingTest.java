package io.shawarma.fabric;

import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.shawarma.fabric.TestFabric.int64;
import static io.shawarma.fabric.TestFabric.putCounter;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call sent to a worker that does not own its vertex is forwarded to the owner and answered through the worker
 * it was sent to; a call that worker cannot forward is answered with a status, never dropped.
 */
class ForwardingTest
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int WORKER_MAX_PAYLOAD = 4096;

    private final UnsafeBuffer result = new UnsafeBuffer(new byte[64 * 1024]);

    @Test
    void shouldAnswerMalformedWhenForwardedArgsExceedTheForwardersPayloadLimit()
    {
        try (TestFabric fabric = new TestFabric(2, context -> context.maxPayloadBytes(WORKER_MAX_PAYLOAD));
            FabricClient client = fabric.client())
        {
            final long onTwo = fabric.vertexOwnedBy(2);
            putCounter(client, onTwo, 1);
            final UnsafeBuffer bigArgs = new UnsafeBuffer(new byte[WORKER_MAX_PAYLOAD + 1]);

            assertEquals(Status.MALFORMED, client.invokeVia(1, onTwo, ADD, bigArgs, 0, bigArgs.capacity(), result));
            final String text = result.getStringWithoutLengthAscii(0, client.resultLength());
            assertTrue(text.contains("shawarma.max.payload.bytes"), text);

            assertEquals(Status.OK, client.invokeVia(1, onTwo, ADD, int64(2), 0, Long.BYTES, result),
                "the forwarding worker goes on serving");
            assertEquals(3, result.getLong(0, LITTLE_ENDIAN));
            assertEquals(0, fabric.worker(1).counters().errors.get(), "nothing thrown on the forwarding worker");
        }
    }
}
