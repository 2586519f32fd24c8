package io.shawarma.fabric.grid;

/**
 * When the grid moves slots because of load rather than membership: the most loaded worker's load (the share of its
 * heartbeat interval its agent spent serving calls and running tasks, 0-100) exceeds the least loaded worker's by
 * more than {@code threshold} points at every liveness check for {@code sustain}, no slot is moving, and the last
 * such move is {@code cooldown} old. Then the fewest slots that bring the pair within half the threshold (assuming
 * the hot worker's load is spread evenly over its slots) move from the hot worker to the cold one, with their data.
 * Times are in the cluster's time unit.
 */
final class LoadSkew
{
    /** Never moves slots on load. */
    static final LoadSkew OFF = new LoadSkew(0, 0, 0);

    final int threshold;
    final long sustain;
    final long cooldown;

    /**
     * @param threshold load points between the most and least loaded worker that count as skew; 0 turns it off.
     * @param sustain   how long the skew must last before slots move.
     * @param cooldown  the least time between two moves on load.
     */
    LoadSkew(final int threshold, final long sustain, final long cooldown)
    {
        this.threshold = threshold;
        this.sustain = sustain;
        this.cooldown = cooldown;
    }

    boolean isOn()
    {
        return threshold > 0;
    }

    /**
     * @param hotSlots slots the hot worker owns.
     * @param hotLoad  its load.
     * @param coldLoad the cold worker's load.
     * @return slots to move so the pair ends within half the threshold, at least 1 and fewer than hotSlots.
     */
    int slotsToMove(final int hotSlots, final int hotLoad, final int coldLoad)
    {
        // Each slot carries hotLoad / hotSlots; moving k closes the gap by twice that: k >= (gap - t/2) / (2 per slot).
        final long gapTimesTwo = 2L * (hotLoad - coldLoad) - threshold;
        final long count = (hotSlots * gapTimesTwo + 4L * hotLoad - 1) / (4L * hotLoad);
        return (int)Math.max(1, Math.min(hotSlots - 1, count));
    }
}
