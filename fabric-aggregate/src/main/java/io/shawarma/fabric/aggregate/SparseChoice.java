package io.shawarma.fabric.aggregate;

/**
 * S, sparse choice: elects leaders about {@code grain} apart, so that every device is within {@code grain} of a
 * leader and leaders are not within half of it of each other once stable (ScaFi's {@code S} /
 * {@code breakUsingUids}). A device's priority is a fixed bijective hash of its id (the same on every worker, so
 * elections are reproducible); the lower priority wins a competition. One instance per call site.
 */
public final class SparseChoice
{
    private static final long NO_LEADER = Long.MAX_VALUE;

    private final Gradient toLeader = new Gradient();
    private double grain;
    private long priority;
    private long lead;
    private double distance;
    private final Aggregate.LongExpression candidate = (a) ->
    {
        final long neighbourLead = a.nbrLong(lead);
        final double neighbourDistance = a.nbr(distance) + a.nbrRange();
        return neighbourDistance >= 0.5 * grain ? NO_LEADER : neighbourLead;
    };
    private final Aggregate.LongUpdate step = (a, previousLead) ->
    {
        lead = previousLead;
        distance = toLeader.distanceTo(a, priority == previousLead);
        final long nearest = a.foldhoodLong(NO_LEADER, Math::min, candidate);
        return distance > grain ? priority : Aggregate.mux(distance >= 0.5 * grain, NO_LEADER, nearest);
    };

    /**
     * @return whether this device is a leader.
     */
    public boolean isLeader(final Aggregate a, final double grain)
    {
        this.grain = grain;
        priority = priorityOf(a.mid());
        return priority == a.repLong(priority, step);
    }

    /**
     * @return a device's election priority: a bijective mix of its id, never {@code Long.MAX_VALUE}.
     */
    static long priorityOf(final long deviceId)
    {
        long x = deviceId;
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        x = x ^ (x >>> 33);
        return NO_LEADER == x ? NO_LEADER - 1 : x;
    }
}
