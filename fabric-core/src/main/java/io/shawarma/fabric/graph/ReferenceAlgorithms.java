package io.shawarma.fabric.graph;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Single-threaded algorithms over a CSR built from an {@link EdgeList}: the oracle the superstep engine is tested
 * against, and the plain loop (the COST baseline) it is benchmarked against. Results are indexed like
 * {@link EdgeList#vertexIds()}.
 */
public final class ReferenceAlgorithms
{
    private ReferenceAlgorithms()
    {
    }

    /**
     * PageRank as networkx computes it, every edge line counted (duplicates add weight, self-loops count):
     * x starts at 1/N; x'[v] = (1-d)/N + d * (sum over edges u->v of x[u]/outdeg(u) + sum of dangling x / N);
     * stops after {@code maxIterations} or once sum |x' - x| < N * tolerance.
     */
    public static double[] pageRank(
        final EdgeList graph, final double damping, final int maxIterations, final double tolerance)
    {
        final int n = graph.vertexIds().length;
        final int[] offsets = new int[n + 1];
        final int[] sources = csrBySource(graph, offsets, false);
        final int[] outDegree = new int[n];
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            outDegree[graph.indexOf(graph.src()[e])]++;
        }
        // offsets/sources list in-edges: sources[offsets[v]..offsets[v+1]) are the u of u->v.
        double[] rank = new double[n];
        double[] next = new double[n];
        Arrays.fill(rank, 1.0 / n);
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            double dangling = 0;
            for (int v = 0; v < n; v++)
            {
                if (0 == outDegree[v])
                {
                    dangling += rank[v];
                }
            }
            double change = 0;
            for (int v = 0; v < n; v++)
            {
                double incoming = 0;
                for (int i = offsets[v]; i < offsets[v + 1]; i++)
                {
                    incoming += rank[sources[i]] / outDegree[sources[i]];
                }
                next[v] = (1.0 - damping) / n + damping * (incoming + dangling / n);
                change += Math.abs(next[v] - rank[v]);
            }
            final double[] swap = rank;
            rank = next;
            next = swap;
            if (change < n * tolerance)
            {
                break;
            }
        }
        return rank;
    }

    /**
     * Dijkstra over the directed, non-negatively weighted edges; unreachable vertices get +infinity.
     */
    public static double[] sssp(final EdgeList graph, final long source)
    {
        final int n = graph.vertexIds().length;
        final int start = requireVertex(graph, source);
        final int[] offsets = new int[n + 1];
        final int[] edges = outEdges(graph, offsets);
        final double[] distance = new double[n];
        Arrays.fill(distance, Double.POSITIVE_INFINITY);
        distance[start] = 0;
        final PriorityQueue<double[]> queue = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        queue.add(new double[]{0, start});
        while (!queue.isEmpty())
        {
            final double[] head = queue.poll();
            final int u = (int)head[1];
            if (head[0] > distance[u])
            {
                continue;
            }
            for (int i = offsets[u]; i < offsets[u + 1]; i++)
            {
                final int e = edges[i];
                final int v = graph.indexOf(graph.dst()[e]);
                final double candidate = distance[u] + graph.weight()[e];
                if (candidate < distance[v])
                {
                    distance[v] = candidate;
                    queue.add(new double[]{candidate, v});
                }
            }
        }
        return distance;
    }

    /**
     * Weakly connected components, each labelled with its smallest vertex id (union-find).
     */
    public static long[] connectedComponents(final EdgeList graph)
    {
        final long[] ids = graph.vertexIds();
        final int[] parent = new int[ids.length];
        for (int v = 0; v < parent.length; v++)
        {
            parent[v] = v;
        }
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            final int a = find(parent, graph.indexOf(graph.src()[e]));
            final int b = find(parent, graph.indexOf(graph.dst()[e]));
            // The smaller index (so the smaller id: ids are sorted) becomes the root.
            parent[Math.max(a, b)] = Math.min(a, b);
        }
        final long[] labels = new long[ids.length];
        for (int v = 0; v < labels.length; v++)
        {
            labels[v] = ids[find(parent, v)];
        }
        return labels;
    }

    /**
     * Hop distance over directed edges; unreachable vertices get {@link Long#MAX_VALUE}.
     */
    public static long[] bfs(final EdgeList graph, final long source)
    {
        final int n = graph.vertexIds().length;
        final int start = requireVertex(graph, source);
        final int[] offsets = new int[n + 1];
        final int[] edges = outEdges(graph, offsets);
        final long[] hops = new long[n];
        Arrays.fill(hops, Long.MAX_VALUE);
        hops[start] = 0;
        final int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        queue[tail++] = start;
        while (head < tail)
        {
            final int u = queue[head++];
            for (int i = offsets[u]; i < offsets[u + 1]; i++)
            {
                final int v = graph.indexOf(graph.dst()[edges[i]]);
                if (Long.MAX_VALUE == hops[v])
                {
                    hops[v] = hops[u] + 1;
                    queue[tail++] = v;
                }
            }
        }
        return hops;
    }

    private static int requireVertex(final EdgeList graph, final long source)
    {
        final int index = graph.indexOf(source);
        if (index < 0)
        {
            throw new IllegalArgumentException("source " + source + " is not a vertex of the graph");
        }
        return index;
    }

    private static int find(final int[] parent, final int vertex)
    {
        int root = vertex;
        while (parent[root] != root)
        {
            parent[root] = parent[parent[root]];
            root = parent[root];
        }
        return root;
    }

    /** @return edge numbers grouped by source index; offsets filled. */
    private static int[] outEdges(final EdgeList graph, final int[] offsets)
    {
        return csrBySource(graph, offsets, true);
    }

    /**
     * Groups edges by source (returning edge numbers) or, with {@code bySource} false, by destination (returning
     * source indexes): the in-edge CSR PageRank pulls over.
     */
    private static int[] csrBySource(final EdgeList graph, final int[] offsets, final boolean bySource)
    {
        final int edges = graph.edgeCount();
        final int[] key = new int[edges];
        for (int e = 0; e < edges; e++)
        {
            key[e] = graph.indexOf(bySource ? graph.src()[e] : graph.dst()[e]);
            offsets[key[e] + 1]++;
        }
        for (int v = 0; v + 1 < offsets.length; v++)
        {
            offsets[v + 1] += offsets[v];
        }
        final int[] fill = Arrays.copyOf(offsets, offsets.length);
        final int[] grouped = new int[edges];
        for (int e = 0; e < edges; e++)
        {
            grouped[fill[key[e]]++] = bySource ? e : graph.indexOf(graph.src()[e]);
        }
        return grouped;
    }
}
