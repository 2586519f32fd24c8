package io.shawarma.fabric.graph;

import io.shawarma.udf.graph.Aggregator;
import org.agrona.DirectBuffer;

import java.util.Arrays;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * What the peers said at the end of a superstep (their SuperstepDone marks): which superstep each finished, with
 * its active vertices, messages sent and aggregates, so that every worker sees the same totals.
 */
final class SuperstepBarrier
{
    /** The superstep of a worker's start mark: it built its partition and is ready for superstep 0. */
    static final long READY = -1;

    private final int slot;
    private final int workers;
    private final long[] doneSuperstep;
    private final long[] doneActive;
    private final long[] doneSent;
    private final long[][] doneAggregates;

    SuperstepBarrier(final int slot, final int workers, final int aggregatorCount)
    {
        this.slot = slot;
        this.workers = workers;
        doneSuperstep = new long[workers];
        doneActive = new long[workers];
        doneSent = new long[workers];
        doneAggregates = new long[workers][aggregatorCount];
        Arrays.fill(doneSuperstep, READY - 1);
    }

    void onDone(
        final int senderSlot, final long superstep, final long activeVertices, final long sent,
        final DirectBuffer buffer, final int offset, final int aggregateCount)
    {
        doneSuperstep[senderSlot] = superstep;
        doneActive[senderSlot] = activeVertices;
        doneSent[senderSlot] = sent;
        for (int a = 0; a < Math.min(aggregateCount, doneAggregates[senderSlot].length); a++)
        {
            doneAggregates[senderSlot][a] = buffer.getLong(offset + a * Long.BYTES, LITTLE_ENDIAN);
        }
    }

    /**
     * @return whether every peer finished the superstep.
     */
    boolean isPassed(final long superstep)
    {
        for (int peer = 0; peer < workers; peer++)
        {
            if (peer != slot && doneSuperstep[peer] != superstep)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return this worker's active vertices plus the peers'.
     */
    long totalActive(final long active)
    {
        return plusPeers(active, doneActive);
    }

    /**
     * @return this worker's messages sent plus the peers'.
     */
    long totalSent(final long sent)
    {
        return plusPeers(sent, doneSent);
    }

    private long plusPeers(final long own, final long[] peers)
    {
        long total = own;
        for (int peer = 0; peer < workers; peer++)
        {
            total += peer == slot ? 0 : peers[peer];
        }
        return total;
    }

    /**
     * Aggregates this worker's values with the peers' into {@code global}.
     */
    void aggregate(final Aggregator[] aggregators, final long[] local, final long[] global)
    {
        System.arraycopy(local, 0, global, 0, aggregators.length);
        for (int peer = 0; peer < workers; peer++)
        {
            if (peer != slot)
            {
                for (int a = 0; a < aggregators.length; a++)
                {
                    global[a] = aggregators[a].aggregate(global[a], doneAggregates[peer][a]);
                }
            }
        }
    }
}
