package io.shawarma.fabric;

import org.agrona.collections.Long2LongHashMap;

/**
 * Which worker owns a vertex: a hash of the vertex id over the fabric's workers, plus explicit overrides, under a
 * placement epoch that grows whenever ownership changes. Allocation free on lookup. Overrides are bounded
 * ({@link #MAX_OVERRIDES}): a client learns one from every MOVED answer, and when the table is full it is cleared
 * and re-learned from the next MOVED answers.
 */
public final class Placement implements Ownership
{
    /** Most overrides held; adding one more clears them all first. */
    public static final int MAX_OVERRIDES = 4096;

    private static final long NO_OVERRIDE = Long.MIN_VALUE;

    private final int[] workerIds;
    private final Long2LongHashMap overrides = new Long2LongHashMap(NO_OVERRIDE);
    private long epoch;

    /**
     * @param members the fabric's workers.
     * @param epoch   the initial placement epoch.
     */
    public Placement(final FabricMembers members, final long epoch)
    {
        workerIds = new int[members.size()];
        for (int i = 0; i < workerIds.length; i++)
        {
            workerIds[i] = members.idAt(i);
        }
        this.epoch = epoch;
    }

    /**
     * @param vertexId to place.
     * @return the id of the worker that owns it.
     */
    public int ownerOf(final long vertexId)
    {
        if (!overrides.isEmpty())
        {
            final long override = overrides.get(vertexId);
            if (NO_OVERRIDE != override)
            {
                return (int)override;
            }
        }
        // Lemire's multiply-shift: the hash's high 32 bits scaled to [0, workers), no division.
        return workerIds[(int)(((mix(vertexId) >>> 32) * workerIds.length) >>> 32)];
    }

    /**
     * Hash slot of a vertex: the grid places slots, not single vertices, on workers.
     *
     * @param vertexId  to place.
     * @param slotCount number of slots.
     * @return the vertex's slot in [0, slotCount).
     */
    public static int slotOf(final long vertexId, final int slotCount)
    {
        // Slots are kept (a grid's slot table and snapshots name them), so the mapping stays the remainder; for a
        // power-of-two count the same remainder is a mask, without the 64-bit division.
        final long hash = mix(vertexId) >>> 1;
        return (int)(0 == (slotCount & (slotCount - 1)) ? hash & (slotCount - 1) : hash % slotCount);
    }

    /**
     * Places one vertex on a given worker and moves to a newer epoch.
     *
     * @param vertexId to place.
     * @param workerId its new owner.
     * @param newEpoch the epoch of the change; must not be older than the current one.
     */
    public void override(final long vertexId, final int workerId, final long newEpoch)
    {
        if (overrides.size() >= MAX_OVERRIDES && NO_OVERRIDE == overrides.get(vertexId))
        {
            overrides.clear();
        }
        overrides.put(vertexId, workerId);
        epoch = Math.max(epoch, newEpoch);
    }

    /**
     * @return overrides held now, at most {@link #MAX_OVERRIDES}.
     */
    public int overrideCount()
    {
        return overrides.size();
    }

    /**
     * @return the current placement epoch.
     */
    public long epoch()
    {
        return epoch;
    }

    private static long mix(final long value)
    {
        // SplitMix64 finaliser: sequential ids spread evenly over workers.
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
