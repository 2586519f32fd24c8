package io.shawarma.fabric.borrow;

import io.shawarma.codecs.LeaseMode;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The owner's side of borrowing: lends vertices it owns, merges or applies the copies that come back, revokes
 * leases that stand in the way of its own calls, and drops leases that were not returned in time. Runs on the
 * owner's agent thread; allocation free.
 */
public final class Lender
{
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final int ownerId;
    private final LocalInvoker invoker;
    private final LeaseTable leases;
    private final BorrowSender sender;
    private final LeaseTable.ExpiryHandler onExpired = this::onExpired;
    private long grants;
    private long refusals;
    private long returnsMerged;
    private long returnsApplied;
    private long returnsRefused;
    private long revokesSent;
    private long leasesExpired;
    private long exclusiveWritesExpired;

    /**
     * @param ownerId this worker's id.
     * @param invoker runs on the owner's vertices (reads values to lend, merges and applies returns).
     * @param leases  the lease table.
     * @param sender  to answer borrowers.
     */
    public Lender(final int ownerId, final LocalInvoker invoker, final LeaseTable leases, final BorrowSender sender)
    {
        this.ownerId = ownerId;
        this.invoker = invoker;
        this.leases = leases;
        this.sender = sender;
    }

    /**
     * A borrower asks for a vertex this worker owns.
     */
    public void onRequest(
        final int borrowerId, final long correlationId, final long vertexId, final int udfId, final long nowNs)
    {
        final Udf udf = invoker.udf(udfId);
        if (null == udf)
        {
            refuse(borrowerId, correlationId, vertexId, Status.NO_SUCH_UDF);
            return;
        }
        final Status read = invoker.get(vertexId);
        if (Status.OK != read)
        {
            refuse(borrowerId, correlationId, vertexId, read);
            return;
        }
        final LeaseMode mode = LeaseModes.of(udf);
        final long leaseId = leases.grant(vertexId, borrowerId, mode, udfId, nowNs);
        if (leaseId < 0)
        {
            refuse(borrowerId, correlationId, vertexId,
                LeaseTable.REFUSED_LENT == leaseId ? Status.LENT : Status.BACK_PRESSURED);
            return;
        }
        grants++;
        final long durationNs = leases.leaseDurationNs();
        sender.borrowGrant(borrowerId, correlationId, vertexId, Status.OK, mode, leaseId,
            leases.loan(vertexId).version(), nowNs + durationNs, durationNs, ownerId, invoker.result(), 0,
            invoker.resultLength());
    }

    /**
     * A borrower gives a vertex back. A MERGE copy is merged whether or not its lease is still held (merge is
     * idempotent and commutative, so late and duplicate returns are harmless); an EXCLUSIVE copy replaces the
     * owner's value only while its lease is held, else it is refused with LEASE_EXPIRED.
     */
    public void onReturn(
        final int borrowerId, final long correlationId, final long vertexId, final long leaseId, final boolean changed,
        final LeaseMode mode, final int udfId, final DirectBuffer buffer, final int valueOffset, final int valueLength,
        final long nowNs)
    {
        final boolean held = leases.release(vertexId, borrowerId, leaseId);
        Status status = Status.OK;
        if (changed && LeaseMode.MERGE == mode)
        {
            status = invoker.merge(vertexId, udfId, buffer, valueOffset, valueLength);
            returnsMerged++;
        }
        else if (changed && LeaseMode.EXCLUSIVE == mode)
        {
            if (held)
            {
                status = invoker.put(vertexId, buffer, valueOffset, valueLength);
                returnsApplied++;
            }
            else
            {
                status = Status.LEASE_EXPIRED;
                returnsRefused++;
            }
        }
        sender.borrowReturnAck(borrowerId, correlationId, vertexId, leaseId, status);
    }

    /**
     * Checks a call the owner is about to run on its own copy of a vertex against the vertex's loan, revoking the
     * leases that conflict with it.
     *
     * @param udfId    the call's UDF, or 0 for a put.
     * @param readOnly true when the call only reads.
     * @param callerId the worker or client that sent the call: a call the holder itself forwarded (sent before
     *                 its copy arrived) is answered LENT without revoking the loan it has just been given.
     * @return OK to run it; LENT when the vertex is lent in a way the call cannot run beside (revokes sent).
     */
    public Status beforeOwnerCall(final long vertexId, final int udfId, final boolean readOnly, final int callerId)
    {
        final LeaseTable.Loan loan = leases.loan(vertexId);
        if (null == loan)
        {
            return Status.OK;
        }
        switch (loan.mode())
        {
            case READ_ONLY:
                if (!readOnly)
                {
                    // Readers must not keep serving the old value: take their leases back now; nothing returns.
                    revokeAll(loan);
                    leases.releaseAll(loan);
                }
                return Status.OK;

            case MERGE:
                if (readOnly || udfId == loan.udfId())
                {
                    if (!readOnly)
                    {
                        leases.onOwnerWrite(loan);
                    }
                    return Status.OK;
                }
                revokeAll(loan);
                return Status.LENT;

            default:
                if (loan.holderCount() != 1 || loan.holderAt(0) != callerId)
                {
                    revokeAll(loan);
                }
                return Status.LENT;
        }
    }

    /**
     * Drops leases past expiry and grace.
     *
     * @return work done.
     */
    public int doWork(final long nowNs)
    {
        return leases.expire(nowNs, onExpired);
    }

    /**
     * @return the lease table, for tests and counters.
     */
    public LeaseTable leases()
    {
        return leases;
    }

    public long grants()
    {
        return grants;
    }

    public long refusals()
    {
        return refusals;
    }

    public long returnsMerged()
    {
        return returnsMerged;
    }

    public long returnsApplied()
    {
        return returnsApplied;
    }

    /**
     * @return EXCLUSIVE returns refused with LEASE_EXPIRED (their writes never reached the owner).
     */
    public long returnsRefused()
    {
        return returnsRefused;
    }

    public long revokesSent()
    {
        return revokesSent;
    }

    public long leasesExpired()
    {
        return leasesExpired;
    }

    /**
     * @return EXCLUSIVE leases that expired unreturned: whatever their holder wrote was never acknowledged here.
     */
    public long exclusiveLeasesExpired()
    {
        return exclusiveWritesExpired;
    }

    private void revokeAll(final LeaseTable.Loan loan)
    {
        if (loan.revoked)
        {
            return;
        }
        loan.revoked = true;
        for (int i = 0; i < loan.holderCount(); i++)
        {
            if (sender.revoke(loan.holderAt(i), loan.vertexId(), loan.leaseIdAt(i)))
            {
                revokesSent++;
            }
        }
    }

    private void refuse(final int borrowerId, final long correlationId, final long vertexId, final Status status)
    {
        refusals++;
        sender.borrowGrant(borrowerId, correlationId, vertexId, status, LeaseMode.READ_ONLY, 0, 0, 0, 0, ownerId,
            EMPTY, 0, 0);
    }

    private void onExpired(final long vertexId, final int holderId, final long leaseId, final LeaseMode mode)
    {
        leasesExpired++;
        if (LeaseMode.EXCLUSIVE == mode)
        {
            exclusiveWritesExpired++;
        }
    }
}
