package io.shawarma.jmh;

import java.nio.file.Path;

import static io.shawarma.jmh.OptionValues.positive;
import static io.shawarma.jmh.OptionValues.value;

/**
 * Command line of {@link SchedulerBenchmark}.
 */
final class SchedulerBenchmarkOptions
{
    static final String USAGE = String.join("\n",
        "usage: shawarma bench scheduler [--quick] [--idle NAME] [--out DIR] [--seconds N] [--warmup-ms N]",
        "                                [--phase-ms N] [--lease-ms N] [--rounds N]",
        "",
        "Three in-process workers on loopback UDP (one shared media driver) and three client threads run four",
        "workloads (hot remote read, contended counter, 64 KiB value, shifting mix) under each scheduler policy",
        "(cost model, always forward, always borrow), in interleaved slices; throughput and latency per policy,",
        "scheduler.json.",
        "",
        "  --quick          short runs (CI-safe smoke run, well under a minute)",
        "  --idle NAME      idle strategy of every thread (default backoff, kind to a shared machine;",
        "                   yielding is faster)",
        "  --out DIR        where scheduler.json goes (default bench-results)",
        "  --seconds N      measured seconds per slice (one workload, one policy, one round; default 1)",
        "  --warmup-ms N    unmeasured warm-up at the start of each slice (default 200)",
        "  --phase-ms N     length of each phase of the shifting mix (default 250)",
        "  --lease-ms N     borrow lease duration (default 20)",
        "  --rounds N       slices per workload and policy, order rotating; throughput is the median (default 5,",
        "                   quick 1)",
        "",
        "A full run starts with one unrecorded slice of every workload and policy, so none pays for the JIT.");

    boolean help;
    boolean quick;
    String idle = "backoff";
    Path out = Path.of("bench-results");
    long measureNs = -1;
    long warmupNs = -1;
    long phaseNs = -1;
    long leaseNs = 20_000_000L;
    int rounds = -1;
    boolean warmupRound;

    static SchedulerBenchmarkOptions parse(final String[] args)
    {
        final SchedulerBenchmarkOptions options = new SchedulerBenchmarkOptions();
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
                case "--idle":
                    options.idle = value(args, ++i);
                    break;
                case "--out":
                    options.out = Path.of(value(args, ++i));
                    break;
                case "--seconds":
                    options.measureNs = positive(args, ++i) * 1_000_000_000L;
                    break;
                case "--warmup-ms":
                    options.warmupNs = positive(args, ++i) * 1_000_000L;
                    break;
                case "--phase-ms":
                    options.phaseNs = positive(args, ++i) * 1_000_000L;
                    break;
                case "--rounds":
                    options.rounds = positive(args, ++i);
                    break;
                case "--lease-ms":
                    options.leaseNs = positive(args, ++i) * 1_000_000L;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        options.measureNs = options.measureNs > 0 ? options.measureNs : options.quick ? 300_000_000L : 1_000_000_000L;
        options.warmupNs = options.warmupNs > 0 ? options.warmupNs : options.quick ? 100_000_000L : 200_000_000L;
        options.phaseNs = options.phaseNs > 0 ? options.phaseNs : options.quick ? 100_000_000L : 250_000_000L;
        options.rounds = options.rounds > 0 ? options.rounds : options.quick ? 1 : 5;
        options.warmupRound = !options.quick;
        return options;
    }
}
