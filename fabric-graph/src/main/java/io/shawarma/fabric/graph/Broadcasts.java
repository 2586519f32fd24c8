package io.shawarma.fabric.graph;

import io.shawarma.udf.graph.Combiner;

import java.util.Arrays;

/**
 * Messages sent along every out-edge at once ({@link io.shawarma.udf.graph.ComputeContext#sendToAllEdges}) by the
 * vertices of a program with a combiner: one value per sending vertex instead of one message per edge. A worker
 * gathers, for each of its vertices, the combined value of its in-neighbours that sent: those of its own vertices
 * from {@link #values}, those of other workers from the mirror values the peers shipped (each peer ships the values
 * of its vertices that have an edge into this worker, see {@link GraphPartition}). A gather is one pass over the
 * in-edge CSR, reading values forwards: no per-edge message, no per-edge write.
 * <p>
 * When every vertex that could send did (PageRank's case) the gather checks nothing per edge; otherwise it skips
 * the sources that did not send. Sums combine in the input order of the in-edges, so a double sum may differ from
 * a push's in the last bits.
 */
final class Broadcasts
{
    private final GraphPartition partition;
    private final Combiner combiner;
    private final long[] values;
    private final boolean[] sent;
    private final long[] mirrorValues;
    private final boolean[] mirrorSent;
    private final int[] mirrorsReceived;
    private int senders;
    private long sentEdges;
    private int mirrorsReceivedTotal;

    /**
     * @param partition this worker's share of the graph.
     * @param combiner  the program's combiner, not null.
     */
    Broadcasts(final GraphPartition partition, final Combiner combiner)
    {
        this.partition = partition;
        this.combiner = combiner;
        values = new long[partition.localCount()];
        sent = new boolean[partition.localCount()];
        final int mirrors = partition.mirrorBase[partition.mirrorBase.length - 1];
        mirrorValues = new long[mirrors];
        mirrorSent = new boolean[mirrors];
        mirrorsReceived = new int[partition.mirrorCount.length];
    }

    /**
     * A vertex of this worker sends a message to all its out-edges; twice in a superstep combines the two.
     *
     * @param local the vertex, with at least one out-edge.
     */
    void send(final int local, final long message)
    {
        if (sent[local])
        {
            values[local] = combiner.combine(values[local], message);
        }
        else
        {
            sent[local] = true;
            values[local] = message;
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
        return sent[local];
    }

    /** @param local a vertex of this worker that sent. @return its (combined) message. */
    long value(final int local)
    {
        return values[local];
    }

    /**
     * Forgets this superstep's sends of this worker's vertices (after they were delivered another way).
     */
    void clearSent()
    {
        if (senders > 0)
        {
            Arrays.fill(sent, false);
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
     * Combines, for each vertex of this worker, the values its in-neighbours of this worker sent into the inbox.
     */
    void gatherLocal(final MessageBuffer inbox)
    {
        if (senders > 0)
        {
            gather(partition.localInOffsets, partition.localInSources, values, sent,
                senders == partition.verticesWithEdges, inbox);
        }
    }

    /**
     * Combines, for each vertex of this worker, the values its in-neighbours of other workers sent into the inbox,
     * then forgets them; call once every peer's values for the superstep arrived.
     */
    void gatherRemote(final MessageBuffer inbox)
    {
        if (0 == mirrorsReceivedTotal)
        {
            return;
        }
        boolean everyMirror = true;
        for (int p = 0; p < mirrorsReceived.length; p++)
        {
            everyMirror &= mirrorsReceived[p] == partition.mirrorCount[p];
        }
        gather(partition.remoteInOffsets, partition.remoteInSources, mirrorValues, mirrorSent, everyMirror, inbox);
        Arrays.fill(mirrorSent, false);
        Arrays.fill(mirrorsReceived, 0);
        mirrorsReceivedTotal = 0;
    }

    private void gather(
        final int[] offsets, final int[] sources, final long[] values, final boolean[] sent, final boolean everySent,
        final MessageBuffer inbox)
    {
        if (everySent && Combiner.SUM_DOUBLE == combiner)
        {
            gatherEverySumDouble(offsets, sources, values, inbox);
        }
        else if (everySent)
        {
            gatherEvery(offsets, sources, values, inbox);
        }
        else
        {
            gatherSent(offsets, sources, values, sent, inbox);
        }
    }

    private void gatherEvery(final int[] offsets, final int[] sources, final long[] values, final MessageBuffer inbox)
    {
        final Combiner combiner = this.combiner;
        for (int v = 0, count = offsets.length - 1; v < count; v++)
        {
            int i = offsets[v];
            final int end = offsets[v + 1];
            if (i < end)
            {
                long combined = values[sources[i]];
                for (i++; i < end; i++)
                {
                    combined = combiner.combine(combined, values[sources[i]]);
                }
                inbox.add(v, combined);
            }
        }
    }

    /**
     * {@link #gatherEvery} for the double sum, the most common combiner (PageRank): the sum stays in a floating-point
     * register instead of going through the combiner's 64-bit words for every edge (~20 % faster).
     */
    private static void gatherEverySumDouble(
        final int[] offsets, final int[] sources, final long[] values, final MessageBuffer inbox)
    {
        for (int v = 0, count = offsets.length - 1; v < count; v++)
        {
            int i = offsets[v];
            final int end = offsets[v + 1];
            if (i < end)
            {
                double sum = Double.longBitsToDouble(values[sources[i]]);
                for (i++; i < end; i++)
                {
                    sum += Double.longBitsToDouble(values[sources[i]]);
                }
                inbox.add(v, Double.doubleToRawLongBits(sum));
            }
        }
    }

    private void gatherSent(
        final int[] offsets, final int[] sources, final long[] values, final boolean[] sent,
        final MessageBuffer inbox)
    {
        final Combiner combiner = this.combiner;
        for (int v = 0, count = offsets.length - 1; v < count; v++)
        {
            boolean any = false;
            long combined = 0;
            for (int i = offsets[v], end = offsets[v + 1]; i < end; i++)
            {
                final int source = sources[i];
                if (sent[source])
                {
                    combined = any ? combiner.combine(combined, values[source]) : values[source];
                    any = true;
                }
            }
            if (any)
            {
                inbox.add(v, combined);
            }
        }
    }
}
