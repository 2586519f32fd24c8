package io.shawarma.fabric.borrow;

import io.shawarma.fabric.crdt.GCounterUdf;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.shawarma.fabric.borrow.MemoryNetwork.GRACE_NS;
import static io.shawarma.fabric.borrow.MemoryNetwork.LEASE_NS;
import static io.shawarma.fabric.borrow.MemoryNetwork.RETRY_NS;
import static io.shawarma.fabric.borrow.MemoryNetwork.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The borrowing protocol between an owner (node 0) and borrowers (nodes 1, 2) over an in-memory network with a
 * test-driven clock: normal loans, and each fault, with what every party ends up holding.
 */
class BorrowProtocolTest
{
    private static final long VERTEX = 7;
    private static final int GCOUNTER = Udf.idOf(GCounterUdf.NAME);
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int READ = Udf.idOf(ReadUdf.NAME);
    private static final UnsafeBuffer NO_ARGS = new UnsafeBuffer(new byte[0]);

    private final MemoryNetwork network = new MemoryNetwork(3);
    private final MemoryNetwork.Node owner = network.node(0);
    private final MemoryNetwork.Node borrower = network.node(1);
    private final MemoryNetwork.Node other = network.node(2);

    @AfterEach
    void close()
    {
        network.close();
    }

    @Test
    void shouldMergeEveryBorrowersIncrementsIntoTheOwner()
    {
        createEmpty();
        borrow(borrower, GCOUNTER);
        borrow(other, GCOUNTER);
        assertEquals(2, owner.lender.leases().loan(VERTEX).holderCount(), "a MERGE loan is shared");

        assertEquals(Status.OK, borrower.call(0, VERTEX, GCOUNTER, int64(5)));
        assertEquals(Status.OK, borrower.call(0, VERTEX, GCOUNTER, int64(5)));
        assertEquals(Status.OK, other.call(0, VERTEX, GCOUNTER, int64(3)));
        assertEquals(Status.OK, owner.call(0, VERTEX, GCOUNTER, int64(2)), "the owner keeps writing while lent");

        network.advance(LEASE_NS);  // past the borrowers' lease minus margin: both return
        network.deliverAll();
        assertEquals(15, ownerCount());
        assertEquals(0, owner.lender.leases().lentVertices());
        assertFalse(borrower.borrower.isBorrowing(VERTEX));
        assertEquals(2, owner.lender.returnsMerged());
    }

    @Test
    void shouldLendExclusivelyAndApplyTheReturnedValue()
    {
        putCounter(10);
        borrow(borrower, ADD);
        network.deliverAll();
        assertEquals(Status.OK, borrower.call(0, VERTEX, ADD, int64(1)));
        assertEquals(Status.OK, borrower.call(0, VERTEX, ADD, int64(1)));

        other.borrower.request(0, VERTEX, ADD, network.nowNs);
        network.deliverAll();
        assertEquals(1, other.borrower.refusals(), "one writer at a time");

        network.advance(LEASE_NS);
        network.deliverAll();
        assertEquals(12, ownerCounter());
        assertEquals(1, owner.lender.returnsApplied());
    }

    @Test
    void shouldRevokeReadersWhenTheOwnerWrites()
    {
        putCounter(10);
        borrow(borrower, READ);
        assertEquals(Status.OK, borrower.call(0, VERTEX, READ, NO_ARGS));
        assertEquals(Status.LENT, borrower.call(0, VERTEX, ADD, int64(1)), "a read lease runs no writes");

        assertEquals(Status.OK, owner.call(0, VERTEX, ADD, int64(1)), "the owner's write goes ahead");
        assertEquals(0, owner.lender.leases().lentVertices(), "read leases end at once: nothing comes back");
        network.deliverAll();
        assertFalse(borrower.borrower.isBorrowing(VERTEX), "the reader gave its copy up on the revoke");
        assertEquals(11, ownerCounter());
    }

    @Test
    void shouldExpireALeaseWhoseBorrowerNeverReturnsAndKeepTheOwnersValue()
    {
        putCounter(10);
        borrow(borrower, ADD);
        assertEquals(Status.OK, borrower.call(0, VERTEX, ADD, int64(100)), "unreturned, never acknowledged by owner");

        assertEquals(Status.LENT, owner.call(0, VERTEX, ADD, int64(1)), "lent exclusively: the owner waits");
        assertEquals(1, owner.lender.revokesSent());
        network.inFlight.clear(); // the borrower has crashed: the revoke is never answered

        network.nowNs += LEASE_NS + GRACE_NS + 1;
        owner.tick();
        assertEquals(1, owner.lender.exclusiveLeasesExpired());
        assertEquals(0, owner.lender.leases().lentVertices());
        assertEquals(Status.OK, owner.call(0, VERTEX, ADD, int64(1)));
        assertEquals(11, ownerCounter(), "every write the owner acknowledged is there; the crashed copy's is not");
    }

    @Test
    void shouldMergeALateMergeReturnAndRefuseALateExclusiveOne()
    {
        createEmpty();
        borrow(borrower, GCOUNTER);
        assertEquals(Status.OK, borrower.call(0, VERTEX, GCOUNTER, int64(4)));
        network.advance(LEASE_NS);                         // the borrower returns...
        final int held = network.indexOf("return");
        assertTrue(held >= 0);
        final MemoryNetwork.Message lateReturn = network.drop(held);   // ...but the network holds it back
        network.nowNs += LEASE_NS + GRACE_NS;
        owner.tick();
        assertEquals(1, owner.lender.leasesExpired());
        lateReturn.delivery.accept(owner);
        network.deliverAll();
        assertEquals(4, ownerCount(), "a MERGE copy merges whenever it arrives");
        assertEquals(0, borrower.borrower.returnsRefused());

        final long counter = VERTEX + 1;
        assertEquals(Status.OK, owner.invoker.put(counter, int64(10), 0, Long.BYTES));
        borrower.borrower.request(0, counter, ADD, network.nowNs);
        network.deliverAll();
        final int slot = borrower.borrower.usableSlot(counter, ADD, network.nowNs);
        assertEquals(Status.OK, borrower.borrower.invoke(slot, ADD, int64(5), 0, Long.BYTES));
        network.advance(LEASE_NS);
        final MemoryNetwork.Message lateExclusive = network.drop(network.indexOf("return"));
        network.nowNs += LEASE_NS + GRACE_NS;
        owner.tick();
        assertEquals(Status.OK, owner.call(0, counter, ADD, int64(1)), "after expiry the owner writes again");
        lateExclusive.delivery.accept(owner);
        network.deliverAll();
        assertEquals(1, borrower.borrower.returnsRefused(), "the borrower learns its writes were refused");
        assertEquals(11, valueOf(counter), "a late EXCLUSIVE copy must not overwrite the owner's newer writes");
    }

    @Test
    void shouldCountADuplicatedReturnOnce()
    {
        createEmpty();
        borrow(borrower, GCOUNTER);
        assertEquals(Status.OK, borrower.call(0, VERTEX, GCOUNTER, int64(6)));
        network.advance(LEASE_NS);
        final MemoryNetwork.Message sent = network.inFlight.get(network.indexOf("return"));
        sent.delivery.accept(owner);   // delivered twice
        network.deliverAll();
        assertEquals(6, ownerCount(), "merge is idempotent");

        putCounter(10);
        borrow(borrower, ADD);
        assertEquals(Status.OK, borrower.call(0, VERTEX, ADD, int64(5)));
        network.advance(LEASE_NS);
        final MemoryNetwork.Message exclusive = network.drop(network.indexOf("return"));
        exclusive.delivery.accept(owner);
        assertEquals(15, ownerCounter());
        assertEquals(Status.OK, owner.call(0, VERTEX, ADD, int64(1)));
        exclusive.delivery.accept(owner);   // the duplicate arrives after an owner write
        assertEquals(16, ownerCounter(), "a duplicate EXCLUSIVE return is refused, not applied twice");
        assertEquals(1, owner.lender.returnsRefused());
    }

    @Test
    void shouldResendAReturnUntilTheOwnerAcknowledgesIt()
    {
        createEmpty();
        borrow(borrower, GCOUNTER);
        assertEquals(Status.OK, borrower.call(0, VERTEX, GCOUNTER, int64(2)));
        network.advance(LEASE_NS);
        network.deliver(network.indexOf("return"));
        network.drop(network.indexOf("ack"));   // the ack is lost
        assertTrue(borrower.borrower.isBorrowing(VERTEX), "still waiting for the ack");
        network.advance(RETRY_NS);
        network.deliverAll();
        assertFalse(borrower.borrower.isBorrowing(VERTEX));
        assertEquals(2, ownerCount());
        assertEquals(2, owner.lender.returnsMerged(), "the resent copy merged again, harmlessly");
    }

    @Test
    void shouldIgnoreARevokeThatRacesTheReturn()
    {
        putCounter(10);
        borrow(borrower, ADD);
        assertEquals(Status.OK, borrower.call(0, VERTEX, ADD, int64(3)));
        network.advance(LEASE_NS);                          // the borrower sends its return...
        assertEquals(Status.LENT, owner.call(0, VERTEX, ADD, int64(1)));   // ...as the owner revokes
        network.deliver(network.indexOf("revoke"));
        assertEquals(1, borrower.borrower.revokesIgnored(), "already on its way back");
        network.deliverAll();
        assertEquals(13, ownerCounter());
        assertEquals(Status.OK, owner.call(0, VERTEX, ADD, int64(1)));
        assertEquals(14, ownerCounter());
        assertFalse(borrower.borrower.isBorrowing(VERTEX));
    }

    @Test
    void shouldReturnOnRevokeAndAgainGiveBackAGrantThatCameTooLate()
    {
        putCounter(10);
        borrow(borrower, ADD);
        assertEquals(Status.OK, borrower.call(0, VERTEX, ADD, int64(3)));
        assertEquals(Status.LENT, owner.call(0, VERTEX, ADD, int64(1)));
        network.deliverAll();                              // revoke -> return -> ack
        assertEquals(13, ownerCounter());

        other.borrower.request(0, VERTEX, ADD, network.nowNs);
        network.deliver(network.indexOf("request"));
        final MemoryNetwork.Message grant = network.drop(network.indexOf("grant"));
        network.advance(RETRY_NS);                         // the borrower gives up waiting
        assertFalse(other.borrower.isBorrowing(VERTEX));
        grant.delivery.accept(other);                      // the grant arrives after all
        network.deliverAll();
        assertEquals(0, owner.lender.leases().lentVertices(), "the late lease went straight back");
        assertEquals(Status.OK, owner.call(0, VERTEX, ADD, int64(1)));
        assertEquals(14, ownerCounter());
    }

    @Test
    void shouldNotTakeAGrantForAnAbandonedRequestAsTheAnswerToTheNextOne()
    {
        putCounter(10);
        borrower.borrower.request(0, VERTEX, ADD, network.nowNs);
        network.deliver(network.indexOf("request"));
        final MemoryNetwork.Message lateGrant = network.drop(network.indexOf("grant"));
        network.advance(RETRY_NS);                         // the borrower gives up waiting...
        network.nowNs += GRACE_NS + 1;
        owner.tick();                                      // ...and the owner drops the lease nobody returned
        assertEquals(1, owner.lender.leasesExpired());

        borrower.borrower.request(0, VERTEX, ADD, network.nowNs);
        network.deliver(network.indexOf("request"));       // lent afresh, under a new lease
        lateGrant.delivery.accept(borrower);               // the first grant arrives only now
        assertTrue(borrower.borrower.usableSlot(VERTEX, ADD, network.nowNs) < 0,
            "a grant for the abandoned request is no answer to the new one: its lease is gone at the owner");
        network.deliverAll();
        assertTrue(borrower.borrower.usableSlot(VERTEX, ADD, network.nowNs) >= 0, "the new request's grant");
        assertEquals(1, owner.lender.leases().lentVertices());

        assertEquals(Status.OK, borrower.call(0, VERTEX, ADD, int64(5)));
        assertEquals(Status.LENT, owner.call(0, VERTEX, ADD, int64(1)), "one writer: the borrower holds the loan");
        network.deliverAll();                              // revoke -> return -> ack
        assertEquals(Status.OK, owner.call(0, VERTEX, ADD, int64(1)));
        assertEquals(16, ownerCounter(), "the borrowed add and the owner's, each once");
        assertEquals(0, owner.lender.returnsRefused());
    }

    @Test
    void shouldAnswerRequestsForMissingVerticesAndUnknownUdfs()
    {
        borrower.borrower.request(0, VERTEX, GCOUNTER, network.nowNs);
        network.deliverAll();
        assertEquals(1, borrower.borrower.refusals());
        borrower.borrower.request(0, VERTEX + 1, 12345, network.nowNs);
        network.deliverAll();
        assertEquals(2, borrower.borrower.refusals());
        assertEquals(2, owner.lender.refusals());
    }

    private void createEmpty()
    {
        assertEquals(Status.OK, owner.invoker.put(VERTEX, NO_ARGS, 0, 0));
    }

    private void putCounter(final long value)
    {
        assertEquals(Status.OK, owner.invoker.put(VERTEX, int64(value), 0, Long.BYTES));
    }

    private void borrow(final MemoryNetwork.Node node, final int udfId)
    {
        assertTrue(node.borrower.request(0, VERTEX, udfId, network.nowNs));
        network.deliverAll();
        assertTrue(node.borrower.usableSlot(VERTEX, udfId, network.nowNs) >= 0, "granted");
    }

    private long ownerCount()
    {
        assertEquals(Status.OK, owner.invoker.invoke(VERTEX, GCOUNTER, NO_ARGS, 0, 0));
        return owner.invoker.result().getLong(0, LITTLE_ENDIAN);
    }

    private long ownerCounter()
    {
        return valueOf(VERTEX);
    }

    private long valueOf(final long vertexId)
    {
        assertEquals(Status.OK, owner.invoker.get(vertexId));
        return owner.invoker.result().getLong(0, LITTLE_ENDIAN);
    }
}
