package io.shawarma.jmh;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link GraphBenchmark}'s figures: the table with ratios to the CSR loop on the console, the results and
 * configuration for {@code graph.json}.
 */
final class PageRankReport
{
    private static final double AGREEMENT = 1e-9;

    private final GraphBenchmarkOptions options;
    private final List<PageRankContender> contenders;
    private final List<String> notes;

    PageRankReport(
        final GraphBenchmarkOptions options, final List<PageRankContender> contenders, final List<String> notes)
    {
        this.options = options;
        this.contenders = contenders;
        this.notes = notes;
    }

    void print(final PrintStream out)
    {
        out.println();
        out.printf("%-18s %-11s %5s %9s %8s %9s %14s %8s %9s%n", "contender", "parallel", "scale", "load s",
            "setup s", "compute s", "edges/s/iter", "total s", "RSS MB");
        for (final PageRankContender c : contenders)
        {
            out.printf("%-18s %-11s %5d %9.2f %8.2f %9.3f %,14.0f %8.2f %,9d%n", c.name, c.parallelism, c.scale,
                c.loadSeconds, c.buildSeconds, c.computeSeconds, c.edgesPerSecond(), c.totalSeconds, c.peakRssMb);
        }
        out.println();
        out.println("load: parse the edge list (ours: worker 1's; threads share it, processes each parse it); setup: " +
            "ours, partition, media driver, waiting for the other workers and gathering the results; baselines, " +
            "build the CSR, or the JGraphT graph and its PageRank's own index of it;");
        out.println("compute: the 20 iterations (ours: the sum of the superstep times, barriers and messages " +
            "included); total: the JVM's wall time, start to exit; RSS: peak (VmHWM), summed over our processes.");
        out.println();
        out.println("ratios to the CSR loop at the same scale (time or memory / the loop's; below 1 beats the loop):");
        out.printf("  %-18s %-11s %9s %9s %9s %12s %16s %10s%n", "contender", "parallel", "compute", "total", "RSS",
            "max |diff|", "edges/s/core", "RSS B/edge");
        for (final PageRankContender c : contenders)
        {
            if (c.key.startsWith("csr_loop"))
            {
                continue;
            }
            final PageRankContender csr = csrAt(c.scale);
            final Double difference = c.differences.get("csr_loop");
            out.printf("  %-18s %-11s %8.2fx %8.2fx %8.2fx %12s %,16.0f %10.1f%n", c.name, c.parallelism,
                c.computeSeconds / csr.computeSeconds, c.totalSeconds / csr.totalSeconds,
                (double)c.peakRssMb / csr.peakRssMb,
                null == difference || Double.isNaN(difference) ? "n/a" : String.format("%.1e", difference),
                c.edgesPerSecondPerCore(), c.rssBytesPerEdge());
        }
        final PageRankContender loop = csrAt(options.scale);
        out.printf("  %-18s %-11s %9s %9s %9s %12s %,16.0f %10.1f%n", loop.name, loop.parallelism, "1", "1", "1", "",
            loop.edgesPerSecondPerCore(), loop.rssBytesPerEdge());
        out.println(cost());
        for (final PageRankContender c : contenders)
        {
            final Double difference = c.differences.get("csr_loop");
            if (null != difference && !(difference < AGREEMENT))
            {
                out.printf("WARNING: %s %s ranks differ from the CSR loop's by %.3e (more than %.0e)%n", c.name,
                    c.parallelism, difference, AGREEMENT);
            }
        }
        out.println();
        for (final PageRankContender c : contenders)
        {
            if (!c.superstepMs.isEmpty())
            {
                out.printf("%s %s supersteps (ms): %s%n", c.name, c.parallelism, superstepSummary(c.superstepMs));
            }
        }
        for (final String note : notes)
        {
            out.println("NOTE: " + note);
        }
    }

    /**
     * COST (McSherry et al.): the fewest of our workers whose 20 iterations beat the single-thread loop's.
     */
    String cost()
    {
        final PageRankContender loop = csrAt(options.scale);
        int fewest = Integer.MAX_VALUE;
        int most = 0;
        for (final PageRankContender c : contenders)
        {
            if (c.key.startsWith("fabric_") && c.scale == options.scale)
            {
                most = Math.max(most, c.threads);
                if (c.computeSeconds < loop.computeSeconds)
                {
                    fewest = Math.min(fewest, c.threads);
                }
            }
        }
        return Integer.MAX_VALUE == fewest ?
            "COST: none of our runs (up to " + most + " workers) beat the single-thread loop" :
            "COST: " + fewest + " (the fewest of our workers that beat the single-thread loop)";
    }

    private static String superstepSummary(final List<Double> ms)
    {
        final StringBuilder summary = new StringBuilder();
        summary.append(String.format("first %.1f, last %.1f", ms.get(0), ms.get(ms.size() - 1)));
        if (ms.size() > 2)
        {
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            for (int i = 1; i < ms.size() - 1; i++)
            {
                sum += ms.get(i);
                min = Math.min(min, ms.get(i));
                max = Math.max(max, ms.get(i));
            }
            summary.append(String.format(", the %d between: mean %.1f, min %.1f, max %.1f", ms.size() - 2,
                sum / (ms.size() - 2), min, max));
        }
        return summary.toString();
    }

    List<Result> results()
    {
        final List<Result> results = new ArrayList<>();
        final String prefix = "graph_pagerank_";
        for (final PageRankContender c : contenders)
        {
            final String name = prefix + c.key;
            results.add(Result.value(name + "_seconds", "s", c.computeSeconds));
            results.add(Result.value(name + "_edges_per_second", "edges/s", c.edgesPerSecond()));
            results.add(Result.value(name + "_load_seconds", "s", c.loadSeconds));
            results.add(Result.value(name + "_setup_seconds", "s", c.buildSeconds));
            results.add(Result.value(name + "_total_seconds", "s", c.totalSeconds));
            results.add(Result.value(name + "_peak_rss_mb", "MB", c.peakRssMb));
            results.add(Result.value(name + "_edges_per_second_per_core", "edges/s", c.edgesPerSecondPerCore()));
            results.add(Result.value(name + "_rss_bytes_per_edge", "B", c.rssBytesPerEdge()));
            if (!Double.isNaN(c.medianStepMs))
            {
                results.add(Result.value(name + "_first_iteration_ms", "ms", c.firstStepMs));
                results.add(Result.value(name + "_median_iteration_ms", "ms", c.medianStepMs));
            }
        }
        for (final PageRankContender c : contenders)
        {
            if (!c.key.startsWith("csr_loop"))
            {
                final PageRankContender csr = csrAt(c.scale);
                results.add(Result.value(prefix + c.key + "_seconds_vs_csr_loop", "x",
                    c.computeSeconds / csr.computeSeconds));
                if (!Double.isNaN(c.medianStepMs) && !Double.isNaN(csr.medianStepMs))
                {
                    // The steady state alone: what is left of the ratio once the JIT has compiled both loops.
                    results.add(Result.value(prefix + c.key + "_median_iteration_vs_csr_loop", "x",
                        c.medianStepMs / csr.medianStepMs));
                }
            }
        }
        return results;
    }

    Map<String, String> config()
    {
        final Map<String, String> config = new LinkedHashMap<>();
        final PageRankContender first = contenders.get(0);
        config.put("graph", "R-MAT a=0.57 b=0.19 c=0.19, ids scrambled, duplicates and self-loops kept");
        config.put("scale", Integer.toString(options.scale));
        config.put("edge_factor", Integer.toString(options.edgeFactor));
        config.put("seed", Long.toString(options.seed));
        config.put("vertices", Long.toString(first.vertices));
        config.put("edges", Long.toString(first.edges));
        config.put("iterations", Integer.toString(GraphBenchmarkOptions.ITERATIONS));
        config.put("damping", Double.toString(GraphBenchmarkOptions.DAMPING));
        config.put("fabric", "scripts/shawarma pagerank (GraphMain): N workers as threads of one process (fabric_Nw) " +
            "or as processes (fabric_Np), over Aeron IPC through one media driver (SHARED), default idle strategy " +
            "(backoff); PageRank sends with sendToAllEdges (one value per vertex, gathered over in-edges)");
        config.put("cost", cost());
        config.put("heap", "-Xmx" + options.heap + " for every contender");
        config.put("csr_loop", "single-thread pull loop over int[] in-edge CSR, precomputed 1/outdeg");
        config.put("jgrapht", "org.jgrapht:jgrapht-core:1.5.3 PageRank on DirectedPseudograph<Long, DefaultEdge>, " +
            "tolerance Double.MIN_VALUE; setup includes its PageRank.Algorithm's constructor (its index of the graph " +
            "into arrays), compute is that Algorithm's getScores() (the iterations and its result map); " +
            "jgrapht-opt's sparse graphs are not served");
        for (final PageRankContender c : contenders)
        {
            if ("jgrapht".equals(c.key))
            {
                config.put("jgrapht_scale", Integer.toString(c.scale));
            }
        }
        final StringBuilder differences = new StringBuilder();
        for (final PageRankContender c : contenders)
        {
            final Double difference = c.differences.get("csr_loop");
            if (null != difference && !Double.isNaN(difference))
            {
                differences.append(differences.length() > 0 ? ", " : "").append(c.key).append(' ')
                    .append(String.format("%.1e", difference));
            }
        }
        config.put("max_abs_rank_diff_vs_csr_loop", differences.toString());
        final StringBuilder loadAverages = new StringBuilder();
        for (final PageRankContender c : contenders)
        {
            loadAverages.append(loadAverages.length() > 0 ? ", " : "").append(c.key).append(' ').append(c.loadAverage);
        }
        config.put("load_average_before", loadAverages.toString());
        config.put("timings", "seconds = the 20 iterations (ours: sum of superstep times); load = parse; setup = " +
            "partition/connect (ours) or graph build; total = JVM wall time; peak_rss_mb = VmHWM, summed over our " +
            "worker processes");
        if (!notes.isEmpty())
        {
            config.put("notes", String.join("; ", notes));
        }
        return config;
    }

    private PageRankContender csrAt(final int scale)
    {
        for (final PageRankContender contender : contenders)
        {
            if (contender.key.startsWith("csr_loop") && contender.scale == scale)
            {
                return contender;
            }
        }
        throw new IllegalStateException("no CSR loop at scale " + scale);
    }
}
