package io.shawarma.jmh;

import io.shawarma.fabric.process.ProcessStats;

import io.shawarma.fabric.graph.EdgeList;
import org.jgrapht.alg.scoring.PageRank;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.DirectedPseudograph;

import java.nio.file.Path;
import java.util.Map;

/**
 * The library contender of {@link GraphBenchmark}: JGraphT's PageRank, used as its documentation shows, on a
 * {@link DirectedPseudograph} (it keeps duplicate edges and self-loops, like ours; JGraphT's default directed graph
 * would collapse duplicates; its compact sparse graphs are in {@code jgrapht-opt}, which Maven Central does not
 * serve here at 1.5.3) with the vertex ids as {@code Long} vertices. Tolerance {@link Double#MIN_VALUE}
 * forces every iteration (0 is refused). JGraphT's PageRank spreads dangling rank uniformly, like ours.
 * <p>
 * {@code JGraphTPageRankMain EDGES ITERATIONS DAMPING [LABEL=RANKS_FILE ...]}: parses EDGES with the same parser
 * as ours, builds the graph, runs PageRank ({@code getScores()}: its own indexing into arrays, then the iterations)
 * and prints {@link ContenderFigures} lines; then, after its peak RSS is taken, runs the CSR loop to print how far
 * JGraphT's ranks are from the loop's ({@code max_abs_diff_csr_loop}).
 */
public final class JGraphTPageRankMain
{
    private JGraphTPageRankMain()
    {
    }

    public static void main(final String[] args)
    {
        final Path edges = Path.of(args[0]);
        final int iterations = Integer.parseInt(args[1]);
        final double damping = Double.parseDouble(args[2]);

        final EdgeList graph = ContenderFigures.load(edges);

        final long buildStartNs = System.nanoTime();
        final DirectedPseudograph<Long, DefaultEdge> jgraph = new DirectedPseudograph<>(DefaultEdge.class);
        for (final long id : graph.vertexIds())
        {
            jgraph.addVertex(id);
        }
        final long[] src = graph.src();
        final long[] dst = graph.dst();
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            jgraph.addEdge(src[e], dst[e]);
        }
        ContenderFigures.print(ContenderFigures.BUILD_SECONDS, ContenderFigures.seconds(buildStartNs));
        ContenderFigures.print(ContenderFigures.VERTICES, jgraph.vertexSet().size());
        ContenderFigures.print(ContenderFigures.EDGES, jgraph.edgeSet().size());

        // getScores() indexes the graph into arrays, then iterates, with no way to do one without the other; timing
        // the index apart by a run of one iteration beside the run of all gave negative differences at scale 20 (at
        // 7 GB of heap, GC pauses outweigh 19 iterations), so the figure is the whole call, index included.
        final long computeStartNs = System.nanoTime();
        final Map<Long, Double> scores = new PageRank<>(jgraph, damping, iterations, Double.MIN_VALUE).getScores();
        ContenderFigures.print(ContenderFigures.COMPUTE_SECONDS, ContenderFigures.seconds(computeStartNs));
        ContenderFigures.print(ContenderFigures.PEAK_RSS_MB, ProcessStats.peakRssMb());

        final long[] ids = graph.vertexIds();
        final double[] ranks = new double[ids.length];
        for (int v = 0; v < ids.length; v++)
        {
            ranks[v] = scores.get(ids[v]);
        }
        final double[] loop = new CsrPageRankMain.InEdgeCsr(graph).pageRank(damping, iterations);
        double difference = 0;
        for (int v = 0; v < ids.length; v++)
        {
            difference = Math.max(difference, Math.abs(ranks[v] - loop[v]));
        }
        ContenderFigures.print(ContenderFigures.MAX_ABS_DIFF + "_csr_loop", difference);
        for (int i = 3; i < args.length; i++)
        {
            ContenderFigures.printDifference(args[i], graph, ranks);
        }
    }
}
