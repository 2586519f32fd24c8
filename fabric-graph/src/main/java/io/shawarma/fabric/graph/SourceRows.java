package io.shawarma.fabric.graph;

import java.util.Arrays;

/**
 * Every directed edge of a graph (each undirected edge twice) grouped by source, in input order within a
 * source (a counting sort): the partition's CSRs are then filled reading rows forwards instead of scattering
 * every edge into several arrays.
 */
final class SourceRows
{
    final int[] starts;
    final int[] targets;
    // Null when every weight is 1.0.
    final double[] weights;

    SourceRows(final EdgeList graph, final boolean undirected)
    {
        final int vertexCount = graph.vertexCount();
        final int[] sources = graph.indexesOf(graph.src());
        final int[] destinations = graph.indexesOf(graph.dst());
        final int[] from = undirected ? concat(sources, destinations) : sources;
        final int[] to = undirected ? concat(destinations, sources) : destinations;
        final double[] edgeWeights = graph.weight();
        boolean weighted = false;
        for (final double weight : edgeWeights)
        {
            weighted |= 1.0 != weight;
        }
        starts = new int[vertexCount + 1];
        for (final int source : from)
        {
            starts[source + 1]++;
        }
        for (int v = 0; v < vertexCount; v++)
        {
            starts[v + 1] += starts[v];
        }
        targets = new int[from.length];
        weights = weighted ? new double[from.length] : null;
        final int[] fill = Arrays.copyOf(starts, vertexCount);
        for (int e = 0; e < from.length; e++)
        {
            final int position = fill[from[e]]++;
            targets[position] = to[e];
            if (weighted)
            {
                weights[position] = edgeWeights[e < edgeWeights.length ? e : e - edgeWeights.length];
            }
        }
    }

    double weight(final int position)
    {
        return null == weights ? 1.0 : weights[position];
    }

    private static int[] concat(final int[] first, final int[] second)
    {
        final int[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
