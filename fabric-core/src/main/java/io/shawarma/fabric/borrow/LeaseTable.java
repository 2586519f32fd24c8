package io.shawarma.fabric.borrow;

import io.shawarma.codecs.LeaseMode;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The owner's record of the vertices it has lent: per vertex the lease mode, the UDF whose type it was lent for, a
 * version, and per holder the lease id and expiry (on the owner's clock). Several holders share a MERGE or a
 * READ_ONLY loan (of the same type); an EXCLUSIVE loan has one. A lease is dropped when its holder returns it, or
 * {@code graceNs} after it expires. Pre-sized and allocation free; single threaded (the owner's agent).
 */
public final class LeaseTable
{
    /** {@link #grant} refused: the vertex is lent in a conflicting mode, or has no room for another holder. */
    public static final long REFUSED_LENT = -1;
    /** {@link #grant} refused: the table has no room for another lent vertex. */
    public static final long REFUSED_FULL = -2;

    /** A lease that a holder has not returned in time. */
    @FunctionalInterface
    public interface ExpiryHandler
    {
        /**
         * @param vertexId   the vertex.
         * @param holderId   the borrower that did not return it.
         * @param leaseId    its lease.
         * @param mode       of the loan.
         */
        void onExpired(long vertexId, int holderId, long leaseId, LeaseMode mode);
    }

    /** One lent vertex. Read through the accessors; changed only by the table. */
    public static final class Loan
    {
        private long vertexId;
        private LeaseMode mode;
        private int udfId;
        private long version;
        private int holderCount;
        boolean revoked;
        private final int[] holders;
        private final long[] leaseIds;
        private final long[] expiries;

        Loan(final int maxHolders)
        {
            holders = new int[maxHolders];
            leaseIds = new long[maxHolders];
            expiries = new long[maxHolders];
        }

        public long vertexId()
        {
            return vertexId;
        }

        public LeaseMode mode()
        {
            return mode;
        }

        public int udfId()
        {
            return udfId;
        }

        /**
         * @return the owner's version of the value: bumped by every owner write and applied return while lent.
         */
        public long version()
        {
            return version;
        }

        public int holderCount()
        {
            return holderCount;
        }

        public int holderAt(final int index)
        {
            return holders[index];
        }

        public long leaseIdAt(final int index)
        {
            return leaseIds[index];
        }

        public long expiryAt(final int index)
        {
            return expiries[index];
        }

        int indexOf(final int holderId)
        {
            for (int i = 0; i < holderCount; i++)
            {
                if (holders[i] == holderId)
                {
                    return i;
                }
            }
            return -1;
        }

        void removeAt(final int index)
        {
            final int last = --holderCount;
            holders[index] = holders[last];
            leaseIds[index] = leaseIds[last];
            expiries[index] = expiries[last];
        }
    }

    private final Long2ObjectHashMap<Loan> loanByVertex;
    private final Loan[] active;
    private final Loan[] free;
    private final long leaseDurationNs;
    private final long graceNs;
    private int activeCount;
    private int freeCount;
    private long nextLeaseId = 1;
    private long nextVersion = 1;

    /**
     * @param maxLentVertices most vertices lent at once.
     * @param maxHolders      most holders of one vertex.
     * @param leaseDurationNs how long a lease lasts.
     * @param graceNs         how long past its expiry a lease is still kept (and its return accepted as on time).
     */
    public LeaseTable(final int maxLentVertices, final int maxHolders, final long leaseDurationNs, final long graceNs)
    {
        loanByVertex = new Long2ObjectHashMap<>(maxLentVertices * 2, 0.65f);
        active = new Loan[maxLentVertices];
        free = new Loan[maxLentVertices];
        for (int i = 0; i < maxLentVertices; i++)
        {
            free[freeCount++] = new Loan(maxHolders);
        }
        this.leaseDurationNs = leaseDurationNs;
        this.graceNs = graceNs;
    }

    /**
     * @return how long a lease lasts.
     */
    public long leaseDurationNs()
    {
        return leaseDurationNs;
    }

    /**
     * Lends a vertex to a borrower. A holder that asks again gets its lease renewed (same id, new expiry).
     *
     * @return the lease id ({@code > 0}), or {@link #REFUSED_LENT} or {@link #REFUSED_FULL}.
     */
    public long grant(
        final long vertexId, final int borrowerId, final LeaseMode mode, final int udfId, final long nowNs)
    {
        Loan loan = loanByVertex.get(vertexId);
        if (null == loan)
        {
            if (0 == freeCount)
            {
                return REFUSED_FULL;
            }
            loan = free[--freeCount];
            loan.vertexId = vertexId;
            loan.mode = mode;
            loan.udfId = udfId;
            loan.version = nextVersion++;
            loan.holderCount = 0;
            loan.revoked = false;
            loanByVertex.put(vertexId, loan);
            active[activeCount++] = loan;
        }
        else
        {
            final int index = loan.indexOf(borrowerId);
            if (index >= 0 && loan.mode == mode && loan.udfId == udfId)
            {
                loan.expiries[index] = nowNs + leaseDurationNs;
                return loan.leaseIds[index];
            }
            if (!isShareable(loan, mode, udfId) || index >= 0 || loan.holderCount == loan.holders.length)
            {
                return REFUSED_LENT;
            }
        }
        final int index = loan.holderCount++;
        loan.holders[index] = borrowerId;
        loan.leaseIds[index] = nextLeaseId++;
        loan.expiries[index] = nowNs + leaseDurationNs;
        return loan.leaseIds[index];
    }

    /**
     * @param vertexId a vertex.
     * @return its loan, or null when it is not lent; valid until the table next changes.
     */
    public Loan loan(final long vertexId)
    {
        // Asked on every call at the owner: nothing to probe while nothing is lent.
        return loanByVertex.isEmpty() ? null : loanByVertex.get(vertexId);
    }

    /**
     * Records an owner write to a lent vertex.
     */
    public void onOwnerWrite(final Loan loan)
    {
        loan.version = nextVersion++;
    }

    /**
     * Ends a lease that its holder gave back.
     *
     * @return true when the lease was held (on time); false when it had expired, was returned already or is unknown.
     */
    public boolean release(final long vertexId, final int holderId, final long leaseId)
    {
        final Loan loan = loanByVertex.get(vertexId);
        if (null == loan)
        {
            return false;
        }
        final int index = loan.indexOf(holderId);
        if (index < 0 || loan.leaseIds[index] != leaseId)
        {
            return false;
        }
        loan.removeAt(index);
        loan.version = nextVersion++;
        if (0 == loan.holderCount)
        {
            drop(loan);
        }
        return true;
    }

    /**
     * Ends every lease on a vertex at once (READ_ONLY loans after a revoke: nothing comes back).
     */
    public void releaseAll(final Loan loan)
    {
        loan.holderCount = 0;
        drop(loan);
    }

    /**
     * Drops the leases more than the grace period past their expiry.
     *
     * @return the number dropped.
     */
    public int expire(final long nowNs, final ExpiryHandler handler)
    {
        int expired = 0;
        for (int i = activeCount - 1; i >= 0; i--)
        {
            final Loan loan = active[i];
            for (int h = loan.holderCount - 1; h >= 0; h--)
            {
                if (nowNs - (loan.expiries[h] + graceNs) > 0)
                {
                    final int holderId = loan.holders[h];
                    final long leaseId = loan.leaseIds[h];
                    loan.removeAt(h);
                    expired++;
                    handler.onExpired(loan.vertexId, holderId, leaseId, loan.mode);
                }
            }
            if (0 == loan.holderCount)
            {
                drop(loan);
            }
        }
        return expired;
    }

    /**
     * @return the number of vertices lent.
     */
    public int lentVertices()
    {
        return activeCount;
    }

    private static boolean isShareable(final Loan loan, final LeaseMode mode, final int udfId)
    {
        return loan.mode == mode && LeaseMode.EXCLUSIVE != mode && (LeaseMode.READ_ONLY == mode || loan.udfId == udfId);
    }

    private void drop(final Loan loan)
    {
        if (loanByVertex.remove(loan.vertexId) == null)
        {
            return;
        }
        for (int i = 0; i < activeCount; i++)
        {
            if (active[i] == loan)
            {
                active[i] = active[--activeCount];
                active[activeCount] = null;
                break;
            }
        }
        free[freeCount++] = loan;
    }
}
