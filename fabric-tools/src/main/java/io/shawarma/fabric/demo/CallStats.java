package io.shawarma.fabric.demo;

import io.shawarma.udf.Status;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One row of the demo's table: the calls made on one path (or to show one status), how many ended in each status,
 * and their latency in a histogram of nanoseconds. Recording is allocation free.
 */
final class CallStats
{
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);
    private static final String ROW_FORMAT = "  %-16s %-42s %7s  %-30s %10s %10s%n";

    private final String name;
    private final String description;
    private final long[] countByStatus = new long[Status.values().length];
    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private final boolean applicable;
    private final List<String> notes = new ArrayList<>();
    private long calls;

    /**
     * @param name        short name of the path or status, first column.
     * @param description what the calls are.
     */
    CallStats(final String name, final String description)
    {
        this(name, description, true);
    }

    private CallStats(final String name, final String description, final boolean applicable)
    {
        this.name = name;
        this.description = description;
        this.applicable = applicable;
    }

    /**
     * A row for something that cannot be shown yet: printed with the reason instead of numbers.
     */
    static CallStats notApplicable(final String name, final String reason)
    {
        return new CallStats(name, reason, false);
    }

    /**
     * Records one call.
     *
     * @param status    its outcome.
     * @param latencyNs from the call to its answer (or refusal).
     */
    void record(final Status status, final long latencyNs)
    {
        calls++;
        countByStatus[status.ordinal()]++;
        histogram.recordValue(Math.min(Math.max(latencyNs, 0), HIGHEST_TRACKABLE_NS));
    }

    /**
     * Records an outcome whose latency was measured elsewhere (e.g. the answer to an asynchronous call).
     */
    void answered(final Status status)
    {
        countByStatus[status.ordinal()]++;
    }

    /**
     * Counts a call made without an outcome of its own yet (its outcome arrives later through {@link #answered}).
     */
    void recordSend(final long latencyNs)
    {
        calls++;
        histogram.recordValue(Math.min(Math.max(latencyNs, 0), HIGHEST_TRACKABLE_NS));
    }

    /**
     * @return calls recorded.
     */
    long calls()
    {
        return calls;
    }

    /**
     * @param status an outcome.
     * @return how many calls ended with it.
     */
    long count(final Status status)
    {
        return countByStatus[status.ordinal()];
    }

    /**
     * Adds a line under the row saying what the numbers mean or what the worker answered.
     */
    void note(final String note)
    {
        notes.add(note);
    }

    static void printHeader(final PrintStream out)
    {
        out.printf(ROW_FORMAT, "path / status", "what", "calls", "outcomes", "p50 us", "p99 us");
    }

    void print(final PrintStream out)
    {
        if (!applicable)
        {
            out.printf("  %-16s %s%n", name, description);
            return;
        }
        final StringBuilder outcomes = new StringBuilder();
        for (final Status status : Status.values())
        {
            final long count = countByStatus[status.ordinal()];
            if (count > 0)
            {
                outcomes.append(outcomes.length() == 0 ? "" : " ").append(status).append('=').append(count);
            }
        }
        final boolean hasLatency = histogram.getTotalCount() > 0;
        out.printf(ROW_FORMAT, name, description, calls, outcomes,
            hasLatency ? micros(histogram.getValueAtPercentile(50)) : "-",
            hasLatency ? micros(histogram.getValueAtPercentile(99)) : "-");
        for (final String note : notes)
        {
            out.printf("  %-16s   %s%n", "", note);
        }
    }

    static void printAll(final PrintStream out, final List<CallStats> rows)
    {
        printHeader(out);
        for (final CallStats row : rows)
        {
            row.print(out);
        }
    }

    private static String micros(final long ns)
    {
        return String.format("%.1f", ns / 1000.0);
    }
}
