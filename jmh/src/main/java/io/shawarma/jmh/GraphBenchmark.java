package io.shawarma.jmh;

import io.shawarma.fabric.graph.RmatGenerator;
import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.shawarma.jmh.ContenderRunner.CHILD_TIMEOUT_MS;

/**
 * {@code scripts/shawarma bench graph}: PageRank (20 iterations) on one generated R-MAT graph, in one run, each
 * contender in its own JVM so that its peak RSS is its own:
 * <ul>
 *     <li>ours, {@code scripts/shawarma pagerank} (GraphMain) with 1 worker, 2 workers as threads of one process
 *     (the default) and 2 worker processes;</li>
 *     <li>the COST baseline, a plain single-thread CSR pull loop ({@link CsrPageRankMain});</li>
 *     <li>JGraphT's PageRank ({@link JGraphTPageRankMain}); when it takes too long at the full
 *     scale it is measured at scale - 2 instead, beside the CSR loop at that scale, and the output says so.</li>
 * </ul>
 * Every contender runs with the same heap ({@code --heap}) and parses the same file with the same parser. Prints a
 * table with ratios to the CSR loop, checks that every contender's ranks agree with the loop's, and writes
 * {@code graph.json} in the form of {@code latest.json}.
 */
public final class GraphBenchmark
{
    private static final String JGRAPHT = "JGraphT 1.5.3";
    private static final int SMALLEST_FALLBACK_SCALE = 10;

    private final GraphBenchmarkOptions options;
    private final ContenderRunner runner;
    private final List<String> notes = new ArrayList<>();

    private GraphBenchmark(final GraphBenchmarkOptions options)
    {
        this.options = options;
        runner = new ContenderRunner(options);
    }

    public static void main(final String[] args) throws IOException
    {
        final GraphBenchmarkOptions options;
        try
        {
            options = GraphBenchmarkOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("shawarma bench graph: " + ex.getMessage());
            System.err.println(GraphBenchmarkOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help)
        {
            System.out.println(GraphBenchmarkOptions.USAGE);
            return;
        }
        try
        {
            new GraphBenchmark(options).run();
        }
        catch (final ContenderFailure ex)
        {
            System.err.println("shawarma bench graph: " + ex.getMessage());
            System.exit(1);
        }
    }

    private void run() throws IOException
    {
        System.out.printf("shawarma bench graph: PageRank, %d iterations, damping %.2f, on R-MAT scale %d, edge " +
            "factor %d (%,d edges), seed %d; %d CPUs%n", GraphBenchmarkOptions.ITERATIONS,
            GraphBenchmarkOptions.DAMPING, options.scale, options.edgeFactor, options.edges(), options.seed,
            Runtime.getRuntime().availableProcessors());
        final Path dir = Files.createTempDirectory("shawarma-bench-graph");
        // On Ctrl-C, stop the contender that runs.
        final Thread stopChild = new Thread(runner::stopRunning, "shawarma-bench-graph-stop");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try
        {
            final Path edges = generate(dir, options.scale);
            final Path ranks1 = dir.resolve("ranks-1w.tsv");
            final Path ranks2 = dir.resolve("ranks-2w.tsv");
            final Path ranks2p = dir.resolve("ranks-2p.tsv");
            final PageRankContender fabric1 = runner.runFabric(edges, 1, "threads", ranks1);
            final PageRankContender fabric2 = runner.runFabric(edges, 2, "threads", ranks2);
            final PageRankContender fabric2p = runner.runFabric(edges, 2, "processes", ranks2p);
            final PageRankContender csr = runner.runBaseline("CSR loop (COST)", "csr_loop", options.scale,
                CsrPageRankMain.class.getName(), options.heap, edges, CHILD_TIMEOUT_MS, "fabric_1w=" + ranks1,
                "fabric_2w=" + ranks2, "fabric_2p=" + ranks2p);
            for (final PageRankContender fabric : List.of(fabric1, fabric2, fabric2p))
            {
                fabric.differences.put("csr_loop", csr.differences.get(fabric.key));
            }
            Files.deleteIfExists(ranks1);
            Files.deleteIfExists(ranks2);
            Files.deleteIfExists(ranks2p);
            if (options.jgrapht)
            {
                runJGraphT(dir, edges);
            }
            Files.deleteIfExists(edges);

            final PageRankReport report = new PageRankReport(options, runner.contenders(), notes);
            report.print(System.out);
            IoUtil.ensureDirectoryExists(options.out.toFile(), "bench results");
            final Path json = options.out.resolve("graph.json");
            new Report(report.results(), report.config()).writeJson(json);
            System.out.println("wrote " + json);
        }
        finally
        {
            Runtime.getRuntime().removeShutdownHook(stopChild);
            IoUtil.delete(dir.toFile(), true);
        }
    }

    private Path generate(final Path dir, final int scale) throws IOException
    {
        final Path edges = dir.resolve("rmat-" + scale + "-" + options.edgeFactor + ".txt");
        final long startNs = System.nanoTime();
        RmatGenerator.write(edges, scale, options.edgeFactor, options.seed, false);
        System.out.printf("generated %s (%,d MB) in %.1f s%n", edges, Files.size(edges) >> 20,
            ContenderFigures.seconds(startNs));
        return edges;
    }

    /**
     * JGraphT at the full scale; if it fails or runs past the timeout, again at scale - 2, with
     * the CSR loop at that scale for the ratios. The JGraphT child compares its ranks with the CSR loop's itself.
     */
    private void runJGraphT(final Path dir, final Path edges) throws IOException
    {
        final long timeoutMs = options.jgraphtTimeoutSeconds * 1000L;
        try
        {
            runner.runBaseline(JGRAPHT, "jgrapht", options.scale, JGraphTPageRankMain.class.getName(),
                options.heap, edges, timeoutMs);
            return;
        }
        catch (final ContenderFailure ex)
        {
            final int smaller = options.scale - 2;
            final String note = JGRAPHT + " did not finish at scale " + options.scale + " (" +
                firstLine(ex.getMessage()) + ")" + (smaller >= SMALLEST_FALLBACK_SCALE ?
                "; measured at scale " + smaller + " instead, beside the CSR loop at that scale" : "");
            notes.add(note);
            System.out.println(note);
            if (smaller < SMALLEST_FALLBACK_SCALE)
            {
                return;
            }
        }
        final int smaller = options.scale - 2;
        final Path smallEdges = generate(dir, smaller);
        runner.runBaseline("CSR loop (COST)", "csr_loop_scale_" + smaller, smaller, CsrPageRankMain.class.getName(),
            null, smallEdges, CHILD_TIMEOUT_MS);
        try
        {
            runner.runBaseline(JGRAPHT, "jgrapht", smaller, JGraphTPageRankMain.class.getName(),
                options.heap, smallEdges, timeoutMs);
        }
        catch (final ContenderFailure ex)
        {
            final String note = JGRAPHT + " did not finish at scale " + smaller + " either (" +
                firstLine(ex.getMessage()) + "): not measured";
            notes.add(note);
            System.out.println(note);
        }
        Files.deleteIfExists(smallEdges);
    }

    private static String firstLine(final String text)
    {
        final int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
