package io.shawarma.fabric.graph;

import java.util.Arrays;

/**
 * Single-threaded graph algorithms over compressed sparse rows (int arrays) built from an {@link EdgeList}: the
 * oracle the superstep engine is tested against, and the plain loop (the COST baseline) it is measured against.
 * Every result is indexed like {@link EdgeList#vertexIds()}. Self-loops and duplicate edges are kept as the
 * edge list has them; what that means for each algorithm is in its documentation.
 */
public final class ReferenceAlgorithms
{
    private ReferenceAlgorithms()
    {
    }

    /**
     * PageRank by power iteration, as {@code networkx.pagerank(G, alpha=damping, max_iter=maxIterations,
     * tol=tolerance, weight=None)} computes it on the {@code MultiDiGraph} with one edge per line:
     * <ul>
     *     <li>Every edge line counts: a duplicate edge u->v carries twice the share of one, a self-loop u->u is an
     *     out-edge of u like any other. Edge weights are ignored.</li>
     *     <li>N is the number of vertices. x starts at 1/N for every vertex.</li>
     *     <li>One iteration: {@code x'[v] = (1-d)/N + d * (sum over edges u->v of x[u]/outDegree(u)
     *     + (sum of x[u] over dangling u) / N)}; a dangling vertex has no out-edges and its rank is spread
     *     uniformly over all N vertices, itself included. Ranks keep summing to 1.</li>
     *     <li>Stops after {@code maxIterations} iterations, or after the first iteration whose L1 change
     *     {@code sum |x'[v] - x[v]|} is below {@code N * tolerance}, returning x' (networkx's test). Unlike
     *     networkx, running out of iterations is not an error: the last x' is returned. A tolerance of 0 runs all
     *     iterations; 0 iterations return the start vector.</li>
     * </ul>
     *
     * @param graph         the graph.
     * @param damping       d, in [0, 1], 0.85 usually.
     * @param maxIterations the most iterations to run, at least 0.
     * @param tolerance     per-vertex tolerance, at least 0.
     * @return the rank of each vertex.
     */
    public static double[] pageRank(
        final EdgeList graph, final double damping, final int maxIterations, final double tolerance)
    {
        if (!(damping >= 0.0 && damping <= 1.0))
        {
            throw new IllegalArgumentException("damping must be in [0, 1], was " + damping);
        }
        if (maxIterations < 0)
        {
            throw new IllegalArgumentException("maxIterations must be at least 0, was " + maxIterations);
        }
        if (!(tolerance >= 0.0))
        {
            throw new IllegalArgumentException("tolerance must be at least 0, was " + tolerance);
        }
        final int n = graph.vertexCount();
        final int[] sources = graph.indexesOf(graph.src());
        final int[] destinations = graph.indexesOf(graph.dst());
        final Csr in = Csr.group(n, destinations, sources, null);
        final double[] inverseOutDegree = new double[n];
        for (final int source : sources)
        {
            inverseOutDegree[source]++;
        }
        int danglingCount = 0;
        for (int v = 0; v < n; v++)
        {
            danglingCount += 0.0 == inverseOutDegree[v] ? 1 : 0;
        }
        final int[] dangling = new int[danglingCount];
        for (int v = 0, i = 0; v < n; v++)
        {
            if (0.0 == inverseOutDegree[v])
            {
                dangling[i++] = v;
            }
            else
            {
                inverseOutDegree[v] = 1.0 / inverseOutDegree[v];
            }
        }
        return powerIterate(in, inverseOutDegree, dangling, damping, maxIterations, tolerance);
    }

    /**
     * Dijkstra's shortest paths over the directed edges and their (non-negative) weights. A self-loop never
     * shortens a path; of duplicate edges the lightest counts.
     *
     * @param graph  the graph.
     * @param source the vertex id paths start from.
     * @return the distance of each vertex from the source: 0 for the source, +infinity when unreachable.
     * @throws IllegalArgumentException when no edge names the source.
     */
    public static double[] sssp(final EdgeList graph, final long source)
    {
        final int start = requireVertex(graph, source);
        final int n = graph.vertexCount();
        final Csr out = Csr.group(n, graph.indexesOf(graph.src()), graph.indexesOf(graph.dst()), graph.weight());
        final double[] distance = new double[n];
        Arrays.fill(distance, Double.POSITIVE_INFINITY);
        distance[start] = 0.0;
        final VertexHeap heap = new VertexHeap(n, distance);
        heap.insertOrDecrease(start);
        while (!heap.isEmpty())
        {
            final int u = heap.pollMin();
            final double base = distance[u];
            for (int i = out.offsets[u], end = out.offsets[u + 1]; i < end; i++)
            {
                final int v = out.neighbours[i];
                final double candidate = base + out.weights[i];
                if (candidate < distance[v])
                {
                    distance[v] = candidate;
                    heap.insertOrDecrease(v);
                }
            }
        }
        return distance;
    }

    /**
     * Weakly connected components (edge direction ignored) by union-find.
     *
     * @param graph the graph.
     * @return for each vertex the smallest vertex id in its component.
     */
    public static long[] connectedComponents(final EdgeList graph)
    {
        final long[] ids = graph.vertexIds();
        final int[] sources = graph.indexesOf(graph.src());
        final int[] destinations = graph.indexesOf(graph.dst());
        final int[] parent = new int[ids.length];
        for (int v = 0; v < parent.length; v++)
        {
            parent[v] = v;
        }
        for (int e = 0; e < sources.length; e++)
        {
            final int a = find(parent, sources[e]);
            final int b = find(parent, destinations[e]);
            // The smaller index becomes the root, so a root is its component's smallest index, hence smallest id.
            if (a < b)
            {
                parent[b] = a;
            }
            else
            {
                parent[a] = b;
            }
        }
        final long[] labels = new long[ids.length];
        for (int v = 0; v < labels.length; v++)
        {
            labels[v] = ids[find(parent, v)];
        }
        return labels;
    }

    /**
     * Breadth-first hop distance over the directed edges (weights ignored).
     *
     * @param graph  the graph.
     * @param source the vertex id the search starts from.
     * @return the number of hops from the source to each vertex: 0 for the source, {@link Long#MAX_VALUE} when
     *         unreachable.
     * @throws IllegalArgumentException when no edge names the source.
     */
    public static long[] bfs(final EdgeList graph, final long source)
    {
        final int start = requireVertex(graph, source);
        final int n = graph.vertexCount();
        final Csr out = Csr.group(n, graph.indexesOf(graph.src()), graph.indexesOf(graph.dst()), null);
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
            final long next = hops[u] + 1;
            for (int i = out.offsets[u], end = out.offsets[u + 1]; i < end; i++)
            {
                final int v = out.neighbours[i];
                if (Long.MAX_VALUE == hops[v])
                {
                    hops[v] = next;
                    queue[tail++] = v;
                }
            }
        }
        return hops;
    }

    private static double[] powerIterate(
        final Csr in,
        final double[] inverseOutDegree,
        final int[] dangling,
        final double damping,
        final int maxIterations,
        final double tolerance)
    {
        final int n = inverseOutDegree.length;
        final int[] offsets = in.offsets;
        final int[] sources = in.neighbours;
        double[] rank = new double[n];
        double[] next = new double[n];
        final double[] share = new double[n];
        Arrays.fill(rank, 1.0 / n);
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            double danglingRank = 0.0;
            for (final int v : dangling)
            {
                danglingRank += rank[v];
            }
            for (int u = 0; u < n; u++)
            {
                share[u] = rank[u] * inverseOutDegree[u];
            }
            final double teleportAndDangling = (1.0 - damping) / n + damping * danglingRank / n;
            double change = 0.0;
            for (int v = 0; v < n; v++)
            {
                double incoming = 0.0;
                for (int i = offsets[v], end = offsets[v + 1]; i < end; i++)
                {
                    incoming += share[sources[i]];
                }
                final double value = teleportAndDangling + damping * incoming;
                change += Math.abs(value - rank[v]);
                next[v] = value;
            }
            final double[] previous = rank;
            rank = next;
            next = previous;
            if (change < n * tolerance)
            {
                break;
            }
        }
        return rank;
    }

    private static int requireVertex(final EdgeList graph, final long source)
    {
        final int index = graph.indexOf(source);
        if (index < 0)
        {
            throw new IllegalArgumentException("source " + source + " is not a vertex of the graph (no edge names it)");
        }
        return index;
    }

    private static int find(final int[] parent, final int vertex)
    {
        int v = vertex;
        while (parent[v] != v)
        {
            // Path halving: point at the grandparent on the way up.
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        return v;
    }

    /**
     * Compressed sparse rows: the neighbours of vertex v are {@code neighbours[offsets[v] .. offsets[v + 1])},
     * in edge-list order, with their edge weights alongside when asked for.
     */
    private static final class Csr
    {
        final int[] offsets;
        final int[] neighbours;
        final double[] weights;

        private Csr(final int[] offsets, final int[] neighbours, final double[] weights)
        {
            this.offsets = offsets;
            this.neighbours = neighbours;
            this.weights = weights;
        }

        /**
         * @param vertexCount the number of vertices.
         * @param rows        the vertex each edge is listed under.
         * @param columns     the vertex listed, per edge.
         * @param edgeWeights per edge, or null for none.
         * @return the edges grouped by row vertex.
         */
        static Csr group(final int vertexCount, final int[] rows, final int[] columns, final double[] edgeWeights)
        {
            final int[] offsets = new int[vertexCount + 1];
            for (final int row : rows)
            {
                offsets[row + 1]++;
            }
            for (int v = 0; v < vertexCount; v++)
            {
                offsets[v + 1] += offsets[v];
            }
            final int[] cursor = Arrays.copyOf(offsets, vertexCount);
            final int[] neighbours = new int[rows.length];
            final double[] weights = null == edgeWeights ? null : new double[rows.length];
            for (int e = 0; e < rows.length; e++)
            {
                final int slot = cursor[rows[e]]++;
                neighbours[slot] = columns[e];
                if (null != weights)
                {
                    weights[slot] = edgeWeights[e];
                }
            }
            return new Csr(offsets, neighbours, weights);
        }
    }

    /**
     * A binary min-heap of vertices keyed by their current distance, with decrease-key (each vertex is in the
     * heap at most once, so it needs no more than n slots and no allocation while running).
     */
    private static final class VertexHeap
    {
        private final int[] heap;
        private final int[] slotOf;
        private final double[] key;
        private int size;

        VertexHeap(final int vertexCount, final double[] key)
        {
            this.heap = new int[vertexCount];
            this.slotOf = new int[vertexCount];
            this.key = key;
            Arrays.fill(slotOf, -1);
        }

        boolean isEmpty()
        {
            return 0 == size;
        }

        /** Adds the vertex, or moves it up after its key decreased. */
        void insertOrDecrease(final int vertex)
        {
            int slot = slotOf[vertex];
            if (slot < 0)
            {
                slot = size++;
            }
            final double vertexKey = key[vertex];
            while (slot > 0)
            {
                final int parentSlot = (slot - 1) >>> 1;
                final int parent = heap[parentSlot];
                if (key[parent] <= vertexKey)
                {
                    break;
                }
                heap[slot] = parent;
                slotOf[parent] = slot;
                slot = parentSlot;
            }
            heap[slot] = vertex;
            slotOf[vertex] = slot;
        }

        int pollMin()
        {
            final int min = heap[0];
            slotOf[min] = -1;
            final int last = heap[--size];
            if (size > 0)
            {
                siftDown(last);
            }
            return min;
        }

        private void siftDown(final int vertex)
        {
            final double vertexKey = key[vertex];
            int slot = 0;
            while (true)
            {
                int child = 2 * slot + 1;
                if (child >= size)
                {
                    break;
                }
                if (child + 1 < size && key[heap[child + 1]] < key[heap[child]])
                {
                    child++;
                }
                if (key[heap[child]] >= vertexKey)
                {
                    break;
                }
                heap[slot] = heap[child];
                slotOf[heap[slot]] = slot;
                slot = child;
            }
            heap[slot] = vertex;
            slotOf[vertex] = slot;
        }
    }
}
