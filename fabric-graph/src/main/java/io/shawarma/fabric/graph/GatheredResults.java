package io.shawarma.fabric.graph;

import org.agrona.DirectBuffer;

import java.util.Arrays;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Worker 1's copy of every other worker's results, filled as their {@code GraphResults} frames arrive (a peer's
 * frames arrive in the order it sent them). A frame whose total disagrees with the sender's first, is more than the
 * graph's vertices, or overfills it is refused.
 */
final class GatheredResults
{
    private static final long UNKNOWN = -1;

    private final long maxResults;
    private final long[][] ids;
    private final long[][] values;
    private final int[] received;
    private final long[] totals;
    private long supersteps;

    /**
     * @param workers    in the run, worker 1 included (its own slot stays empty).
     * @param maxResults the graph's vertex count: no worker has more.
     */
    GatheredResults(final int workers, final long maxResults)
    {
        this.maxResults = maxResults;
        ids = new long[workers][];
        values = new long[workers][];
        received = new int[workers];
        totals = new long[workers];
        Arrays.fill(totals, UNKNOWN);
    }

    /**
     * @return null when taken, else why the frame was refused.
     */
    String onResults(
        final int senderSlot, final long supersteps, final long total, final DirectBuffer buffer, final int offset,
        final int count)
    {
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
        this.supersteps = Math.max(this.supersteps, supersteps);
        int position = offset;
        for (int i = 0; i < count; i++)
        {
            ids[senderSlot][received[senderSlot]] = buffer.getLong(position, LITTLE_ENDIAN);
            values[senderSlot][received[senderSlot]++] = buffer.getLong(position + Long.BYTES, LITTLE_ENDIAN);
            position += GraphTransport.RESULT_BYTES;
        }
        return null;
    }

    /**
     * @return whether all of a worker's results arrived.
     */
    boolean isComplete(final int slot)
    {
        return UNKNOWN != totals[slot] && received[slot] == totals[slot];
    }

    /**
     * @return how many of a worker's results arrived.
     */
    int received(final int slot)
    {
        return received[slot];
    }

    /**
     * @return every worker's results after worker 1's own, in slot order.
     */
    GraphWorker.Result merge(final GraphWorker.Result own, final int ownSlot)
    {
        int total = own.vertexIds.length;
        for (int slot = 0; slot < received.length; slot++)
        {
            total += slot == ownSlot ? 0 : received[slot];
        }
        final long[] allIds = Arrays.copyOf(own.vertexIds, total);
        final long[] allValues = Arrays.copyOf(own.values, total);
        int position = own.vertexIds.length;
        for (int slot = 0; slot < received.length; slot++)
        {
            if (slot != ownSlot)
            {
                System.arraycopy(ids[slot], 0, allIds, position, received[slot]);
                System.arraycopy(values[slot], 0, allValues, position, received[slot]);
                position += received[slot];
            }
        }
        return new GraphWorker.Result(allIds, allValues, Math.max(own.supersteps, supersteps));
    }
}
