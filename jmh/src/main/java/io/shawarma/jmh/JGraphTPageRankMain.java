package io.shawarma.jmh;

import io.shawarma.fabric.process.ProcessStats;

import io.shawarma.fabric.graph.EdgeList;
import org.jgrapht.alg.scoring.PageRank;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.DirectedPseudograph;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
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
 * as ours, builds the graph, indexes it for PageRank (JGraphT's own arrays: setup), runs the iterations (compute)
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
        ContenderFigures.print(ContenderFigures.VERTICES, jgraph.vertexSet().size());
        ContenderFigures.print(ContenderFigures.EDGES, jgraph.edgeSet().size());

        // getScores() makes a PageRank.Algorithm, whose constructor indexes the graph into arrays, and asks it for the
        // scores, which runs the iterations: made here one step at a time (the class is private, hence reflection),
        // so that the index counts as setup, like our partitioning and the loop's CSR build, and compute is the
        // iterations alone.
        final long indexStartNs = System.nanoTime();
        final Object algorithm = indexed(new PageRank<>(jgraph, damping, iterations, Double.MIN_VALUE));
        System.out.printf("jgrapht: graph built in %.3f s, indexed in %.3f s%n",
            (indexStartNs - buildStartNs) / 1e9, ContenderFigures.seconds(indexStartNs));
        ContenderFigures.print(ContenderFigures.BUILD_SECONDS, ContenderFigures.seconds(buildStartNs));
        final long computeStartNs = System.nanoTime();
        final Map<Long, Double> scores = scores(algorithm);
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

    /**
     * @return JGraphT's PageRank.Algorithm for a PageRank: the graph indexed into arrays, no iteration run yet.
     */
    private static Object indexed(final PageRank<Long, DefaultEdge> pageRank)
    {
        try
        {
            final Constructor<?> constructor = Class.forName(PageRank.class.getName() + "$Algorithm")
                .getDeclaredConstructor(PageRank.class);
            constructor.setAccessible(true);
            return constructor.newInstance(pageRank);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("JGraphT's PageRank is not built as in 1.5.3: " + ex, ex);
        }
    }

    /**
     * @return the scores of an indexed PageRank.Algorithm: its iterations.
     */
    @SuppressWarnings("unchecked")
    private static Map<Long, Double> scores(final Object algorithm)
    {
        try
        {
            final Method getScores = algorithm.getClass().getDeclaredMethod("getScores");
            getScores.setAccessible(true);
            return (Map<Long, Double>)getScores.invoke(algorithm);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("JGraphT's PageRank is not built as in 1.5.3: " + ex, ex);
        }
    }
}
