package io.shawarma.fabric;

import io.shawarma.codecs.Routing;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.locks.LockSupport;

import static io.shawarma.fabric.TestFabric.int64;
import static io.shawarma.fabric.TestFabric.putCounter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A caller that stops reading its answers back-pressures the worker's stream to it. The worker holds those answers
 * and goes on serving other callers; once the slow caller reads again it gets every answer.
 */
class BackPressureTest
{
    private static final int READ = Udf.idOf(ReadUdf.NAME);
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    // One answer per frame (below the MTU): the raw peer does not reassemble fragments.
    private static final int VALUE_BYTES = 1024;
    private static final int BATCH = 8;
    private static final long WAIT_NS = 20_000_000_000L;

    private final UnsafeBuffer result = new UnsafeBuffer(new byte[64 * 1024]);

    @Test
    void shouldHoldAnswersToASlowCallerWhileServingOthers()
    {
        // A long retry window: answers held now are still there when the slow caller reads again.
        try (TestFabric fabric = new TestFabric(1, context -> context.offerTimeoutNs(60_000_000_000L));
            FabricClient client = fabric.client();
            RawPeer slow = new RawPeer(fabric.worker(1), 2_000_201))
        {
            final WorkerCounters counters = fabric.worker(1).counters();
            final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_BYTES]);
            assertEquals(Status.OK, client.put(1, value, 0, VALUE_BYTES));
            putCounter(client, 2, 0);
            slow.hello();

            int sent = 0;
            final long deadlineNs = System.nanoTime() + WAIT_NS;
            while (0 == counters.retriesHeld.get() && System.nanoTime() < deadlineNs)
            {
                final long invokes = counters.invokesIn.get();
                for (int i = 0; i < BATCH; i++)
                {
                    assertTrue(slow.proxy.invoke(slow.publication, slow.id, 1_000 + sent, 0, 1, READ, Routing.DIRECT,
                        Replies.EMPTY, 0, 0));
                    sent++;
                }
                Tests.await(() -> counters.invokesIn.get() >= invokes + BATCH, "calls read");
            }
            assertTrue(counters.retriesHeld.get() > 0, "the slow caller's stream never filled");

            assertEquals(Status.OK, client.invoke(2, ADD, int64(1), 0, Long.BYTES, result),
                "another caller is served while answers wait");

            final int expected = sent;
            final long drainDeadlineNs = System.nanoTime() + WAIT_NS;
            while (slow.results < expected && System.nanoTime() < drainDeadlineNs)
            {
                if (0 == slow.poll())
                {
                    LockSupport.parkNanos(1_000_000);
                }
            }
            assertEquals(expected, slow.results, "every held answer delivered");
            assertEquals(0, counters.retriesDropped.get());
            assertEquals(0, counters.undeliveredReplies.get());
            assertTrue(counters.backPressureEvents.get() > 0);
        }
    }
}
