package io.shawarma.fabric;

import io.shawarma.fabric.borrow.CostModel;
import io.shawarma.fabric.crdt.GCounterUdf;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.shawarma.fabric.TestFabric.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Borrowing between real workers over loopback UDP: worker 2 borrows worker 1's vertices (always-borrow policy),
 * runs calls on its copies, and gives them back; the owner merges or applies them and revokes when it needs them.
 */
class BorrowingWorkerTest
{
    private static final int GCOUNTER = Udf.idOf(GCounterUdf.NAME);
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final long LEASE_NS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);
    private static final UnsafeBuffer NO_ARGS = new UnsafeBuffer(new byte[0]);

    private static TestFabric fabric;
    private static FabricClient client;
    private final UnsafeBuffer result = new UnsafeBuffer(new byte[4096]);

    @BeforeAll
    static void start()
    {
        fabric = new TestFabric(2, context -> context.schedulerPolicy("borrow").borrowLeaseNs(LEASE_NS));
        client = fabric.client();
    }

    @AfterAll
    static void stop()
    {
        client.close();
        fabric.close();
    }

    @Test
    void shouldRunIncrementsOnABorrowedCopyAndMergeThemIntoTheOwner()
    {
        final long vertexId = vertexOwnedBy(1, 100);
        assertEquals(Status.OK, client.put(vertexId, NO_ARGS, 0, 0));
        final int increments = 200;
        for (int i = 0; i < increments; i++)
        {
            assertEquals(Status.OK, client.invokeVia(2, vertexId, GCOUNTER, int64(1), 0, Long.BYTES, result));
        }
        final WorkerCounters borrower = fabric.worker(2).counters();
        awaitTrue(() -> borrower.schedulerDecisions(CostModel.REASON_LEASE_HELD) > 0, "calls ran on the copy");
        awaitTrue(() -> total(vertexId) == increments, "every increment merged into the owner");
        assertTrue(fabric.worker(1).counters().leasesGranted() > 0);
        awaitTrue(() -> borrower.copiesReturned() > 0, "the copy went back");
    }

    @Test
    void shouldRevokeAnExclusiveLoanWhenTheOwnerIsCalledAndKeepEveryAcknowledgedAdd()
    {
        final long vertexId = vertexOwnedBy(1, 200);
        TestFabric.putCounter(client, vertexId, 1000);
        final WorkerCounters borrower = fabric.worker(2).counters();
        final long heldBefore = borrower.schedulerDecisions(CostModel.REASON_LEASE_HELD);
        long expected = 1000;
        final long deadline = System.nanoTime() + DEADLINE_NS;
        while (borrower.schedulerDecisions(CostModel.REASON_LEASE_HELD) == heldBefore)
        {
            assertTrue(System.nanoTime() < deadline, "worker 2 never held the counter");
            final Status status = client.invokeVia(2, vertexId, ADD, int64(1), 0, Long.BYTES, result);
            if (Status.OK == status)
            {
                expected++;
            }
            else
            {
                assertEquals(Status.LENT, status, "only a call forwarded while the loan is moving may meet LENT");
            }
        }

        // At the owner: LENT while worker 2 holds it exclusively, the owner revokes, the copy comes back.
        Status atOwner = client.invoke(vertexId, ADD, int64(10), 0, Long.BYTES, result);
        while (Status.LENT == atOwner)
        {
            assertTrue(System.nanoTime() < deadline, "the revoked copy never came back");
            atOwner = client.invoke(vertexId, ADD, int64(10), 0, Long.BYTES, result);
        }
        assertEquals(Status.OK, atOwner);
        expected += 10;
        assertEquals(expected, result.getLong(0, LITTLE_ENDIAN), "the borrowed adds and the owner's, each once");
    }

    @Test
    void shouldRetryAtTheOwnerNamedByMoved()
    {
        final long vertexId = vertexOwnedBy(1, 300);
        TestFabric.putCounter(client, vertexId, 5);
        client.placement().override(vertexId, 2, client.placement().epoch());   // a stale placement
        assertEquals(Status.OK, client.invoke(vertexId, ADD, int64(1), 0, Long.BYTES, result));
        assertEquals(6, result.getLong(0, LITTLE_ENDIAN));
        assertEquals(1, client.placement().ownerOf(vertexId), "MOVED(owner, epoch) taught the client the owner");
    }

    private long total(final long vertexId)
    {
        assertEquals(Status.OK, client.invoke(vertexId, GCOUNTER, NO_ARGS, 0, 0, result));
        return result.getLong(0, LITTLE_ENDIAN);
    }

    private static long vertexOwnedBy(final int workerId, final long from)
    {
        long vertexId = from;
        while (client.placement().ownerOf(vertexId) != workerId)
        {
            vertexId++;
        }
        return vertexId;
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }
}
