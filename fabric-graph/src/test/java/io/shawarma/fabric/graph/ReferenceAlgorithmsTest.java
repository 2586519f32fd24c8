package io.shawarma.fabric.graph;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static io.shawarma.fabric.graph.EdgeListParserTest.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Known answers worked out by hand. PageRank's are the exact fixed points, solved as rational linear systems
 * (x = (1-d)/N + d * (x P + dangling share)) with d = 17/20, and agree with networkx 3.6
 * {@code pagerank(MultiDiGraph, weight=None, tol=1e-15)} to 2e-15.
 */
class ReferenceAlgorithmsTest
{
    private static final double DAMPING = 0.85;
    private static final double EXACT = 1e-12;

    @TempDir
    Path temp;

    @Test
    void shouldRankEveryVertexOfATriangleEqually()
    {
        final double[] rank = ReferenceAlgorithms.pageRank(graph("triangle.txt"), DAMPING, 100, 0);

        assertArrayEquals(new double[]{1.0 / 3, 1.0 / 3, 1.0 / 3}, rank, EXACT);
    }

    @Test
    void shouldSpreadTheRankOfADanglingVertexOverAllVertices()
    {
        // Vertices 1, 2, 3, 4; 4 has no out-edges.
        final double[] rank = ReferenceAlgorithms.pageRank(graph("dangling.txt"), DAMPING, 200, 0);

        assertArrayEquals(new double[]{1429.0 / 6107, 1140.0 / 6107, 2109.0 / 6107, 1429.0 / 6107}, rank, EXACT);
        assertEquals(1.0, sum(rank), EXACT);
    }

    @Test
    void shouldCountSelfLoopsAndEveryDuplicateEdge()
    {
        // 1 -> 1 once and 1 -> 2 twice: 1 keeps a third of its share and gives two thirds to 2.
        final double[] rank = ReferenceAlgorithms.pageRank(graph("selfloop-duplicates.txt"), DAMPING, 200, 0);

        assertArrayEquals(new double[]{1029.0 / 2458, 353.0 / 1229, 723.0 / 2458}, rank, EXACT);
    }

    @Test
    void shouldRankDisconnectedPartsWithSparseIds()
    {
        // Vertices 5, 7, 42, 43, 1000000000000; 7 is dangling.
        final double[] rank = ReferenceAlgorithms.pageRank(graph("two-parts.txt"), DAMPING, 300, 0);

        assertArrayEquals(new double[]{2220.0 / 22507, 3087.0 / 22507, 8000.0 / 22507, 8000.0 / 22507,
            1200.0 / 22507}, rank, EXACT);
    }

    @Test
    void shouldComputeOneIterationFromTheUniformStart()
    {
        // x0 = 1/4; dangling share 0.85 * 0.25 / 4; 1 and 3 split their rank between two out-edges.
        final double base = 0.15 / 4 + 0.85 * 0.25 / 4;

        final double[] rank = ReferenceAlgorithms.pageRank(graph("dangling.txt"), DAMPING, 1, 0);

        assertArrayEquals(new double[]{base + 0.85 * 0.125, base + 0.85 * 0.125, base + 0.85 * 0.375,
            base + 0.85 * 0.125}, rank, 1e-15);
        assertArrayEquals(new double[]{0.25, 0.25, 0.25, 0.25},
            ReferenceAlgorithms.pageRank(graph("dangling.txt"), DAMPING, 0, 0), 0);
    }

    @Test
    void shouldStopAtTheIterationNetworkxStopsAt()
    {
        // networkx stops once sum |x' - x| < N * tol: after 8 iterations for tol=1e-3, 19 for tol=1e-6.
        final EdgeList graph = graph("dangling.txt");

        final double[] coarse = ReferenceAlgorithms.pageRank(graph, DAMPING, 1000, 1e-3);
        final double[] fine = ReferenceAlgorithms.pageRank(graph, DAMPING, 1000, 1e-6);

        assertArrayEquals(ReferenceAlgorithms.pageRank(graph, DAMPING, 8, 0), coarse, 0);
        assertArrayEquals(ReferenceAlgorithms.pageRank(graph, DAMPING, 19, 0), fine, 0);
        assertFalse(Arrays.equals(ReferenceAlgorithms.pageRank(graph, DAMPING, 7, 0), coarse));
        assertArrayEquals(new double[]{0.23439479899967627, 0.18651517163367348, 0.344695230366974,
            0.23439479899967627}, coarse, 1e-15);
        assertArrayEquals(new double[]{0.2339940930298317, 0.18667071963808066, 0.345341094302256,
            0.2339940930298317}, fine, 1e-15);
    }

    @Test
    void shouldKeepRanksSummingToOneOnAGeneratedGraph()
    {
        final EdgeList graph = rmat(true);

        final double[] rank = ReferenceAlgorithms.pageRank(graph, DAMPING, 20, 0);

        assertEquals(1.0, sum(rank), 1e-12);
        assertArrayEquals(naivePageRank(graph, DAMPING, 20), rank, 1e-15);
    }

    @Test
    void shouldRankUniformlyWithoutDamping()
    {
        final double[] rank = ReferenceAlgorithms.pageRank(graph("dangling.txt"), 0.0, 10, 0);

        assertArrayEquals(new double[]{0.25, 0.25, 0.25, 0.25}, rank, 1e-15);
    }

    @Test
    void shouldRefuseBadPageRankParameters()
    {
        final EdgeList graph = graph("triangle.txt");

        assertThrows(IllegalArgumentException.class, () -> ReferenceAlgorithms.pageRank(graph, 1.5, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> ReferenceAlgorithms.pageRank(graph, Double.NaN, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> ReferenceAlgorithms.pageRank(graph, DAMPING, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> ReferenceAlgorithms.pageRank(graph, DAMPING, 10, -1));
    }

    @Test
    void shouldPreferAShorterMultiHopPathToTheDirectEdge()
    {
        // 1 -> 3 costs 10 direct, 3 via 2; 5 only has an edge to 1, so 1 cannot reach it.
        final double[] distance = ReferenceAlgorithms.sssp(graph("weighted.txt"), 1);

        assertArrayEquals(new double[]{0.0, 1.5, 3.0, 3.25, Double.POSITIVE_INFINITY}, distance, 0);
    }

    @Test
    void shouldFindDistancesFromAnotherSource()
    {
        final double[] distance = ReferenceAlgorithms.sssp(graph("weighted.txt"), 5);

        assertArrayEquals(new double[]{2.0, 3.5, 5.0, 5.25, 0.0}, distance, 0);
    }

    @Test
    void shouldTakeTheLightestOfDuplicateEdgesAndIgnoreSelfLoops()
    {
        final EdgeList graph = new EdgeList(new long[]{1, 1, 1, 2, 2}, new long[]{2, 2, 1, 2, 3},
            new double[]{5, 2, 0, 0, 0.5}, 5);

        assertArrayEquals(new double[]{0, 2, 2.5}, ReferenceAlgorithms.sssp(graph, 1), 0);
    }

    @Test
    void shouldTreatUnweightedEdgesAsWeighingOne()
    {
        assertArrayEquals(new double[]{2, 0, 1}, ReferenceAlgorithms.sssp(graph("triangle.txt"), 2), 0);
    }

    @Test
    void shouldAgreeWithBellmanFordOnAGeneratedGraph()
    {
        final EdgeList graph = rmat(true);
        final long source = graph.src()[0];

        assertArrayEquals(bellmanFord(graph, source), ReferenceAlgorithms.sssp(graph, source), 1e-12);
    }

    @Test
    void shouldNameASourceThatIsNotAVertex()
    {
        final EdgeList graph = graph("weighted.txt");

        final IllegalArgumentException sssp = assertThrows(IllegalArgumentException.class,
            () -> ReferenceAlgorithms.sssp(graph, 6));
        final IllegalArgumentException bfs = assertThrows(IllegalArgumentException.class,
            () -> ReferenceAlgorithms.bfs(graph, 1_000_000_000_000L));

        assertTrue(sssp.getMessage().contains("source 6 "), sssp.getMessage());
        assertTrue(bfs.getMessage().contains("source 1000000000000 "), bfs.getMessage());
    }

    @Test
    void shouldLabelWeakComponentsWithTheirSmallestId()
    {
        final long[] labels = ReferenceAlgorithms.connectedComponents(graph("two-parts.txt"));

        assertArrayEquals(new long[]{5, 5, 42, 42, 5}, labels);
        assertArrayEquals(new long[]{1, 1, 1}, ReferenceAlgorithms.connectedComponents(graph("triangle.txt")));
    }

    @Test
    void shouldIgnoreEdgeDirectionForComponents()
    {
        // 9 -> 3 <- 7 and 8 -> 8: the smallest id is reached only against edge direction.
        final EdgeList graph = new EdgeList(new long[]{9, 7, 8}, new long[]{3, 3, 8}, new double[]{1, 1, 1}, 3);

        assertArrayEquals(new long[]{3, 3, 8, 3}, ReferenceAlgorithms.connectedComponents(graph));
    }

    @Test
    void shouldAgreeWithLabelPropagationOnAGeneratedGraph()
    {
        final EdgeList graph = rmat(false);

        assertArrayEquals(minLabelPropagation(graph), ReferenceAlgorithms.connectedComponents(graph));
    }

    @Test
    void shouldCountHopsAlongEdgeDirection()
    {
        final long unreached = Long.MAX_VALUE;

        assertArrayEquals(new long[]{0, 1, unreached, unreached, unreached},
            ReferenceAlgorithms.bfs(graph("two-parts.txt"), 5));
        assertArrayEquals(new long[]{1, 2, unreached, unreached, 0},
            ReferenceAlgorithms.bfs(graph("two-parts.txt"), 1_000_000_000_000L));
        // Hops ignore weights: 1 -> 3 is one hop even though the path via 2 is shorter by weight.
        assertArrayEquals(new long[]{0, 1, 1, 2, unreached}, ReferenceAlgorithms.bfs(graph("weighted.txt"), 1));
    }

    @Test
    void shouldAgreeWithUnitWeightShortestPathsOnAGeneratedGraph()
    {
        final EdgeList graph = rmat(false);
        final long source = graph.src()[0];

        final long[] hops = ReferenceAlgorithms.bfs(graph, source);
        final double[] distance = bellmanFord(graph, source);

        for (int v = 0; v < hops.length; v++)
        {
            assertEquals(distance[v], Long.MAX_VALUE == hops[v] ? Double.POSITIVE_INFINITY : hops[v], "vertex " + v);
        }
    }

    private EdgeList rmat(final boolean weights)
    {
        final Path file = temp.resolve("rmat-" + weights + ".txt");
        RmatGenerator.write(file, 9, 8, 3, weights);
        return EdgeListParser.parse(file);
    }

    private static EdgeList graph(final String name)
    {
        return EdgeListParser.parse(resource(name));
    }

    private static double sum(final double[] values)
    {
        double sum = 0;
        for (final double value : values)
        {
            sum += value;
        }
        return sum;
    }

    /** The definition, pushed along the edge list with indexOf per edge: slow, and independent of the CSR. */
    private static double[] naivePageRank(final EdgeList graph, final double damping, final int iterations)
    {
        final int n = graph.vertexCount();
        final int[] outDegree = new int[n];
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            outDegree[graph.indexOf(graph.src()[e])]++;
        }
        double[] rank = new double[n];
        Arrays.fill(rank, 1.0 / n);
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            double dangling = 0;
            for (int v = 0; v < n; v++)
            {
                dangling += 0 == outDegree[v] ? rank[v] : 0;
            }
            final double[] incoming = new double[n];
            for (int e = 0; e < graph.edgeCount(); e++)
            {
                final int u = graph.indexOf(graph.src()[e]);
                incoming[graph.indexOf(graph.dst()[e])] += rank[u] / outDegree[u];
            }
            final double[] next = new double[n];
            for (int v = 0; v < n; v++)
            {
                next[v] = (1 - damping) / n + damping * (incoming[v] + dangling / n);
            }
            rank = next;
        }
        return rank;
    }

    private static double[] bellmanFord(final EdgeList graph, final long source)
    {
        final double[] distance = new double[graph.vertexCount()];
        Arrays.fill(distance, Double.POSITIVE_INFINITY);
        distance[graph.indexOf(source)] = 0;
        boolean changed = true;
        while (changed)
        {
            changed = false;
            for (int e = 0; e < graph.edgeCount(); e++)
            {
                final double candidate = distance[graph.indexOf(graph.src()[e])] + graph.weight()[e];
                final int v = graph.indexOf(graph.dst()[e]);
                if (candidate < distance[v])
                {
                    distance[v] = candidate;
                    changed = true;
                }
            }
        }
        return distance;
    }

    private static long[] minLabelPropagation(final EdgeList graph)
    {
        final long[] labels = graph.vertexIds().clone();
        boolean changed = true;
        while (changed)
        {
            changed = false;
            for (int e = 0; e < graph.edgeCount(); e++)
            {
                final int u = graph.indexOf(graph.src()[e]);
                final int v = graph.indexOf(graph.dst()[e]);
                final long min = Math.min(labels[u], labels[v]);
                changed |= labels[u] != min || labels[v] != min;
                labels[u] = min;
                labels[v] = min;
            }
        }
        return labels;
    }
}
