package io.shawarma.jmh;

import io.shawarma.fabric.process.ProcessStats;

import io.shawarma.fabric.graph.EdgeList;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The COST baseline of {@link GraphBenchmark}: PageRank as a plain single-thread pull loop over a CSR of in-edges in
 * int arrays, the way one would write it by hand for one machine. Same definition as ours (networkx: uniform
 * teleport, dangling rank spread uniformly, duplicate edges and self-loops counted), a fixed number of iterations.
 * <p>
 * {@code CsrPageRankMain EDGES ITERATIONS DAMPING [LABEL=RANKS_FILE ...]}: parses EDGES with the same parser as
 * ours, builds the CSR, runs the iterations, and prints {@link ContenderFigures} lines: load, build and compute
 * seconds, peak RSS, then the largest difference to each ranks file.
 */
public final class CsrPageRankMain
{
    private CsrPageRankMain()
    {
    }

    public static void main(final String[] args)
    {
        final Path edges = Path.of(args[0]);
        final int iterations = Integer.parseInt(args[1]);
        final double damping = Double.parseDouble(args[2]);

        final EdgeList graph = ContenderFigures.load(edges);
        ContenderFigures.print(ContenderFigures.VERTICES, graph.vertexIds().length);
        ContenderFigures.print(ContenderFigures.EDGES, graph.edgeCount());

        final long buildStartNs = System.nanoTime();
        final InEdgeCsr csr = new InEdgeCsr(graph);
        ContenderFigures.print(ContenderFigures.BUILD_SECONDS, ContenderFigures.seconds(buildStartNs));

        final long computeStartNs = System.nanoTime();
        final long[] iterationNs = new long[iterations];
        final double[] ranks = csr.pageRank(damping, iterations, iterationNs);
        ContenderFigures.print(ContenderFigures.COMPUTE_SECONDS, ContenderFigures.seconds(computeStartNs));
        ContenderFigures.printSteps(iterationNs);
        ContenderFigures.print(ContenderFigures.PEAK_RSS_MB, ProcessStats.peakRssMb());

        for (int i = 3; i < args.length; i++)
        {
            ContenderFigures.printDifference(args[i], graph, ranks);
        }
    }

    /**
     * In-edges by target: the sources of the edges into v are {@code sources[offsets[v] .. offsets[v + 1])},
     * ascending (so a row reads the rank array forwards); {@code inverseOutDegree[u]} is 1 / out-degree, 0 for a
     * dangling vertex, which is listed in {@code dangling}. Vertex indexes are those of {@link EdgeList#vertexIds()}.
     */
    static final class InEdgeCsr
    {
        final int vertexCount;
        final int[] offsets;
        final int[] sources;
        final double[] inverseOutDegree;
        final int[] dangling;

        InEdgeCsr(final EdgeList graph)
        {
            final int n = graph.vertexIds().length;
            final int m = graph.edgeCount();
            final int[] from = indexes(graph, graph.src());
            final int[] to = indexes(graph, graph.dst());
            vertexCount = n;

            // Counting sort by source first, then by target over the edges in source order: each row of the
            // in-edge CSR ends up sorted by source.
            final int[] outOffsets = new int[n + 1];
            for (int e = 0; e < m; e++)
            {
                outOffsets[from[e] + 1]++;
            }
            inverseOutDegree = new double[n];
            int danglingCount = 0;
            for (int v = 0; v < n; v++)
            {
                final int degree = outOffsets[v + 1];
                inverseOutDegree[v] = 0 == degree ? 0.0 : 1.0 / degree;
                danglingCount += 0 == degree ? 1 : 0;
                outOffsets[v + 1] += outOffsets[v];
            }
            dangling = new int[danglingCount];
            for (int v = 0, d = 0; v < n; v++)
            {
                if (0.0 == inverseOutDegree[v])
                {
                    dangling[d++] = v;
                }
            }
            final int[] targetsBySource = new int[m];
            for (int e = 0; e < m; e++)
            {
                targetsBySource[outOffsets[from[e]]++] = to[e];
            }
            offsets = new int[n + 1];
            for (int e = 0; e < m; e++)
            {
                offsets[to[e] + 1]++;
            }
            for (int v = 0; v < n; v++)
            {
                offsets[v + 1] += offsets[v];
            }
            sources = new int[m];
            final int[] fill = Arrays.copyOf(offsets, n);
            // outOffsets[u] now ends u's run of targetsBySource: walk the edges in source order.
            for (int u = 0, e = 0; u < n; u++)
            {
                for (final int end = outOffsets[u]; e < end; e++)
                {
                    sources[fill[targetsBySource[e]]++] = u;
                }
            }
        }

        /**
         * x starts at 1/N; each iteration x'[v] = (1 - d)/N + d * (sum over u->v of x[u]/outdeg(u) + dangling x/N).
         *
         * @return the ranks after {@code iterations} iterations.
         */
        double[] pageRank(final double damping, final int iterations)
        {
            return pageRank(damping, iterations, new long[iterations]);
        }

        /**
         * @param iterationNs filled with each iteration's time (two clock reads per iteration).
         * @see #pageRank(double, int)
         */
        double[] pageRank(final double damping, final int iterations, final long[] iterationNs)
        {
            final int n = vertexCount;
            final int[] offsets = this.offsets;
            final int[] sources = this.sources;
            final double[] inverseOutDegree = this.inverseOutDegree;
            final int[] dangling = this.dangling;
            final double[] rank = new double[n];
            final double[] share = new double[n];
            Arrays.fill(rank, 1.0 / n);
            for (int iteration = 0; iteration < iterations; iteration++)
            {
                final long startNs = System.nanoTime();
                double danglingRank = 0;
                for (final int v : dangling)
                {
                    danglingRank += rank[v];
                }
                for (int v = 0; v < n; v++)
                {
                    share[v] = rank[v] * inverseOutDegree[v];
                }
                final double base = (1.0 - damping) / n + damping * danglingRank / n;
                // share holds this iteration's input, so rank can be overwritten in place.
                for (int v = 0; v < n; v++)
                {
                    double incoming = 0;
                    for (int i = offsets[v], end = offsets[v + 1]; i < end; i++)
                    {
                        incoming += share[sources[i]];
                    }
                    rank[v] = base + damping * incoming;
                }
                iterationNs[iteration] = System.nanoTime() - startNs;
            }
            return rank;
        }

        /**
         * Each id's index in the sorted vertex ids: a direct table when the ids are dense enough (R-MAT ids are in
         * [0, 2^scale)), else a binary search per id.
         */
        private static int[] indexes(final EdgeList graph, final long[] ids)
        {
            final long[] vertexIds = graph.vertexIds();
            final int n = vertexIds.length;
            final int[] indexes = new int[ids.length];
            final long maxId = 0 == n ? -1 : vertexIds[n - 1];
            if (maxId < 4L * n + 4096)
            {
                final int[] direct = new int[(int)maxId + 1];
                for (int i = 0; i < n; i++)
                {
                    direct[(int)vertexIds[i]] = i;
                }
                for (int e = 0; e < ids.length; e++)
                {
                    indexes[e] = direct[(int)ids[e]];
                }
            }
            else
            {
                for (int e = 0; e < ids.length; e++)
                {
                    indexes[e] = Arrays.binarySearch(vertexIds, ids[e]);
                }
            }
            return indexes;
        }
    }
}
