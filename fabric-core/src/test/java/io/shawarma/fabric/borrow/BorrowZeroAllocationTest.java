package io.shawarma.fabric.borrow;

import io.shawarma.fabric.crdt.GCounterUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static io.shawarma.fabric.borrow.MemoryNetwork.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The borrowed path's steady state allocates nothing: the cost model's decision, a call on a held copy, the
 * owner's lease check and call, and both sides' periodic work.
 */
class BorrowZeroAllocationTest
{
    private static final int GCOUNTER = Udf.idOf(GCounterUdf.NAME);
    private static final int WARM_UP = 50_000;
    private static final int CALLS = 100_000;
    private static final long SLACK_BYTES = 1024;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    void shouldNotAllocateOnBorrowedCalls()
    {
        try (MemoryNetwork network = new MemoryNetwork(2))
        {
            final MemoryNetwork.Node owner = network.node(0);
            final MemoryNetwork.Node borrower = network.node(1);
            final CostModel model = new CostModel(new CostModel.Context());
            final long vertexId = 3;
            final UnsafeBuffer args = int64(1);
            assertEquals(Status.OK, owner.invoker.put(vertexId, new UnsafeBuffer(new byte[0]), 0, 0));
            borrower.borrower.request(0, vertexId, GCOUNTER, network.nowNs);
            network.deliverAll();

            calls(network, owner, borrower, model, vertexId, args, WARM_UP);
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            calls(network, owner, borrower, model, vertexId, args, CALLS);
            final long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

            assertEquals(WARM_UP + CALLS, borrower.invoker.result().getLong(0, LITTLE_ENDIAN),
                "every call ran on the borrowed copy");
            assertTrue(network.inFlight.isEmpty(), "nothing sent in steady state");
            assertTrue(allocated < SLACK_BYTES, "borrowed path allocated " + allocated + " bytes over " + CALLS);
        }
    }

    private static void calls(
        final MemoryNetwork network, final MemoryNetwork.Node owner, final MemoryNetwork.Node borrower,
        final CostModel model, final long vertexId, final UnsafeBuffer args, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final int slot = borrower.borrower.usableSlot(vertexId, GCOUNTER, network.nowNs);
            if (CostModel.BORROW != model.decide(vertexId, 0, true, Long.BYTES, slot >= 0, network.nowNs + i))
            {
                throw new AssertionError("lease held: must run here");
            }
            borrower.borrower.invoke(slot, GCOUNTER, args, 0, Long.BYTES);
            owner.lender.beforeOwnerCall(vertexId, GCOUNTER, true, 0);
            owner.lender.doWork(network.nowNs);
            borrower.borrower.doWork(network.nowNs);
        }
    }
}
