package io.shawarma.jmh;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One PageRank contender's figures from one child JVM. */
final class PageRankContender
{
    final String name;
    final String key;
    final String parallelism;
    final int scale;
    /** The cores it computes on: our workers, or 1 for a single-thread baseline. */
    final int threads;
    long vertices;
    long edges;
    double loadSeconds;
    double buildSeconds;
    double computeSeconds;
    double totalSeconds;
    long peakRssMb;
    /** The first iteration's time (ours: superstep 1, the first that gathers), NaN when not reported. */
    double firstStepMs = Double.NaN;
    /** The median time of the other iterations, NaN when not reported. */
    double medianStepMs = Double.NaN;
    String loadAverage;
    final List<Double> superstepMs = new ArrayList<>();
    final Map<String, Double> differences = new LinkedHashMap<>();

    PageRankContender(
        final String name, final String key, final String parallelism, final int scale, final int threads)
    {
        this.name = name;
        this.key = key;
        this.parallelism = parallelism;
        this.scale = scale;
        this.threads = threads;
    }

    double edgesPerSecond()
    {
        return edges * (double)GraphBenchmarkOptions.ITERATIONS / computeSeconds;
    }

    double edgesPerSecondPerCore()
    {
        return edgesPerSecond() / threads;
    }

    double rssBytesPerEdge()
    {
        return peakRssMb * 1024.0 * 1024.0 / edges;
    }
}
