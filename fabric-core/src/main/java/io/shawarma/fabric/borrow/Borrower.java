package io.shawarma.fabric.borrow;

import io.shawarma.codecs.LeaseMode;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.DirectBuffer;

import static io.shawarma.fabric.borrow.BorrowedCopies.HELD;
import static io.shawarma.fabric.borrow.BorrowedCopies.REFUSED;
import static io.shawarma.fabric.borrow.BorrowedCopies.REQUESTED;
import static io.shawarma.fabric.borrow.BorrowedCopies.RETURNING;

/**
 * The borrower's side: asks owners for vertices, runs calls on the copies it holds, and gives each copy back
 * (with its value when a call changed it) before its lease ends, when the owner revokes it, and again until the
 * owner acknowledges. Runs on the borrower's agent thread; allocation free.
 * <p>
 * Lease time is counted from when the request was sent, on this worker's clock, so the borrower's lease always
 * ends before the owner's (which starts later, when it grants); the copy goes back {@code returnMarginNs} before
 * that.
 */
public final class Borrower
{
    /** Returns sent without an acknowledgement before the copy is given up. */
    public static final int MAX_RETURN_ATTEMPTS = 3;

    private final LocalInvoker invoker;
    private final BorrowedCopies copies;
    private final BorrowSender sender;
    private final long returnMarginNs;
    private final long retryNs;
    private long nextCorrelationId = 1;
    private long requests;
    private long grants;
    private long refusals;
    private long returns;
    private long returnsRefused;
    private long returnsUnacknowledged;
    private long revokesIgnored;
    private long staleGrants;

    /**
     * @param invoker        runs calls on copies (its store is not touched).
     * @param copies         the borrowed copies.
     * @param sender         to talk to owners.
     * @param returnMarginNs how long before the lease ends a copy goes back.
     * @param retryNs        how long to wait for a grant or an ack before giving up on a request or resending a
     *                       return; also how long a refused vertex is not asked for again.
     */
    public Borrower(
        final LocalInvoker invoker, final BorrowedCopies copies, final BorrowSender sender, final long returnMarginNs,
        final long retryNs)
    {
        this.invoker = invoker;
        this.copies = copies;
        this.sender = sender;
        this.returnMarginNs = returnMarginNs;
        this.retryNs = retryNs;
    }

    /**
     * @return the slot of a copy held under a live lease that permits the call, or -1.
     */
    public int usableSlot(final long vertexId, final int udfId, final long nowNs)
    {
        final int slot = copies.slotOf(vertexId);
        if (slot < 0 || HELD != copies.state[slot] || nowNs - copies.expiryNs[slot] >= 0)
        {
            return -1;
        }
        final Udf udf = invoker.udf(udfId);
        return null != udf && LeaseModes.permits(copies.mode[slot], copies.udfId[slot], udf, udfId) ? slot : -1;
    }

    /**
     * @return true when this worker holds, is requesting or is returning a copy of the vertex (or was just refused).
     */
    public boolean isBorrowing(final long vertexId)
    {
        return copies.slotOf(vertexId) >= 0;
    }

    /**
     * @return when the request for a vertex was sent, or -1 when none is outstanding.
     */
    public long requestedAtNs(final long vertexId)
    {
        final int slot = copies.slotOf(vertexId);
        return slot >= 0 && REQUESTED == copies.state[slot] ? copies.sinceNs[slot] : -1;
    }

    /**
     * Runs a call on a held copy (from {@link #usableSlot}); the result is in the invoker's result buffer.
     */
    public Status invoke(
        final int slot, final int udfId, final DirectBuffer args, final int argsOffset, final int argsLength)
    {
        final Status status = invoker.invokeOnCopy(copies.vertexId[slot], udfId, copies.value(slot),
            copies.length[slot], args, argsOffset, argsLength);
        if (Status.OK == status && invoker.copyUpdated())
        {
            copies.changed[slot] = true;
            copies.length[slot] = invoker.copyLength();
        }
        copies.uses[slot]++;
        return status;
    }

    /**
     * Asks the owner to lend a vertex, unless this worker already holds it or asked already.
     *
     * @return true when a request was sent.
     */
    public boolean request(final int ownerId, final long vertexId, final int udfId, final long nowNs)
    {
        if (copies.slotOf(vertexId) >= 0)
        {
            return false;
        }
        final long correlationId = nextCorrelationId++;
        final int slot = copies.claim(vertexId, ownerId, udfId, correlationId, nowNs);
        if (slot < 0)
        {
            return false;
        }
        if (!sender.borrowRequest(ownerId, correlationId, vertexId, udfId))
        {
            copies.release(slot);
            return false;
        }
        requests++;
        return true;
    }

    /**
     * The owner answered a request.
     *
     * @param correlationId the request's: a grant is the answer to the request outstanding with that id only.
     */
    public void onGrant(
        final int ownerId, final long correlationId, final long vertexId, final int status, final LeaseMode mode,
        final long leaseId, final long version, final long leaseDurationNs, final DirectBuffer buffer,
        final int valueOffset, final int valueLength, final long nowNs)
    {
        final int slot = copies.slotOf(vertexId);
        if (slot >= 0 && REQUESTED != copies.state[slot] && copies.leaseId[slot] == leaseId)
        {
            return; // a repeated grant of the lease held
        }
        if (slot >= 0 && REQUESTED == copies.state[slot] && copies.ownerId[slot] == ownerId &&
            copies.requestId[slot] != correlationId)
        {
            // The answer to an earlier request, given up on. Its lease may have ended at the owner already, and the
            // lease time counted here runs from the newer request, so taking it could outlast the owner's lease:
            // the owner would serve calls beside this copy and refuse the copy's writes. Nor is it handed back: the
            // newer request follows it on the same stream and the owner may renew this very lease for it.
            staleGrants++;
            return;
        }
        if (slot < 0 || REQUESTED != copies.state[slot] || copies.ownerId[slot] != ownerId)
        {
            if (Status.OK.code() == status)
            {
                // A grant for a request this worker gave up on: hand the lease straight back.
                sender.borrowReturn(ownerId, nextCorrelationId++, vertexId, leaseId, false, mode, 0, buffer, 0, 0);
            }
            return;
        }
        if (Status.OK.code() != status)
        {
            refusals++;
            copies.state[slot] = REFUSED;
            copies.sinceNs[slot] = nowNs;
            return;
        }
        if (!copies.fill(slot, buffer, valueOffset, valueLength))
        {
            sender.borrowReturn(ownerId, nextCorrelationId++, vertexId, leaseId, false, mode, copies.udfId[slot],
                buffer, 0, 0);
            copies.release(slot);
            return;
        }
        grants++;
        copies.state[slot] = HELD;
        copies.leaseId[slot] = leaseId;
        copies.mode[slot] = mode;
        copies.version[slot] = version;
        copies.expiryNs[slot] = copies.sinceNs[slot] + leaseDurationNs - returnMarginNs;
    }

    /**
     * The owner acknowledged (or refused) a return.
     */
    public void onReturnAck(final long vertexId, final long leaseId, final int status)
    {
        final int slot = copies.slotOf(vertexId);
        if (slot >= 0 && RETURNING == copies.state[slot] && copies.leaseId[slot] == leaseId)
        {
            if (Status.LEASE_EXPIRED.code() == status)
            {
                returnsRefused++;
            }
            copies.release(slot);
        }
    }

    /**
     * The owner wants a lease back: return the copy now, unless it is on its way back already (a revoke racing a
     * return) or the lease is no longer this worker's.
     */
    public void onRevoke(final long vertexId, final long leaseId, final long nowNs)
    {
        final int slot = copies.slotOf(vertexId);
        if (slot >= 0 && HELD == copies.state[slot] && copies.leaseId[slot] == leaseId)
        {
            sendReturn(slot, nowNs);
        }
        else
        {
            revokesIgnored++;
        }
    }

    /**
     * Returns copies whose lease is ending, resends unacknowledged returns, gives up on unanswered requests and
     * forgets refusals after the back-off.
     *
     * @return work done.
     */
    public int doWork(final long nowNs)
    {
        if (copies.isEmpty())
        {
            // Runs every duty cycle: nothing to scan while nothing is borrowed.
            return 0;
        }
        int work = 0;
        for (int slot = 0, capacity = copies.capacity(); slot < capacity; slot++)
        {
            switch (copies.state[slot])
            {
                case HELD:
                    if (nowNs - copies.expiryNs[slot] >= 0)
                    {
                        sendReturn(slot, nowNs);
                        work++;
                    }
                    break;

                case RETURNING:
                    if (nowNs - copies.sinceNs[slot] >= retryNs)
                    {
                        if (copies.attempts[slot] >= MAX_RETURN_ATTEMPTS)
                        {
                            returnsUnacknowledged++;
                            copies.release(slot);
                        }
                        else
                        {
                            sendReturn(slot, nowNs);
                        }
                        work++;
                    }
                    break;

                case REQUESTED:
                case REFUSED:
                    if (nowNs - copies.sinceNs[slot] >= retryNs)
                    {
                        copies.release(slot);
                        work++;
                    }
                    break;

                default:
                    break;
            }
        }
        return work;
    }

    /**
     * Gives every held copy back now (the worker is closing).
     */
    public void returnAll(final long nowNs)
    {
        for (int slot = 0, capacity = copies.capacity(); slot < capacity; slot++)
        {
            if (HELD == copies.state[slot])
            {
                sendReturn(slot, nowNs);
            }
        }
    }

    /**
     * @return the borrowed copies.
     */
    public BorrowedCopies copies()
    {
        return copies;
    }

    public long requests()
    {
        return requests;
    }

    public long grants()
    {
        return grants;
    }

    public long refusals()
    {
        return refusals;
    }

    public long returns()
    {
        return returns;
    }

    /**
     * @return returns the owner refused with LEASE_EXPIRED (EXCLUSIVE copies back too late).
     */
    public long returnsRefused()
    {
        return returnsRefused;
    }

    /**
     * @return copies given up after {@value #MAX_RETURN_ATTEMPTS} unacknowledged returns.
     */
    public long returnsUnacknowledged()
    {
        return returnsUnacknowledged;
    }

    public long revokesIgnored()
    {
        return revokesIgnored;
    }

    /**
     * @return grants that answered a request given up on while a newer one was outstanding (ignored).
     */
    public long staleGrants()
    {
        return staleGrants;
    }

    private void sendReturn(final int slot, final long nowNs)
    {
        if (HELD == copies.state[slot])
        {
            returns++;
        }
        copies.state[slot] = RETURNING;
        copies.sinceNs[slot] = nowNs;
        copies.attempts[slot]++;
        final boolean changed = copies.changed[slot];
        sender.borrowReturn(copies.ownerId[slot], nextCorrelationId++, copies.vertexId[slot], copies.leaseId[slot],
            changed, copies.mode[slot], copies.udfId[slot], copies.value(slot), 0, changed ? copies.length[slot] : 0);
    }
}
