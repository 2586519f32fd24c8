package io.shawarma.fabric.grid;

import java.util.TreeMap;

/**
 * Moves slots because of load (see {@link LoadSkew}): watches the spread between the most and the least loaded
 * worker and when it began, and when slots last moved for it. Deterministic: time is the cluster's, passed in.
 */
final class SkewBalancer
{
    /** No skew seen yet, or no move on load made yet. */
    static final long NEVER = Long.MIN_VALUE;

    private final LoadSkew loadSkew;
    private final TreeMap<Integer, Member> members;
    private final SlotTable slots;
    private long skewSince = NEVER;
    private long lastSkewMove = NEVER;

    SkewBalancer(final LoadSkew loadSkew, final TreeMap<Integer, Member> members, final SlotTable slots)
    {
        this.loadSkew = loadSkew;
        this.members = members;
        this.slots = slots;
    }

    /**
     * Moves slots from the most to the least loaded worker when their loads have stayed too far apart for long
     * enough, and not too soon after the last such move. Leaving workers take no part.
     *
     * @return true when slots moved (every worker needs the new view).
     */
    boolean check(final long now)
    {
        if (!loadSkew.isOn())
        {
            return false;
        }
        Member hot = null;
        Member cold = null;
        for (final Member member : members.values())
        {
            if (!member.leaving)
            {
                hot = null == hot || member.load > hot.load ? member : hot;
                cold = null == cold || member.load < cold.load ? member : cold;
            }
        }
        if (null == hot || hot.load - cold.load <= loadSkew.threshold || slots.moving() > 0 ||
            slots.slotsOf(hot.workerId) < 2)
        {
            skewSince = NEVER;
            return false;
        }
        if (NEVER == skewSince)
        {
            skewSince = now;
        }
        if (now - skewSince < loadSkew.sustain || NEVER != lastSkewMove && now - lastSkewMove < loadSkew.cooldown)
        {
            return false;
        }
        int count = loadSkew.slotsToMove(slots.slotsOf(hot.workerId), hot.load, cold.load);
        for (int slot = slots.slotCount() - 1; slot >= 0 && count > 0; slot--)
        {
            if (slots.ownerOf(slot) == hot.workerId && slots.move(slot, cold.workerId))
            {
                count--;
            }
        }
        skewSince = NEVER;
        lastSkewMove = now;
        return true;
    }

    long skewSince()
    {
        return skewSince;
    }

    long lastSkewMove()
    {
        return lastSkewMove;
    }

    void restore(final long skewSince, final long lastSkewMove)
    {
        this.skewSince = skewSince;
        this.lastSkewMove = lastSkewMove;
    }
}
