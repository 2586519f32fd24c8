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
    long vertices;
    long edges;
    double loadSeconds;
    double buildSeconds;
    double computeSeconds;
    double totalSeconds;
    long peakRssMb;
    String loadAverage;
    final List<Double> superstepMs = new ArrayList<>();
    final Map<String, Double> differences = new LinkedHashMap<>();

    PageRankContender(final String name, final String key, final String parallelism, final int scale)
    {
        this.name = name;
        this.key = key;
        this.parallelism = parallelism;
        this.scale = scale;
    }

    double edgesPerSecond()
    {
        return edges * (double)GraphBenchmarkOptions.ITERATIONS / computeSeconds;
    }
}
