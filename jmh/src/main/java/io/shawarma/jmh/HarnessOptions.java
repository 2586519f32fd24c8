package io.shawarma.jmh;

import static io.shawarma.jmh.OptionValues.positive;
import static io.shawarma.jmh.OptionValues.value;

import java.nio.file.Path;

/**
 * Command line of {@link LatencyHarness}.
 */
final class HarnessOptions
{
    static final String USAGE = String.join("\n",
        "usage: shawarma bench [--quick] [--idle NAME] [--pin] [--out DIR] [--warmup N] [--count N]",
        "                      [--throughput-messages N] [--window N] [--keys N]",
        "                      [--local-only]",
        "",
        "Ping-pong round trips and pipelined throughput, raw Aeron and Shawarma side by side on the same channel,",
        "message size and idle strategy, in one run; then local invokes (the calls of VertexPathBenchmark) timed one",
        "by one and in batches. The store kind is shawarma.store (-Dshawarma.store=KIND), for the worker and the",
        "local invoke alike.",
        "",
        "  --quick                 fewer round trips (finishes in under a minute)",
        "  --idle NAME             one idle strategy for every thread (busy-spin, noop, yielding, backoff, sleeping);",
        "                          default: busy-spin over IPC, yielding over UDP (busy-spinning threads starve the",
        "                          media driver's thread over UDP on 2 cores)",
        "  --pin                   pin the ping thread to CPU 1 and the pong/worker thread to CPU 0",
        "  --out DIR               where latest.json and the plot go (default bench-results)",
        "  --warmup N              round trips before recording, per measurement (local invokes: the least number",
        "                          of warm-up calls; they also warm up until C2 has compiled them)",
        "  --count N               recorded round trips per measurement",
        "  --throughput-messages N messages per throughput measurement",
        "  --window N              most messages in flight in the throughput measurements (default 256)",
        "  --keys N                call random vertices among N (the worker's and the local store hold N) instead",
        "                          of one hot vertex (default)",
        "  --local-only            only the local invokes (no media driver, no child processes)");

    boolean help;
    boolean quick;
    String idle;
    boolean pin;
    Path out = Path.of("bench-results");
    int warmup = -1;
    int count = -1;
    int throughputMessages = -1;
    int window = 256;
    int keys;
    boolean localOnly;

    static HarnessOptions parse(final String[] args)
    {
        final HarnessOptions options = new HarnessOptions();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--help":
                case "-h":
                    options.help = true;
                    break;
                case "--quick":
                    options.quick = true;
                    break;
                case "--local-only":
                    options.localOnly = true;
                    break;
                case "--pin":
                    options.pin = true;
                    break;
                case "--idle":
                    options.idle = value(args, ++i);
                    break;
                case "--out":
                    options.out = Path.of(value(args, ++i));
                    break;
                case "--warmup":
                    options.warmup = positive(args, ++i);
                    break;
                case "--count":
                    options.count = positive(args, ++i);
                    break;
                case "--throughput-messages":
                    options.throughputMessages = positive(args, ++i);
                    break;
                case "--window":
                    options.window = positive(args, ++i);
                    break;
                case "--keys":
                    options.keys = positive(args, ++i);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        options.warmup = options.warmup > 0 ? options.warmup : options.quick ? 20_000 : 100_000;
        options.count = options.count > 0 ? options.count : options.quick ? 50_000 : 500_000;
        options.throughputMessages = options.throughputMessages > 0 ? options.throughputMessages :
            options.quick ? 200_000 : 2_000_000;
        return options;
    }

    /**
     * @param channel ipc or udp.
     * @return the idle strategy every thread uses for that channel.
     */
    String idleFor(final String channel)
    {
        return null != idle ? idle : "ipc".equals(channel) ? "busy-spin" : "yielding";
    }
}
