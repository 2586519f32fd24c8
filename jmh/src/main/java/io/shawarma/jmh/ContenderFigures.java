package io.shawarma.jmh;

import io.shawarma.fabric.graph.EdgeList;
import io.shawarma.fabric.graph.EdgeListParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the baseline contenders of {@link GraphBenchmark} (each a child JVM) report back to it: one
 * {@code figure NAME VALUE} line per measurement on stdout, their own peak RSS, and how far their ranks are from a
 * ranks file written by {@code scripts/shawarma pagerank}.
 */
final class ContenderFigures
{
    static final String PREFIX = "figure ";
    static final String LOAD_SECONDS = "load_seconds";
    static final String BUILD_SECONDS = "build_seconds";
    static final String COMPUTE_SECONDS = "compute_seconds";
    static final String PEAK_RSS_MB = "peak_rss_mb";
    static final String VERTICES = "vertices";
    static final String EDGES = "edges";
    static final String FIRST_STEP_MS = "first_step_ms";
    static final String MEDIAN_STEP_MS = "median_step_ms";
    /** Followed by {@code _LABEL}: the largest |rank - rank in the LABEL file| over all vertices. */
    static final String MAX_ABS_DIFF = "max_abs_diff";

    private ContenderFigures()
    {
    }

    static void print(final String name, final double value)
    {
        // Full precision and no locale: the parent parses it.
        System.out.println(PREFIX + name + " " + value);
    }

    /**
     * Parses an edge list with the same parser as ours and prints how long it took ({@link #LOAD_SECONDS}).
     *
     * @param edges the edge list.
     * @return the graph.
     */
    static EdgeList load(final Path edges)
    {
        final long startNs = System.nanoTime();
        final EdgeList graph = EdgeListParser.parse(edges);
        print(LOAD_SECONDS, seconds(startNs));
        return graph;
    }

    static double seconds(final long startNs)
    {
        return (System.nanoTime() - startNs) / 1e9;
    }

    /**
     * Compares ranks with a {@code vertexId<TAB>rank} file (sorted by id, one line per vertex) and prints
     * {@code figure max_abs_diff_LABEL VALUE}.
     *
     * @param labelAndFile {@code LABEL=FILE}.
     * @param graph        the graph the ranks are of.
     * @param ranks        indexed like {@link EdgeList#vertexIds()}.
     */
    static void printDifference(final String labelAndFile, final EdgeList graph, final double[] ranks)
    {
        final int equals = labelAndFile.indexOf('=');
        if (equals <= 0)
        {
            throw new IllegalArgumentException("expected LABEL=RANKS_FILE, got '" + labelAndFile + "'");
        }
        final double[] theirs = readRanks(Path.of(labelAndFile.substring(equals + 1)), graph);
        double max = 0;
        for (int v = 0; v < ranks.length; v++)
        {
            max = Math.max(max, Math.abs(ranks[v] - theirs[v]));
        }
        print(MAX_ABS_DIFF + "_" + labelAndFile.substring(0, equals), max);
    }

    /**
     * @return the ranks of a {@code vertexId<TAB>rank} file, indexed like {@link EdgeList#vertexIds()}; NaN for a
     * vertex the file does not list (so that any comparison with it fails).
     */
    private static double[] readRanks(final Path file, final EdgeList graph)
    {
        final double[] ranks = new double[graph.vertexIds().length];
        Arrays.fill(ranks, Double.NaN);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                final int tab = line.indexOf('\t');
                final int index = graph.indexOf(Long.parseLong(line.substring(0, tab)));
                if (index < 0)
                {
                    throw new IllegalStateException(file + " names vertex " + line.substring(0, tab) +
                        ", which is not in the graph");
                }
                ranks[index] = Double.parseDouble(line.substring(tab + 1));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return ranks;
    }

    /**
     * Prints the first iteration's time (mostly the JIT's warm-up) and the median of the others (the steady state).
     */
    static void printSteps(final long[] stepNs)
    {
        final double[] ms = new double[stepNs.length];
        for (int i = 0; i < ms.length; i++)
        {
            ms[i] = stepNs[i] / 1e6;
        }
        print(FIRST_STEP_MS, ms[0]);
        print(MEDIAN_STEP_MS, medianAfterFirst(ms));
    }

    /**
     * @return the median of every step but the first (the first alone when there is only one).
     */
    static double medianAfterFirst(final double[] stepMs)
    {
        if (stepMs.length < 2)
        {
            return stepMs[0];
        }
        final double[] rest = Arrays.copyOfRange(stepMs, 1, stepMs.length);
        Arrays.sort(rest);
        return rest.length % 2 == 1 ? rest[rest.length / 2] : (rest[rest.length / 2 - 1] + rest[rest.length / 2]) / 2;
    }
}
