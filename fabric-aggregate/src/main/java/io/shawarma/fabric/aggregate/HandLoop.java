package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.graph.EdgeList;

import java.util.Arrays;

/**
 * The hand-written baseline for aggregate rounds, in the spirit of COST for graph systems (McSherry et al.,
 * "Scalability! But at what COST?"): hop count and gradient as a plain single-thread loop over arrays, the
 * neighbourhood in CSR form (the same undirected edges as {@link Neighbourhood}: each once, no self-loops, the
 * first weight of a duplicate), in the same synchronous rounds and with the same values as our programs:
 * <ul>
 *     <li>{@code rep} + {@code nbr} ({@link BuiltinPrograms.HopCountProgram}, {@link BuiltinPrograms.GradientProgram}):
 *     a device's {@code nbr} exports the value its {@code rep} had before the round, so a neighbour sees it one
 *     round later and a value moves one hop every two rounds. The loop keeps the state and the export apart.</li>
 *     <li>{@code share} ({@link BuiltinPrograms.XcGradientProgram}, or {@code share} with the same body): the value
 *     a device computes is what its neighbours read next round, one hop per round.</li>
 * </ul>
 * Hop count is the gradient with every range 1. Unreached devices are infinite. This is the limit for one core:
 * what our engine does on top of it (paths, alignment, exports, fields) is what the ratio ours / loop measures.
 */
public final class HandLoop
{
    private final boolean share;
    private final boolean[] source;
    private final int[] offsets;
    private final int[] targets;
    private final double[] ranges;
    private double[] state;
    private double[] exported;
    private double[] next;

    /**
     * @param graph    the network: devices are vertices, neighbours are edges (both ways).
     * @param hopCount whether every range is 1 (hop count) rather than the edge's weight (gradient).
     * @param share    whether rounds follow {@code share} (one hop per round) rather than {@code rep} + {@code nbr}.
     * @param sources  the source devices' ids.
     */
    public HandLoop(final EdgeList graph, final boolean hopCount, final boolean share, final long... sources)
    {
        this.share = share;
        final int n = graph.vertexCount();
        source = new boolean[n];
        for (final long id : sources)
        {
            final int index = graph.indexOf(id);
            if (index >= 0)
            {
                source[index] = true;
            }
        }
        final int[] degree = new int[n + 1];
        final long[] src = graph.src();
        final long[] dst = graph.dst();
        final int[] from = new int[graph.edgeCount()];
        final int[] to = new int[graph.edgeCount()];
        for (int e = 0; e < from.length; e++)
        {
            from[e] = graph.indexOf(src[e]);
            to[e] = graph.indexOf(dst[e]);
            if (from[e] != to[e])
            {
                degree[from[e] + 1]++;
                degree[to[e] + 1]++;
            }
        }
        for (int v = 0; v < n; v++)
        {
            degree[v + 1] += degree[v];
        }
        final int[] fill = Arrays.copyOf(degree, n);
        final int[] allTargets = new int[degree[n]];
        final double[] allRanges = new double[degree[n]];
        for (int e = 0; e < from.length; e++)
        {
            if (from[e] != to[e])
            {
                final double range = hopCount ? 1 : graph.weight()[e];
                allTargets[fill[from[e]]] = to[e];
                allRanges[fill[from[e]]++] = range;
                allTargets[fill[to[e]]] = from[e];
                allRanges[fill[to[e]]++] = range;
            }
        }
        offsets = new int[n + 1];
        final int[] seenBy = new int[n];
        Arrays.fill(seenBy, -1);
        int count = 0;
        for (int v = 0; v < n; v++)
        {
            for (int e = degree[v]; e < degree[v + 1]; e++)
            {
                if (seenBy[allTargets[e]] != v)
                {
                    seenBy[allTargets[e]] = v;
                    allTargets[count] = allTargets[e];
                    allRanges[count++] = allRanges[e];
                }
            }
            offsets[v + 1] = count;
        }
        targets = Arrays.copyOf(allTargets, count);
        ranges = Arrays.copyOf(allRanges, count);
        state = filled(n);
        exported = filled(n);
        next = filled(n);
    }

    /**
     * Runs one synchronous round on every device.
     */
    public void round()
    {
        final double[] seen = share ? state : exported;
        final int n = source.length;
        for (int v = 0; v < n; v++)
        {
            double best = Double.POSITIVE_INFINITY;
            for (int e = offsets[v], end = offsets[v + 1]; e < end; e++)
            {
                best = Math.min(best, seen[targets[e]] + ranges[e]);
            }
            next[v] = source[v] ? 0 : best;
        }
        if (share)
        {
            final double[] swap = state;
            state = next;
            next = swap;
        }
        else
        {
            // nbr exported the rep's value from before this round; the old export's array is reused.
            final double[] swap = exported;
            exported = state;
            state = next;
            next = swap;
        }
    }

    /**
     * @return every device's value after the last round, in {@link EdgeList#vertexIds()} order.
     */
    public double[] values()
    {
        return state.clone();
    }

    private static double[] filled(final int n)
    {
        final double[] values = new double[n];
        Arrays.fill(values, Double.POSITIVE_INFINITY);
        return values;
    }
}
