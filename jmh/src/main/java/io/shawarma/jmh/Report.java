package io.shawarma.jmh;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Prints a run's results as a table with ours/raw ratios, and writes them as {@code latest.json}.
 */
final class Report
{
    private static final String[][] PAIRS = {
        {"fabric_rpc_ipc_rtt", "aeron_raw_ipc_rtt"},
        {"fabric_rpc_udp_rtt", "aeron_raw_udp_rtt"},
        {"fabric_ipc_throughput", "aeron_raw_ipc_throughput"},
        {"fabric_udp_throughput", "aeron_raw_udp_throughput"}};

    private final List<Result> results;
    private final Map<String, String> config;

    Report(final List<Result> results, final Map<String, String> config)
    {
        this.results = results;
        this.config = config;
    }

    void print(final PrintStream out)
    {
        out.println();
        final String name = "%-" + nameWidth() + "s";
        out.printf(name + " %10s %10s %10s %10s %10s %10s %10s%n",
            "latency (us)", "p50", "p90", "p99", "p99.9", "p99.99", "max", "count");
        for (final Result result : results)
        {
            if (result.isLatency())
            {
                final Histogram h = result.histogram;
                out.printf(name + " %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f %,10d%n", result.name,
                    us(h, 50), us(h, 90), us(h, 99), us(h, 99.9), us(h, 99.99), h.getMaxValue() / 1000.0,
                    h.getTotalCount());
            }
        }
        out.println();
        for (final Result result : results)
        {
            if (!result.isLatency())
            {
                out.printf(name + " %,16.2f %s%n", result.name, result.value, result.unit);
            }
        }
        String header = "\nratios, ours / raw Aeron (same channel, message size and idle strategy, same run):";
        for (final String[] pair : PAIRS)
        {
            final Result ours = find(pair[0]);
            final Result raw = find(pair[1]);
            if (null == ours || null == raw)
            {
                continue;
            }
            if (null != header)
            {
                out.println(header);
                header = null;
            }
            if (ours.isLatency())
            {
                out.printf("  %-24s p50 %.2fx   p99 %.2fx   p99.9 %.2fx%n", pair[0] + " / raw",
                    ratio(ours, raw, 50), ratio(ours, raw, 99), ratio(ours, raw, 99.9));
            }
            else
            {
                out.printf("  %-24s %.2fx%n", pair[0] + " / raw", ours.value / raw.value);
            }
        }
    }

    void writeJson(final Path file) throws IOException
    {
        final StringBuilder json = new StringBuilder();
        json.append("{\n  \"timestamp\": \"").append(Instant.now()).append("\",\n");
        json.append("  \"machine\": {\"cpus\": ").append(Runtime.getRuntime().availableProcessors())
            .append(", \"java\": \"").append(escape(System.getProperty("java.version")))
            .append("\", \"os\": \"").append(escape(System.getProperty("os.name") + " " +
            System.getProperty("os.version") + " " + System.getProperty("os.arch"))).append("\"},\n");
        json.append("  \"config\": {");
        String separator = "";
        for (final Map.Entry<String, String> entry : config.entrySet())
        {
            json.append(separator).append('"').append(entry.getKey()).append("\": ")
                .append(jsonValue(entry.getValue()));
            separator = ", ";
        }
        json.append("},\n  \"results\": [\n");
        for (int i = 0; i < results.size(); i++)
        {
            final Result result = results.get(i);
            json.append("    {\"name\": \"").append(result.name).append("\", \"unit\": \"").append(result.unit)
                .append('"');
            if (result.isLatency())
            {
                final Histogram h = result.histogram;
                json.append(", \"p50\": ").append(h.getValueAtPercentile(50))
                    .append(", \"p90\": ").append(h.getValueAtPercentile(90))
                    .append(", \"p99\": ").append(h.getValueAtPercentile(99))
                    .append(", \"p999\": ").append(h.getValueAtPercentile(99.9))
                    .append(", \"p9999\": ").append(h.getValueAtPercentile(99.99))
                    .append(", \"max\": ").append(h.getMaxValue())
                    .append(", \"count\": ").append(h.getTotalCount());
            }
            else
            {
                json.append(", \"value\": ").append(String.format("%.3f", result.value));
            }
            json.append(i + 1 < results.size() ? "},\n" : "}\n");
        }
        json.append("  ]\n}\n");
        Files.writeString(file, json, StandardCharsets.UTF_8);
    }

    private int nameWidth()
    {
        int width = 30;
        for (final Result result : results)
        {
            width = Math.max(width, result.name.length());
        }
        return width;
    }

    private Result find(final String name)
    {
        for (final Result result : results)
        {
            if (result.name.equals(name))
            {
                return result;
            }
        }
        return null;
    }

    private static double ratio(final Result ours, final Result raw, final double percentile)
    {
        return (double)ours.histogram.getValueAtPercentile(percentile) / raw.histogram.getValueAtPercentile(percentile);
    }

    private static double us(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    private static String jsonValue(final String value)
    {
        return value.matches("-?\\d+") ? value : "\"" + escape(value) + "\"";
    }

    private static String escape(final String text)
    {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
