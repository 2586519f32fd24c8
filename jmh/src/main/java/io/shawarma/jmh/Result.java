package io.shawarma.jmh;

import org.HdrHistogram.Histogram;

/**
 * One named figure of a run: a latency histogram (ns) or a single value with its unit.
 */
final class Result
{
    final String name;
    final String unit;
    final Histogram histogram;
    final double value;

    private Result(final String name, final String unit, final Histogram histogram, final double value)
    {
        this.name = name;
        this.unit = unit;
        this.histogram = histogram;
        this.value = value;
    }

    static Result latency(final String name, final Histogram histogram)
    {
        return new Result(name, "ns", histogram, 0);
    }

    static Result value(final String name, final String unit, final double value)
    {
        return new Result(name, unit, null, value);
    }

    /**
     * @return {@code ours / base} at a percentile of their latencies, as a value in unit {@code x}.
     */
    static Result ratio(final String name, final Result ours, final Result base, final double percentile)
    {
        return value(name, "x", (double)ours.histogram.getValueAtPercentile(percentile) /
            base.histogram.getValueAtPercentile(percentile));
    }

    boolean isLatency()
    {
        return null != histogram;
    }
}
