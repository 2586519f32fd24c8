package io.shawarma.fabric.borrow;

/**
 * Decides, for a call on a vertex another worker owns, whether to FORWARD it to the owner or BORROW the vertex and
 * run it here, by comparing estimated nanoseconds per call (see docs/scheduler.md):
 * <pre>
 * forward = rtt(owner) + (args + result) * nsPerByte + load(owner) * nsPerPendingCall
 * borrow  = (rtt(owner) + value * nsPerByte * (write ? 2 : 1)) / uses + value * copyNsPerByte
 * uses    = clamp(leaseDuration / interval(vertex), 1, maxUses)
 * </pre>
 * where rtt is a moving average per peer (from forwarded calls and borrow grants), load the owner's pending calls
 * from its heartbeats, interval the moving average time between this worker's calls on the vertex, value its size
 * (learned from grants), result a moving average of result sizes. A held lease that permits the call makes it
 * BORROW at no cost; a vertex whose loan was refused or revoked recently is forwarded (contended). The fixed
 * policies {@link #POLICY_FORWARD} and {@link #POLICY_BORROW} skip the estimate, for comparison.
 * <p>
 * Every decision is counted by reason. Allocation free: per-vertex history lives in a direct-mapped table of
 * primitive arrays (a collision just forgets the older vertex).
 */
public final class CostModel
{
    /** Run the call at the owner. */
    public static final int FORWARD = 1;
    /** Run it here on a borrowed copy (held now, or requested while this call is forwarded). */
    public static final int BORROW = 3;

    /** Policy: decide by the estimate. */
    public static final int POLICY_MODEL = 0;
    /** Policy: always forward. */
    public static final int POLICY_FORWARD = 1;
    /** Policy: always borrow (forwarding only while the copy is on its way or refused). */
    public static final int POLICY_BORROW = 2;

    /** Reason: a lease is held that permits the call. */
    public static final int REASON_LEASE_HELD = 0;
    /** Reason: the estimate favours borrowing (the vertex is hot enough to pay for the transfer). */
    public static final int REASON_HOT = 1;
    /** Reason: the estimate favours forwarding (cold vertex, or a value too large for its use). */
    public static final int REASON_COLD_OR_LARGE = 2;
    /** Reason: the loan was refused or revoked recently, so borrowing would ping-pong. */
    public static final int REASON_CONTENDED = 3;
    /** Reason: the vertex's value does not fit a borrowed slot. */
    public static final int REASON_TOO_LARGE = 4;
    /** Reason: the fixed always-forward policy. */
    public static final int REASON_POLICY_FORWARD = 5;
    /** Reason: the fixed always-borrow policy. */
    public static final int REASON_POLICY_BORROW = 6;
    /** Names of the reasons, by number. */
    public static final String[] REASON_NAMES = {
        "borrow: lease held", "borrow: hot vertex", "forward: cold vertex or large value",
        "forward: contended loan", "forward: value exceeds borrow slot", "forward: fixed policy",
        "borrow: fixed policy"};

    private static final int HISTORY_SLOTS = 4096;
    private static final long NO_VALUE = -1;
    private static final int EWMA_SHIFT = 2;
    private static final int MAX_CONFLICT_STREAK = 5;

    private final Context context;
    private final LongByPeer rttNsByPeer = new LongByPeer(NO_VALUE);
    private final LongByPeer loadByPeer = new LongByPeer(NO_VALUE);
    private final long[] historyVertex = new long[HISTORY_SLOTS];
    private final long[] lastTouchNs = new long[HISTORY_SLOTS];
    private final long[] intervalNs = new long[HISTORY_SLOTS];
    private final long[] valueBytes = new long[HISTORY_SLOTS];
    private final long[] conflictNs = new long[HISTORY_SLOTS];
    private final int[] conflictStreak = new int[HISTORY_SLOTS];
    private final long[] decisions = new long[REASON_NAMES.length];
    private long resultBytes;
    private long lastForwardNs;
    private long lastBorrowNs;

    /**
     * @param context the model's parameters.
     */
    public CostModel(final Context context)
    {
        this.context = context;
        java.util.Arrays.fill(historyVertex, Long.MIN_VALUE);
        resultBytes = context.defaultResultBytes;
    }

    /**
     * Decides where a call on a vertex owned by another worker runs, and counts the reason.
     *
     * @param vertexId   the vertex.
     * @param ownerId    its owner.
     * @param write      true unless the call's UDF is read only.
     * @param argsBytes  size of the call's args.
     * @param leaseHeld  true when a borrowed copy that permits the call is held here.
     * @param nowNs      now.
     * @return {@link #FORWARD} or {@link #BORROW}.
     */
    public int decide(
        final long vertexId, final int ownerId, final boolean write, final int argsBytes, final boolean leaseHeld,
        final long nowNs)
    {
        final int slot = touch(vertexId, nowNs);
        if (leaseHeld)
        {
            return count(REASON_LEASE_HELD, BORROW);
        }
        switch (context.policy)
        {
            case POLICY_FORWARD: return count(REASON_POLICY_FORWARD, FORWARD);
            case POLICY_BORROW: return count(REASON_POLICY_BORROW, BORROW);
            default: break;
        }
        final long value = NO_VALUE == valueBytes[slot] ? context.defaultValueBytes : valueBytes[slot];
        if (value > context.maxBorrowBytes)
        {
            return count(REASON_TOO_LARGE, FORWARD);
        }
        if (0 != conflictNs[slot] && nowNs - conflictNs[slot] < contendedForNs(slot))
        {
            return count(REASON_CONTENDED, FORWARD);
        }
        final long rtt = rttNs(ownerId);
        lastForwardNs = rtt + (long)((argsBytes + resultBytes) * context.nsPerByte) +
            Math.max(0, loadByPeer.get(ownerId)) * context.nsPerPendingCall;
        final long uses = expectedUses(slot);
        lastBorrowNs = (rtt + (long)(value * context.nsPerByte * (write ? 2 : 1))) / uses +
            (long)(value * context.copyNsPerByte);
        return lastBorrowNs < lastForwardNs ? count(REASON_HOT, BORROW) : count(REASON_COLD_OR_LARGE, FORWARD);
    }

    /**
     * A round trip to a peer was measured (a forwarded call's answer, a borrow grant).
     */
    public void onRoundTrip(final int peerId, final long rttNs)
    {
        final long old = rttNsByPeer.get(peerId);
        rttNsByPeer.put(peerId, NO_VALUE == old ? rttNs : old + ((rttNs - old) >> EWMA_SHIFT));
    }

    /**
     * A forwarded call's result came back.
     */
    public void onResult(final int resultLength)
    {
        resultBytes += (resultLength - resultBytes) >> EWMA_SHIFT;
    }

    /**
     * A peer reported its load (pending calls) in a heartbeat.
     */
    public void onLoad(final int peerId, final int pendingCalls)
    {
        loadByPeer.put(peerId, pendingCalls);
    }

    /**
     * A grant showed a vertex's value size.
     */
    public void onValueSize(final long vertexId, final int length)
    {
        final int slot = slotOf(vertexId);
        if (historyVertex[slot] == vertexId)
        {
            valueBytes[slot] = length;
        }
    }

    /**
     * A loan of the vertex was refused or revoked: someone else needs it.
     */
    public void onConflict(final long vertexId, final long nowNs)
    {
        final int slot = slotOf(vertexId);
        if (historyVertex[slot] == vertexId)
        {
            // A conflict soon after the last one's window ended (the loan was tried again and lost again) doubles
            // the window, up to 2^MAX_CONFLICT_STREAK times: a vertex that is always contended stops being tried.
            final boolean again = 0 != conflictNs[slot] && nowNs - conflictNs[slot] < 2 * contendedForNs(slot);
            conflictStreak[slot] = again ? Math.min(MAX_CONFLICT_STREAK, conflictStreak[slot] + 1) : 0;
            conflictNs[slot] = 0 == nowNs ? 1 : nowNs;
        }
    }

    /**
     * @return the smoothed round-trip time to a peer, or the configured default before any was measured.
     */
    public long rttNs(final int peerId)
    {
        final long rtt = rttNsByPeer.get(peerId);
        return NO_VALUE == rtt ? context.defaultRttNs : rtt;
    }

    /**
     * @param reason one of the REASON constants.
     * @return how many decisions had that reason.
     */
    public long decisions(final int reason)
    {
        return decisions[reason];
    }

    /**
     * @return the forward estimate of the last modelled decision, ns.
     */
    public long lastForwardNs()
    {
        return lastForwardNs;
    }

    /**
     * @return the borrow estimate of the last modelled decision, ns.
     */
    public long lastBorrowNs()
    {
        return lastBorrowNs;
    }

    /**
     * @return the parameters.
     */
    public Context context()
    {
        return context;
    }

    private long contendedForNs(final int slot)
    {
        return context.contendedForNs << conflictStreak[slot];
    }

    private long expectedUses(final int slot)
    {
        final long interval = intervalNs[slot];
        if (interval <= 0)
        {
            return 1;
        }
        return Math.max(1, Math.min(context.maxUses, context.leaseDurationNs / interval));
    }

    private int touch(final long vertexId, final long nowNs)
    {
        final int slot = slotOf(vertexId);
        if (historyVertex[slot] != vertexId)
        {
            historyVertex[slot] = vertexId;
            intervalNs[slot] = 0;
            valueBytes[slot] = NO_VALUE;
            conflictNs[slot] = 0;
            conflictStreak[slot] = 0;
        }
        else
        {
            // A gap longer than a lease counts as one lease without a touch, so the estimate recovers quickly when
            // a vertex turns hot again.
            final long sinceLast = Math.max(1, Math.min(context.leaseDurationNs, nowNs - lastTouchNs[slot]));
            final long old = intervalNs[slot];
            intervalNs[slot] = 0 == old ? sinceLast : old + ((sinceLast - old) >> EWMA_SHIFT);
        }
        lastTouchNs[slot] = nowNs;
        return slot;
    }

    private int count(final int reason, final int decision)
    {
        decisions[reason]++;
        return decision;
    }

    private static int slotOf(final long vertexId)
    {
        return (int)((vertexId * 0x9E3779B97F4A7C15L) >>> 52);
    }

    /**
     * The model's parameters, with defaults measured on a 2-core machine over loopback UDP (docs/scheduler.md).
     */
    public static final class Context
    {
        // Written by a benchmark's thread to switch policy while the worker runs; read by the agent.
        volatile int policy = POLICY_MODEL;
        long leaseDurationNs = 20_000_000L;
        long defaultRttNs = 50_000L;
        long defaultValueBytes = 256;
        long defaultResultBytes = 8;
        double nsPerByte = 1.0;
        double copyNsPerByte = 0.1;
        long nsPerPendingCall = 5_000L;
        long maxUses = 1_000;
        long contendedForNs = 100_000_000L;
        long maxBorrowBytes = Integer.MAX_VALUE;

        /**
         * @param policy {@link #POLICY_MODEL}, {@link #POLICY_FORWARD} or {@link #POLICY_BORROW}.
         * @return this.
         */
        public Context policy(final int policy)
        {
            this.policy = policy;
            return this;
        }

        /**
         * @param leaseDurationNs how long a lease lasts, over which a borrow's transfer is amortised.
         * @return this.
         */
        public Context leaseDurationNs(final long leaseDurationNs)
        {
            this.leaseDurationNs = leaseDurationNs;
            return this;
        }

        /**
         * @param nsPerByte transfer cost per byte on the wire (both directions of a message).
         * @return this.
         */
        public Context nsPerByte(final double nsPerByte)
        {
            this.nsPerByte = nsPerByte;
            return this;
        }

        /**
         * @param nsPerPendingCall extra wait per call already pending at the owner.
         * @return this.
         */
        public Context nsPerPendingCall(final long nsPerPendingCall)
        {
            this.nsPerPendingCall = nsPerPendingCall;
            return this;
        }

        /**
         * @param contendedForNs how long after a refusal or revoke the vertex is forwarded without estimating.
         * @return this.
         */
        public Context contendedForNs(final long contendedForNs)
        {
            this.contendedForNs = contendedForNs;
            return this;
        }

        /**
         * @param maxBorrowBytes largest value a borrowed slot holds; bigger vertices are always forwarded.
         * @return this.
         */
        public Context maxBorrowBytes(final long maxBorrowBytes)
        {
            this.maxBorrowBytes = maxBorrowBytes;
            return this;
        }

        /**
         * @param name "model", "forward" or "borrow".
         * @return the policy constant.
         */
        public static int policyOf(final String name)
        {
            switch (name)
            {
                case "model": return POLICY_MODEL;
                case "forward": return POLICY_FORWARD;
                case "borrow": return POLICY_BORROW;
                default: throw new IllegalArgumentException("scheduler policy '" + name +
                    "' is not one of model, forward, borrow");
            }
        }
    }
}
