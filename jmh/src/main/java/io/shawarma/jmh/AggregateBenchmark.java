package io.shawarma.jmh;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.aggregate.GridNetwork;
import io.shawarma.fabric.process.ChildJvm;
import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/shawarma bench aggregate}: rounds per second of two aggregate programs, hop count and the
 * distance-to gradient (classic {@code rep}/{@code nbr}/{@code minHood} forms), on grids, in one run, each
 * contender in its own JVM: ours ({@code scripts/shawarma aggregate}, synchronous rounds, 1 and 2 worker processes),
 * Protelis ({@link ProtelisGridMain}, the same programs in Protelis's language, the same synchronous schedule) and
 * the hand-written loop ({@link HandLoopGridMain}: the same rounds as a single-thread array loop, the limit for one
 * core, like COST for graphs).
 * Every contender runs the same number of rounds from the same source, and the values of every device after the
 * last round are checked identical (not yet converged values included). Protelis runs on grids of up to
 * {@link #PROTELIS_MAX_DEVICES} devices; past that (1000x1000) ours is checked against the loop. The gradient is also
 * run written with {@code exchange} and with {@code share}, for what exchange costs. For ours it also reads worker
 * 1's heap used after GC and the bytes it sent its peers (printed by {@code AggregateMain}). Writes
 * {@code aggregate.json} in the form of {@code latest.json}.
 */
public final class AggregateBenchmark
{
    static final String USAGE = String.join("\n",
        "usage: shawarma bench aggregate [--quick | --side N | --grid WxH] [--rounds N] [--out DIR]",
        "",
        "Rounds/s of hop count and gradient: ours (1 and 2 worker processes) vs Protelis 13.0.3 (grids of up to",
        "40,000 devices) and vs a hand-written single-thread loop, each in its own JVM, values checked identical;",
        "and the gradient written with exchange vs with share (ours, 1 worker). For ours also: memory (worker 1's",
        "heap used after GC / its devices) and the bytes worker 1 sent its peers per round. Full run: 100x100 for",
        "200 rounds, 200x200 for 20 and 1000x1000 (a million devices, no Protelis) for 20 (Protelis takes about",
        "5 minutes on a quiet 2-core machine); --quick: 100x100 for 30 rounds.",
        "",
        "  --quick     the small run",
        "  --side N    one N x N grid only (20 rounds unless --rounds), e.g. --side 1000",
        "  --grid WxH  one W x H grid only",
        "  --rounds N  the rounds of every grid run",
        "  --out DIR   where aggregate.json goes (default bench-results)");

    /** The figure of the second half of the rounds, after the JIT has warmed up. */
    static final String WARM_SECONDS = "warm_seconds";

    private static final String AGGREGATE_MAIN = "io.shawarma.fabric.aggregate.AggregateMain";
    private static final List<String> PROGRAMS = List.of("hopcount", "gradient");
    /** The same gradient with exchange and with share: what exchange costs over share. */
    private static final String XC_GRADIENT = "xc-gradient";
    private static final String SHARE_GRADIENT = "share-gradient";
    /** Protelis runs on grids up to this size only (200x200 takes it minutes). */
    private static final int PROTELIS_MAX_DEVICES = 40_000;
    private static final int DEFAULT_ROUNDS = 20;
    private static final String SOURCE = "0";
    private static final String PROTELIS = "protelis";
    private static final String LOOP = "loop";
    private static final long CHILD_TIMEOUT_MS = 3_600_000L;
    private static final Pattern OUR_ROUNDS = Pattern.compile("aggregate worker 1: (\\d+) rounds took (\\S+) s");
    private static final Pattern OUR_FIGURES = Pattern.compile("aggregate worker 1: sent (\\d+) bytes to its peers " +
        "in (\\d+) rounds; heap used after GC (\\d+) bytes for its (\\d+) devices");
    private static final Pattern OUR_ROUND =
        Pattern.compile("(?m)\\] round (\\d+) devices \\d+ changed \\d+ (?:waited \\S+ ms )?time (\\S+) ms$");

    private final List<AggregateRun> runs = new ArrayList<>();
    private volatile ChildJvm running;

    private AggregateBenchmark()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        boolean quick = false;
        String grid = null;
        int rounds = 0;
        Path out = Path.of("bench-results");
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--quick":
                        quick = true;
                        break;
                    case "--grid":
                        grid = OptionValues.value(args, ++i);
                        break;
                    case "--side":
                        final int side = OptionValues.positive(args, ++i);
                        grid = side + "x" + side;
                        break;
                    case "--rounds":
                        rounds = OptionValues.positive(args, ++i);
                        break;
                    case "--out":
                        out = Path.of(OptionValues.value(args, ++i));
                        break;
                    case "--help":
                    case "-h":
                        System.out.println(USAGE);
                        return;
                    default:
                        System.err.println("shawarma bench aggregate: unknown option '" + args[i] + "'\n" + USAGE);
                        System.exit(2);
                        return;
                }
            }
            if (null != grid)
            {
                GridNetwork.parseSize(grid);
            }
            new AggregateBenchmark().run(quick, grid, rounds, out);
        }
        catch (final IllegalStateException | IllegalArgumentException ex)
        {
            System.err.println("shawarma bench aggregate: " + ex.getMessage());
            System.exit(1);
        }
    }

    private void run(final boolean quick, final String oneGrid, final int oneGridRounds, final Path out)
        throws IOException
    {
        final Map<String, Integer> grids = new LinkedHashMap<>();
        if (null != oneGrid)
        {
            grids.put(oneGrid, 0 != oneGridRounds ? oneGridRounds : DEFAULT_ROUNDS);
        }
        else
        {
            grids.put("100x100", 0 != oneGridRounds ? oneGridRounds : quick ? 30 : 200);
        }
        if (!quick && null == oneGrid)
        {
            grids.put("200x200", 0 != oneGridRounds ? oneGridRounds : DEFAULT_ROUNDS);
            grids.put("1000x1000", 0 != oneGridRounds ? oneGridRounds : DEFAULT_ROUNDS);
        }
        System.out.printf("shawarma bench aggregate: %s, synchronous rounds from device %s; %d CPUs%n", PROGRAMS,
            SOURCE, Runtime.getRuntime().availableProcessors());
        final Path dir = Files.createTempDirectory("shawarma-bench-aggregate");
        // On Ctrl-C, stop the contender that runs (AggregateMain stops its own workers on SIGTERM).
        final Thread stopChild = new Thread(() ->
        {
            final ChildJvm child = running;
            if (null != child)
            {
                child.close();
            }
        }, "shawarma-bench-aggregate-stop");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try
        {
            for (final Map.Entry<String, Integer> grid : grids.entrySet())
            {
                final int[] size = GridNetwork.parseSize(grid.getKey());
                final boolean withProtelis = (long)size[0] * size[1] <= PROTELIS_MAX_DEVICES;
                for (final String program : PROGRAMS)
                {
                    final AggregateRun protelis =
                        withProtelis ? protelis(dir, grid.getKey(), program, grid.getValue()) : null;
                    final AggregateRun loop = loop(dir, grid.getKey(), program, grid.getValue());
                    loop.identical = null == protelis || AggregateRun.sameValues(loop.values, protelis.values);
                    for (int workers = 1; workers <= 2; workers++)
                    {
                        final AggregateRun ours = ours(dir, grid.getKey(), program, grid.getValue(), workers);
                        ours.identical = (null == protelis || AggregateRun.sameValues(ours.values, protelis.values)) &&
                            AggregateRun.sameValues(ours.values, loop.values);
                        if (null != protelis)
                        {
                            protelis.identical &= ours.identical;
                        }
                    }
                }
                final AggregateRun shareLoop = loop(dir, grid.getKey(), SHARE_GRADIENT, grid.getValue());
                for (final String program : List.of(SHARE_GRADIENT, XC_GRADIENT))
                {
                    final AggregateRun ours = ours(dir, grid.getKey(), program, grid.getValue(), 1);
                    ours.identical = AggregateRun.sameValues(ours.values, shareLoop.values);
                }
            }
            print();
            IoUtil.ensureDirectoryExists(out.toFile(), "bench results");
            final Path json = out.resolve("aggregate.json");
            new Report(results(), config(null != oneGrid ? "smoke " + oneGrid : quick ? "quick" : "full"))
                .writeJson(json);
            System.out.println("wrote " + json);
        }
        finally
        {
            Runtime.getRuntime().removeShutdownHook(stopChild);
            IoUtil.delete(dir.toFile(), true);
        }
    }

    private AggregateRun ours(
        final Path dir, final String grid, final String program, final int rounds, final int workers)
    {
        final AggregateRun run = new AggregateRun("shawarma (ours)", "fabric_" + workers + "w", grid, program, rounds);
        run.values = dir.resolve(program + "-" + grid + "-" + run.key + ".tsv");
        final String lines = runChild(run, AGGREGATE_MAIN, List.of("--program", program, "--grid", grid,
            "--rounds", Integer.toString(rounds), "--workers", Integer.toString(workers), "--sources", SOURCE,
            "--out", run.values.toString()));
        final Matcher matcher = OUR_ROUNDS.matcher(lines);
        if (!matcher.find())
        {
            throw new IllegalStateException(run.contender + " printed no round time:\n" + lines);
        }
        run.seconds = Double.parseDouble(matcher.group(2).replace(',', '.'));
        final Matcher figures = OUR_FIGURES.matcher(lines);
        if (figures.find())
        {
            run.bytesPerRound = Double.parseDouble(figures.group(1)) / Math.max(1, Integer.parseInt(figures.group(2)));
            run.bytesPerDevice = Double.parseDouble(figures.group(3)) / Math.max(1, Integer.parseInt(figures.group(4)));
        }
        final Matcher round = OUR_ROUND.matcher(lines);
        while (round.find())
        {
            if (Integer.parseInt(round.group(1)) >= rounds / 2)
            {
                run.warmSeconds += Double.parseDouble(round.group(2).replace(',', '.')) / 1000.0;
            }
        }
        if (0 == run.warmSeconds)
        {
            throw new IllegalStateException(run.contender + " printed no round lines:\n" + lines);
        }
        return add(run);
    }

    private AggregateRun protelis(final Path dir, final String grid, final String program, final int rounds)
    {
        final AggregateRun run = new AggregateRun("Protelis 13.0.3", PROTELIS, grid, program, rounds);
        run.values = dir.resolve(program + "-" + grid + "-protelis.tsv");
        final String lines = runChild(run, ProtelisGridMain.class.getName(), List.of(program, grid,
            Integer.toString(rounds), SOURCE, run.values.toString()));
        run.seconds = figure(run, lines, ContenderFigures.COMPUTE_SECONDS);
        run.warmSeconds = figure(run, lines, WARM_SECONDS);
        return add(run);
    }

    private AggregateRun loop(final Path dir, final String grid, final String program, final int rounds)
    {
        final AggregateRun run = new AggregateRun("hand loop", LOOP, grid, program, rounds);
        run.values = dir.resolve(program + "-" + grid + "-loop.tsv");
        final String lines = runChild(run, HandLoopGridMain.class.getName(), List.of(program, grid,
            Integer.toString(rounds), SOURCE, run.values.toString()));
        run.seconds = figure(run, lines, ContenderFigures.COMPUTE_SECONDS);
        run.warmSeconds = figure(run, lines, WARM_SECONDS);
        return add(run);
    }

    private static double figure(final AggregateRun run, final String lines, final String name)
    {
        final Matcher matcher = Pattern.compile(ContenderFigures.PREFIX + name + " (\\S+)").matcher(lines);
        if (!matcher.find())
        {
            throw new IllegalStateException(run.contender + " printed no " + name + " figure:\n" + lines);
        }
        return Double.parseDouble(matcher.group(1));
    }

    private String runChild(final AggregateRun run, final String mainClass, final List<String> args)
    {
        run.loadAverage = ContenderRunner.loadAverage();
        System.out.printf("running %s %s on %s, %d rounds (load average %s)...%n", run.contender, run.key,
            run.grid, run.rounds, run.loadAverage);
        try (ChildJvm child = new ChildJvm(run.contender, mainClass, Map.of(), args, "(not waited for)", null))
        {
            running = child;
            final int exitCode = child.awaitExit(CHILD_TIMEOUT_MS);
            if (0 != exitCode)
            {
                throw new IllegalStateException(run.contender + " failed with exit code " + exitCode + ":\n" +
                    child.lastLines());
            }
            return child.lastLines();
        }
        finally
        {
            running = null;
        }
    }

    private AggregateRun add(final AggregateRun run)
    {
        runs.add(run);
        return run;
    }

    private AggregateRun protelisOf(final AggregateRun run)
    {
        return contenderOf(run, PROTELIS, run.program);
    }

    private AggregateRun loopOf(final AggregateRun run)
    {
        // The loop's share rounds are the yardstick of both the share and the exchange gradient.
        return contenderOf(run, LOOP, XC_GRADIENT.equals(run.program) ? SHARE_GRADIENT : run.program);
    }

    /**
     * @return the run of a contender on the same grid, or null when there is none (no Protelis past
     * {@link #PROTELIS_MAX_DEVICES}).
     */
    private AggregateRun contenderOf(final AggregateRun run, final String key, final String program)
    {
        for (final AggregateRun other : runs)
        {
            if (key.equals(other.key) && other.grid.equals(run.grid) && other.program.equals(program))
            {
                return other;
            }
        }
        return null;
    }

    private static boolean isOurs(final AggregateRun run)
    {
        return !PROTELIS.equals(run.key) && !LOOP.equals(run.key);
    }

    private void print()
    {
        System.out.println();
        System.out.printf("%-14s %-9s %-16s %-9s %6s %9s %9s %8s %10s %8s %9s %9s %9s %9s%n", "program", "grid",
            "contender", "parallel", "rounds", "seconds", "rounds/s", "vs Prot.", "warm r/s", "vs Prot.",
            "warm time", "B/device", "B/round", "values");
        for (final AggregateRun run : runs)
        {
            final AggregateRun protelis = protelisOf(run);
            System.out.printf("%-14s %-9s %-16s %-9s %6d %9.3f %9.1f %8s %10.1f %8s %8.2fx %9s %9s %9s%n",
                run.program, run.grid, run.contender, parallelism(run), run.rounds, run.seconds,
                run.roundsPerSecond(), times(run.roundsPerSecond(), null == protelis ? 0 : protelis.roundsPerSecond()),
                run.warmRoundsPerSecond(),
                times(run.warmRoundsPerSecond(), null == protelis ? 0 : protelis.warmRoundsPerSecond()),
                loopOf(run).warmRoundsPerSecond() / run.warmRoundsPerSecond(), whole(run.bytesPerDevice),
                whole(run.bytesPerRound), run.identical ? "identical" : "DIFFER");
        }
        System.out.println();
        for (final AggregateRun run : runs)
        {
            final AggregateRun twoWorkers = contenderOf(run, "fabric_2w", run.program);
            if ("fabric_1w".equals(run.key) && null != twoWorkers)
            {
                System.out.printf("%s %s: 2 workers / 1 worker rounds/s %.2fx (warm %.2fx)%n", run.program, run.grid,
                    twoWorkers.roundsPerSecond() / run.roundsPerSecond(),
                    twoWorkers.warmRoundsPerSecond() / run.warmRoundsPerSecond());
            }
            final AggregateRun share = contenderOf(run, "fabric_1w", SHARE_GRADIENT);
            if ("fabric_1w".equals(run.key) && XC_GRADIENT.equals(run.program) && null != share)
            {
                System.out.printf("%s %s: exchange / share time per round %.2fx (warm %.2fx)%n", run.program,
                    run.grid, share.roundsPerSecond() / run.roundsPerSecond(),
                    share.warmRoundsPerSecond() / run.warmRoundsPerSecond());
            }
        }
        System.out.println();
        System.out.println("seconds: ours, worker 1's rounds from the moment every worker is ready (devices, export " +
            "exchange and waits), setup and output excluded; Protelis, its rounds loop, parsing and setup excluded. " +
            "Both include JIT warm-up; " +
            "warm: the second half of the rounds only. warm time: the contender's warm time per round over the " +
            "hand loop's (ours / loop; 1.0x is the limit for one core; share-gradient and xc-gradient against the " +
            "loop's share rounds). B/device: worker 1's JVM heap used after GC (its share of the network, its " +
            "engine, the whole network's edge list) over worker 1's devices. B/round: bytes worker 1 sent to its " +
            "peer per round (Aeron frames: exports of its boundary devices, round marks).");
        for (final AggregateRun run : runs)
        {
            if (!run.identical)
            {
                System.out.printf("WARNING: %s %s values on %s differ from the other contenders'%n", run.program,
                    run.key, run.grid);
            }
        }
    }

    private static String times(final double value, final double reference)
    {
        return 0 == reference ? "-" : String.format("%.1fx", value / reference);
    }

    private static String whole(final double value)
    {
        return Double.isNaN(value) ? "-" : String.format("%.0f", value);
    }

    private static String parallelism(final AggregateRun run)
    {
        return !isOurs(run) ? "1 thread" : run.key.charAt(7) + " worker" + ("fabric_1w".equals(run.key) ? "" : "s");
    }

    private List<Result> results()
    {
        final List<Result> results = new ArrayList<>();
        for (final AggregateRun run : runs)
        {
            final String name = "aggregate_" + run.program + "_" + run.grid + "_" + run.key;
            results.add(Result.value(name + "_rounds_per_second", "rounds/s", run.roundsPerSecond()));
            results.add(Result.value(name + "_warm_rounds_per_second", "rounds/s", run.warmRoundsPerSecond()));
            results.add(Result.value(name + "_seconds", "s", run.seconds));
            if (!isOurs(run))
            {
                continue;
            }
            final AggregateRun protelis = protelisOf(run);
            if (null != protelis)
            {
                results.add(Result.value(name + "_vs_protelis", "x",
                    run.roundsPerSecond() / protelis.roundsPerSecond()));
                results.add(Result.value(name + "_warm_vs_protelis", "x",
                    run.warmRoundsPerSecond() / protelis.warmRoundsPerSecond()));
            }
            // Time per round over the loop's: the "ours / hand loop" (lower is better, 1 the limit).
            results.add(Result.value(name + "_time_vs_loop", "x",
                loopOf(run).roundsPerSecond() / run.roundsPerSecond()));
            results.add(Result.value(name + "_warm_time_vs_loop", "x",
                loopOf(run).warmRoundsPerSecond() / run.warmRoundsPerSecond()));
            if (!Double.isNaN(run.bytesPerDevice))
            {
                results.add(Result.value(name + "_heap_bytes_per_device", "B", run.bytesPerDevice));
                results.add(Result.value(name + "_bytes_sent_per_round", "B", run.bytesPerRound));
            }
            final AggregateRun twoWorkers = contenderOf(run, "fabric_2w", run.program);
            if ("fabric_1w".equals(run.key) && null != twoWorkers)
            {
                results.add(Result.value(name + "_2w_speedup", "x",
                    twoWorkers.roundsPerSecond() / run.roundsPerSecond()));
                results.add(Result.value(name + "_2w_warm_speedup", "x",
                    twoWorkers.warmRoundsPerSecond() / run.warmRoundsPerSecond()));
            }
            final AggregateRun share = contenderOf(run, "fabric_1w", SHARE_GRADIENT);
            if ("fabric_1w".equals(run.key) && XC_GRADIENT.equals(run.program) && null != share)
            {
                results.add(Result.value(name + "_time_vs_share", "x",
                    share.roundsPerSecond() / run.roundsPerSecond()));
                results.add(Result.value(name + "_warm_time_vs_share", "x",
                    share.warmRoundsPerSecond() / run.warmRoundsPerSecond()));
            }
        }
        return results;
    }

    private Map<String, String> config(final String kind)
    {
        final Map<String, String> config = new LinkedHashMap<>();
        config.put("run", kind);
        config.put("programs", "hopcount: rep(d <- inf) { mux(source) { 0 } else { minHood(nbr(d)) + 1 } }; " +
            "gradient: rep(d <- inf) { mux(source) { 0 } else { minHood(nbr(d) + nbrRange) } }; " +
            "share-gradient: share(inf) { (d) => mux(source) { 0 } else { minHoodPlus(d + nbrRange) } }; " +
            "xc-gradient: exchange(inf) { (n) => retsend(mux(source) { 0 } else { minHoodPlus(n + nbrRange) }) }");
        config.put("network", "grids, 4 neighbours at range 1, device id y*W+x, source device " + SOURCE);
        config.put("schedule", "synchronous rounds: every device against its neighbours' exports of the round " +
            "before; the same number of rounds for every contender");
        config.put("fabric", "scripts/shawarma aggregate (AggregateMain), N worker processes over Aeron IPC (one " +
            "media driver); workers' idle strategy " +
            System.getProperty(Configuration.IDLE_PROP, Configuration.IDLE_DEFAULT) + ", the media driver's " +
            System.getProperty(Configuration.DRIVER_IDLE_PROP, "sleeping") + "; seconds = worker 1's rounds from " +
            "the moment every worker is ready, export exchange and waits included");
        config.put("loop", "io.shawarma.fabric.aggregate.HandLoop: the same rounds (rep + nbr: a value moves one " +
            "hop every two rounds) as one thread's loop over CSR arrays of the grid; seconds = the rounds loop");
        config.put("protelis", "org.protelis:protelis-interpreter:13.0.3, one ProtelisVM per device (the parsed " +
            "syntax tree copied per device), in one thread; seconds = the rounds loop");
        final StringBuilder identical = new StringBuilder();
        final StringBuilder loadAverages = new StringBuilder();
        for (final AggregateRun run : runs)
        {
            final String label = run.program + "_" + run.grid + "_" + run.key;
            identical.append(identical.length() > 0 ? ", " : "").append(label).append(' ').append(run.identical);
            loadAverages.append(loadAverages.length() > 0 ? ", " : "").append(label).append(' ')
                .append(run.loadAverage);
        }
        config.put("values_identical_to_protelis", identical.toString());
        config.put("load_average_before", loadAverages.toString());
        return config;
    }
}
