package io.shawarma.fabric.graph;

import io.shawarma.udf.graph.Combiner;

import java.util.Arrays;

/**
 * Messages sent along every out-edge at once ({@link io.shawarma.udf.graph.ComputeContext#sendToAllEdges}) by the
 * vertices of a program with a combiner: one value per sending vertex instead of one message per edge. At the start
 * of the next superstep every vertex gathers the combined value of its in-neighbours that sent: those
 * whose values this worker reads in memory from {@link BroadcastValues} (its own vertices, and every worker's when
 * the workers are threads of one process), and those of other workers from the mirror values the peers shipped
 * (each peer ships the values of its vertices that have an edge into this worker, see {@link GraphPartition}). A
 * gather is a pass over the in-edge CSRs, reading values forwards: no per-edge message, no per-edge write.
 * <p>
 * When every vertex that could send did (PageRank's case) the gather checks nothing per edge; otherwise it skips
 * the sources that did not send. Sums combine in the order of the in-edges, so a double sum may differ from a
 * push's in the last bits.
 */
final class Broadcasts
{
    private static final int NONE = 0;
    private static final int EVERY_SUM_DOUBLE = 1;
    private static final int EVERY = 2;
    private static final int SENT = 3;

    private final GraphPartition partition;
    private final Combiner combiner;
    private final BroadcastValues shared;
    private final long[] mirrorValues;
    private final boolean[] mirrorSent;
    private final int[] mirrorsReceived;
    private long[] values;
    private int[] stamps;
    private int stamp;
    private long[] readValues;
    private int[] readStamps;
    private int readStamp;
    private int readMode;
    private int mirrorMode;
    private long superstep;
    private int senders;
    private long sentEdges;
    private int mirrorsReceivedTotal;
    private final long[] gatheredValues;
    private final boolean[] gatheredAny;
    // Whether the last gather marked anything, so that the next one starts from a cleared gatheredAny.
    private boolean gatheredBefore;

    /**
     * @param partition this worker's share of the graph.
     * @param combiner  the program's combiner, not null.
     * @param shared    where this worker's vertices write their values, and where it reads those of the workers it
     *                  shares memory with.
     */
    Broadcasts(final GraphPartition partition, final Combiner combiner, final BroadcastValues shared)
    {
        this.partition = partition;
        this.combiner = combiner;
        this.shared = shared;
        final int mirrors = partition.mirrorBase[partition.mirrorBase.length - 1];
        mirrorValues = new long[mirrors];
        mirrorSent = new boolean[mirrors];
        mirrorsReceived = new int[partition.mirrorCount.length];
        gatheredValues = new long[partition.localCount()];
        gatheredAny = new boolean[partition.localCount()];
    }

    /**
     * Starts a superstep: its sends go to the buffer of its parity, and its gathers read what the previous superstep
     * sent, checking per edge only when not every possible sender sent.
     */
    void begin(final long superstep)
    {
        this.superstep = superstep;
        values = shared.values(superstep);
        stamps = shared.stamps(superstep);
        stamp = BroadcastValues.stamp(superstep);
        senders = 0;
        sentEdges = 0;
        readMode = NONE;
        mirrorMode = NONE;
        if (0 == superstep)
        {
            return;
        }
        readValues = shared.values(superstep - 1);
        readStamps = shared.stamps(superstep - 1);
        readStamp = BroadcastValues.stamp(superstep - 1);
        long sent = 0;
        long possible = 0;
        for (int p = 0; p < partition.verticesWithEdgesBySlot.length; p++)
        {
            if (p == partition.slot || partition.sharesMemory)
            {
                sent += shared.senders(superstep - 1, p);
                possible += partition.verticesWithEdgesBySlot[p];
            }
        }
        readMode = modeOf(sent, sent == possible);
        boolean everyMirror = true;
        for (int p = 0; p < mirrorsReceived.length; p++)
        {
            everyMirror &= mirrorsReceived[p] == partition.mirrorCount[p];
        }
        mirrorMode = modeOf(mirrorsReceivedTotal, everyMirror);
    }

    /**
     * Ends the superstep's sends: tells the readers how many of this worker's vertices sent, and forgets the mirror
     * values the superstep gathered.
     */
    void end()
    {
        shared.senders(superstep, partition.slot, senders);
        if (mirrorsReceivedTotal > 0)
        {
            Arrays.fill(mirrorSent, false);
            Arrays.fill(mirrorsReceived, 0);
            mirrorsReceivedTotal = 0;
        }
    }

    /**
     * A vertex of this worker sends a message to all its out-edges; twice in a superstep combines the two.
     *
     * @param local the vertex, with at least one out-edge.
     */
    void send(final int local, final long message)
    {
        final int vertex = partition.localVertices[local];
        if (stamp == stamps[vertex])
        {
            values[vertex] = combiner.combine(values[vertex], message);
        }
        else
        {
            stamps[vertex] = stamp;
            values[vertex] = message;
            senders++;
            sentEdges += partition.edgeOffsets[local + 1] - partition.edgeOffsets[local];
        }
    }

    /** @return the number of this worker's vertices that sent in this superstep. */
    int senders()
    {
        return senders;
    }

    /** @return the out-edges of the vertices that sent in this superstep. */
    long sentEdges()
    {
        return sentEdges;
    }

    /** @param local a vertex of this worker. @return whether it sent in this superstep. */
    boolean hasSent(final int local)
    {
        return stamp == stamps[partition.localVertices[local]];
    }

    /** @param local a vertex of this worker that sent. @return its (combined) message. */
    long value(final int local)
    {
        return values[partition.localVertices[local]];
    }

    /**
     * Takes back this superstep's sends of this worker's vertices (after they were delivered another way).
     */
    void clearSent()
    {
        if (senders > 0)
        {
            for (final int vertex : partition.localVertices)
            {
                stamps[vertex] = stamp == stamps[vertex] ? 0 : stamps[vertex];
            }
            senders = 0;
            sentEdges = 0;
        }
    }

    /**
     * A value shipped by a peer.
     *
     * @param senderSlot the peer.
     * @param index      in the peer's mirror list for this worker.
     * @param value      the combined message of that vertex.
     * @return false, and nothing kept, when the index is outside the peer's list.
     */
    boolean onMirror(final int senderSlot, final int index, final long value)
    {
        if (index < 0 || index >= partition.mirrorCount[senderSlot])
        {
            return false;
        }
        final int position = partition.mirrorBase[senderSlot] + index;
        if (!mirrorSent[position])
        {
            mirrorSent[position] = true;
            mirrorsReceived[senderSlot]++;
            mirrorsReceivedTotal++;
        }
        mirrorValues[position] = value;
        return true;
    }

    /**
     * Combines, for every vertex of this worker, the values its in-neighbours sent in the previous superstep: one
     * pass per CSR, each a tight loop over in-edges (many loads in flight, as in a hand-written pull loop).
     */
    void gather()
    {
        if (gatheredBefore)
        {
            Arrays.fill(gatheredAny, false);
        }
        gatheredBefore = NONE != readMode || NONE != mirrorMode;
        gatherRows(readMode, partition.sharedInOffsets, partition.sharedInSources, readValues, readStamps, readStamp,
            null);
        gatherRows(mirrorMode, partition.remoteInOffsets, partition.remoteInSources, mirrorValues, null, 0,
            mirrorSent);
    }

    /**
     * @param local a vertex of this worker.
     * @return whether any of its in-neighbours sent in the previous superstep (after {@link #gather()}).
     */
    boolean hasGathered(final int local)
    {
        return gatheredAny[local];
    }

    /**
     * @param local a vertex of this worker for which {@link #hasGathered} holds.
     * @return the combined value its in-neighbours sent.
     */
    long gathered(final int local)
    {
        return gatheredValues[local];
    }

    private int modeOf(final long sent, final boolean everySent)
    {
        if (0 == sent)
        {
            return NONE;
        }
        if (everySent)
        {
            return Combiner.SUM_DOUBLE == combiner ? EVERY_SUM_DOUBLE : EVERY;
        }
        return SENT;
    }

    /**
     * Combines, for every vertex, the values of the sources of its in-edges in one CSR into what it gathered. A
     * source sent when its stamp is {@code sentStamp} (or, without stamps, its flag is set).
     */
    private void gatherRows(
        final int mode, final int[] offsets, final int[] sources, final long[] from, final int[] sourceStamps,
        final int sentStamp, final boolean[] sentFlags)
    {
        if (EVERY_SUM_DOUBLE == mode)
        {
            sumRows(offsets, sources, from, gatheredValues, gatheredAny);
            return;
        }
        if (NONE == mode)
        {
            return;
        }
        final Combiner combiner = this.combiner;
        final long[] values = gatheredValues;
        final boolean[] any = gatheredAny;
        for (int v = 0, count = offsets.length - 1; v < count; v++)
        {
            boolean combined = any[v];
            long value = values[v];
            for (int i = offsets[v], end = offsets[v + 1]; i < end; i++)
            {
                final int source = sources[i];
                if (EVERY == mode || (null != sourceStamps ? sentStamp == sourceStamps[source] : sentFlags[source]))
                {
                    value = combined ? combiner.combine(value, from[source]) : from[source];
                    combined = true;
                }
            }
            values[v] = value;
            any[v] = combined;
        }
    }

    /**
     * The double sum, the most common combiner (PageRank), when every source sent: the sum stays in a floating-point
     * register instead of going through the combiner's 64-bit words for every edge (~20 % faster).
     */
    private static void sumRows(
        final int[] offsets, final int[] sources, final long[] from, final long[] values, final boolean[] any)
    {
        for (int v = 0, count = offsets.length - 1; v < count; v++)
        {
            int i = offsets[v];
            final int end = offsets[v + 1];
            if (i < end)
            {
                double sum = any[v] ? Double.longBitsToDouble(values[v]) : Double.longBitsToDouble(from[sources[i++]]);
                for (; i < end; i++)
                {
                    sum += Double.longBitsToDouble(from[sources[i]]);
                }
                values[v] = Double.doubleToRawLongBits(sum);
                any[v] = true;
            }
        }
    }
}
