package io.shawarma.fabric;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Brings a job's results together at its first member over the job's own links (no file, so the workers may be on
 * other hosts), after its last step: every other worker sends its (id, value) pairs in as many frames as it takes
 * and waits to be told they arrived; the first member waits for every worker's, tells each, and merges them after
 * its own. A peer's frames arrive in the order it sent them. A frame whose total disagrees with the sender's first,
 * is more than the job's items, or overfills it is refused. Values are 64-bit words: a layer with doubles sends
 * their raw bits.
 */
public final class GatheredResults
{
    /** Bytes per result entry: int64 id, int64 value, little-endian. */
    public static final int RESULT_BYTES = 16;

    /** A layer's results frames, over its transport. */
    public interface Wire
    {
        /**
         * @return the most bytes of entries one results frame carries.
         */
        int resultsCapacity();

        /**
         * Sends one frame of packed (int64 id, int64 value) entries to a peer.
         *
         * @param steps  the steps (supersteps, rounds) the run took.
         * @param total  the entries the sender sends in all, over every frame.
         */
        void sendResults(int peerSlot, long steps, long total, DirectBuffer entries, int length);

        /**
         * Tells a peer that all of its results arrived.
         */
        void sendResultsTaken(int peerSlot, long total);

        /**
         * Polls the job's frames, results frames among them.
         *
         * @return fragments handled.
         */
        int pollResults();
    }

    private static final long UNKNOWN = -1;

    private final FabricMembers members;
    private final int slot;
    private final long maxResults;
    private final IdleStrategy idle;
    private final NanoClock clock;
    private final long[][] ids;
    private final long[][] values;
    private final int[] received;
    private final long[] totals;
    private long steps;
    private boolean taken;
    private long[] allIds;
    private long[] allValues;

    /**
     * @param members    the workers of the run.
     * @param slot       this worker's index in the members.
     * @param maxResults no worker has more results than this (the graph's vertices, the network's devices).
     * @param idle       for waiting.
     * @param clock      times the deadline.
     */
    public GatheredResults(
        final FabricMembers members, final int slot, final long maxResults, final IdleStrategy idle,
        final NanoClock clock)
    {
        this.members = members;
        this.slot = slot;
        this.maxResults = maxResults;
        this.idle = idle;
        this.clock = clock;
        final int workers = members.size();
        ids = new long[workers][];
        values = new long[workers][];
        received = new int[workers];
        totals = new long[workers];
        Arrays.fill(totals, UNKNOWN);
    }

    /**
     * Sends this worker's results to the first member and waits for it to confirm; or, on the first member, waits
     * for every other worker's results, confirms each, and merges them after its own ({@link #ids()},
     * {@link #values()}, {@link #steps()}).
     *
     * @param wire      the layer's transport.
     * @param ownSteps  the steps this worker ran.
     * @param ownIds    this worker's ids.
     * @param ownValues and their values.
     * @param timeoutNs how long to wait.
     * @throws IllegalStateException when the results did not come together in time, naming who is missing.
     */
    public void gather(
        final Wire wire, final long ownSteps, final long[] ownIds, final long[] ownValues, final long timeoutNs)
    {
        final long deadlineNs = clock.nanoTime() + timeoutNs;
        steps = Math.max(steps, ownSteps);
        idle.reset();
        if (0 != slot)
        {
            send(wire, ownSteps, ownIds, ownValues);
            while (!taken)
            {
                checkDeadline(deadlineNs, timeoutNs, "worker " + members.idAt(0) +
                    " did not confirm that it has this worker's results");
                idle.idle(wire.pollResults());
            }
            allIds = ownIds;
            allValues = ownValues;
            return;
        }
        for (int peer = 1; peer < received.length; peer++)
        {
            while (!isComplete(peer))
            {
                checkDeadline(deadlineNs, timeoutNs, "worker " + members.idAt(peer) + " sent " + received[peer] +
                    " of its results and then nothing");
                idle.idle(wire.pollResults());
            }
            wire.sendResultsTaken(peer, received[peer]);
        }
        merge(ownIds, ownValues);
    }

    /**
     * Takes a results frame's entries.
     *
     * @return null when taken, else why the frame was refused.
     */
    public String onResults(
        final int senderSlot, final long steps, final long total, final DirectBuffer buffer, final int offset,
        final int count)
    {
        if (0 != slot)
        {
            return "results sent to a worker other than worker " + members.idAt(0);
        }
        if (UNKNOWN == totals[senderSlot])
        {
            if (total < 0 || total > maxResults)
            {
                return "results total " + total + " outside [0, " + maxResults + "]";
            }
            totals[senderSlot] = total;
            ids[senderSlot] = new long[(int)total];
            values[senderSlot] = new long[(int)total];
        }
        if (total != totals[senderSlot])
        {
            return "results total " + total + " after " + totals[senderSlot] + " in an earlier frame";
        }
        if (received[senderSlot] + (long)count > total)
        {
            return "results frame of " + count + " past the total " + total;
        }
        this.steps = Math.max(this.steps, steps);
        int position = offset;
        for (int i = 0; i < count; i++)
        {
            ids[senderSlot][received[senderSlot]] = buffer.getLong(position, LITTLE_ENDIAN);
            values[senderSlot][received[senderSlot]++] = buffer.getLong(position + Long.BYTES, LITTLE_ENDIAN);
            position += RESULT_BYTES;
        }
        return null;
    }

    /**
     * The first member has all of this worker's results.
     */
    public void onResultsTaken(final int senderSlot)
    {
        taken |= 0 == senderSlot;
    }

    /**
     * @return whether all of a worker's results arrived.
     */
    public boolean isComplete(final int slot)
    {
        return UNKNOWN != totals[slot] && received[slot] == totals[slot];
    }

    /**
     * @return how many of a worker's results arrived.
     */
    public int received(final int slot)
    {
        return received[slot];
    }

    /**
     * @return after {@link #gather}: on the first member every worker's ids, its own first, then each other's in
     * slot order; elsewhere this worker's own.
     */
    public long[] ids()
    {
        return allIds;
    }

    /**
     * @return the values of {@link #ids()}, in the same order.
     */
    public long[] values()
    {
        return allValues;
    }

    /**
     * @return the most steps any worker reported.
     */
    public long steps()
    {
        return steps;
    }

    /**
     * Merges every worker's results after the first member's own, in slot order.
     */
    void merge(final long[] ownIds, final long[] ownValues)
    {
        int total = ownIds.length;
        for (int peer = 1; peer < received.length; peer++)
        {
            total += received[peer];
        }
        allIds = Arrays.copyOf(ownIds, total);
        allValues = Arrays.copyOf(ownValues, total);
        int position = ownIds.length;
        for (int peer = 1; peer < received.length; peer++)
        {
            if (received[peer] > 0)
            {
                System.arraycopy(ids[peer], 0, allIds, position, received[peer]);
                System.arraycopy(values[peer], 0, allValues, position, received[peer]);
                position += received[peer];
            }
        }
    }

    /**
     * Sends the results to the first member in as many frames as it takes; one frame when there are none.
     */
    private static void send(final Wire wire, final long steps, final long[] ids, final long[] values)
    {
        final int perFrame = wire.resultsCapacity() / RESULT_BYTES;
        final UnsafeBuffer entries = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            Math.max(perFrame * RESULT_BYTES, RESULT_BYTES), 64));
        int i = 0;
        do
        {
            final int count = Math.min(perFrame, ids.length - i);
            int position = 0;
            for (final int end = i + count; i < end; i++)
            {
                entries.putLong(position, ids[i], LITTLE_ENDIAN);
                entries.putLong(position + Long.BYTES, values[i], LITTLE_ENDIAN);
                position += RESULT_BYTES;
            }
            wire.sendResults(0, steps, ids.length, entries, position);
        }
        while (i < ids.length);
    }

    private void checkDeadline(final long deadlineNs, final long timeoutNs, final String what)
    {
        if (clock.nanoTime() - deadlineNs > 0)
        {
            throw new IllegalStateException(what + " within " + timeoutNs / 1_000_000_000L + " s");
        }
    }
}
