package io.shawarma.jmh;

import io.shawarma.fabric.Configuration;
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
 * last round are checked identical (not yet converged values included). Writes {@code aggregate.json} in the form
 * of {@code latest.json}.
 */
public final class AggregateBenchmark
{
    static final String USAGE = String.join("\n",
        "usage: shawarma bench aggregate [--quick | --grid WxH --rounds N] [--out DIR]",
        "",
        "Rounds/s of hop count and gradient: ours (1 and 2 worker processes) vs Protelis 13.0.3 and vs a",
        "hand-written single-thread loop, each in its own JVM, values checked identical. Full run: 100x100 for",
        "200 rounds and 200x200 for 20 rounds (Protelis takes about 5 minutes on a quiet 2-core machine);",
        "--quick: 100x100 for 30 rounds.",
        "",
        "  --quick    the small run",
        "  --grid WxH --rounds N  one grid only (a smoke test of the harness)",
        "  --out DIR  where aggregate.json goes (default bench-results)");

    /** The figure of the second half of the rounds, after the JIT has warmed up. */
    static final String WARM_SECONDS = "warm_seconds";

    private static final String AGGREGATE_MAIN = "io.shawarma.fabric.aggregate.AggregateMain";
    private static final List<String> PROGRAMS = List.of("hopcount", "gradient");
    private static final String SOURCE = "0";
    private static final String PROTELIS = "protelis";
    private static final String LOOP = "loop";
    private static final long CHILD_TIMEOUT_MS = 3_600_000L;
    private static final Pattern OUR_ROUNDS = Pattern.compile("aggregate worker 1: (\\d+) rounds took (\\S+) s");
    private static final Pattern OUR_ROUND =
        Pattern.compile("(?m)\\] round (\\d+) devices \\d+ changed \\d+ (?:waited \\S+ ms )?time (\\S+) ms$");

    /** One contender's run of one program on one grid. */
    private static final class Run
    {
        final String contender;
        final String key;
        final String grid;
        final String program;
        final int rounds;
        double seconds;
        double warmSeconds;
        String loadAverage;
        Path values;
        boolean identical = true;

        Run(final String contender, final String key, final String grid, final String program, final int rounds)
        {
            this.contender = contender;
            this.key = key;
            this.grid = grid;
            this.program = program;
            this.rounds = rounds;
        }

        double roundsPerSecond()
        {
            return rounds / seconds;
        }

        double warmRoundsPerSecond()
        {
            return (rounds - rounds / 2) / warmSeconds;
        }
    }

    private final List<Run> runs = new ArrayList<>();
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
            if ((null == grid) != (0 == rounds))
            {
                throw new IllegalStateException("--grid and --rounds go together");
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
            grids.put(oneGrid, oneGridRounds);
        }
        else
        {
            grids.put("100x100", quick ? 30 : 200);
        }
        if (!quick && null == oneGrid)
        {
            grids.put("200x200", 20);
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
                for (final String program : PROGRAMS)
                {
                    final Run protelis = protelis(dir, grid.getKey(), program, grid.getValue());
                    final Run loop = loop(dir, grid.getKey(), program, grid.getValue());
                    loop.identical = sameValues(loop.values, protelis.values);
                    for (int workers = 1; workers <= 2; workers++)
                    {
                        final Run ours = ours(dir, grid.getKey(), program, grid.getValue(), workers);
                        ours.identical = sameValues(ours.values, protelis.values) &&
                            sameValues(ours.values, loop.values);
                        protelis.identical &= ours.identical;
                    }
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

    private Run ours(final Path dir, final String grid, final String program, final int rounds, final int workers)
    {
        final Run run = new Run("shawarma (ours)", "fabric_" + workers + "w", grid, program, rounds);
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

    private Run protelis(final Path dir, final String grid, final String program, final int rounds)
    {
        final Run run = new Run("Protelis 13.0.3", PROTELIS, grid, program, rounds);
        run.values = dir.resolve(program + "-" + grid + "-protelis.tsv");
        final String lines = runChild(run, ProtelisGridMain.class.getName(), List.of(program, grid,
            Integer.toString(rounds), SOURCE, run.values.toString()));
        run.seconds = figure(run, lines, ContenderFigures.COMPUTE_SECONDS);
        run.warmSeconds = figure(run, lines, WARM_SECONDS);
        return add(run);
    }

    private Run loop(final Path dir, final String grid, final String program, final int rounds)
    {
        final Run run = new Run("hand loop", LOOP, grid, program, rounds);
        run.values = dir.resolve(program + "-" + grid + "-loop.tsv");
        final String lines = runChild(run, HandLoopGridMain.class.getName(), List.of(program, grid,
            Integer.toString(rounds), SOURCE, run.values.toString()));
        run.seconds = figure(run, lines, ContenderFigures.COMPUTE_SECONDS);
        run.warmSeconds = figure(run, lines, WARM_SECONDS);
        return add(run);
    }

    private static double figure(final Run run, final String lines, final String name)
    {
        final Matcher matcher = Pattern.compile(ContenderFigures.PREFIX + name + " (\\S+)").matcher(lines);
        if (!matcher.find())
        {
            throw new IllegalStateException(run.contender + " printed no " + name + " figure:\n" + lines);
        }
        return Double.parseDouble(matcher.group(1));
    }

    private String runChild(final Run run, final String mainClass, final List<String> args)
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

    /**
     * @return whether two {@code deviceId<TAB>value} files list the same devices with numerically equal values
     * ({@code 3} equals {@code 3.0}, {@code inf} equals {@code inf}).
     */
    static boolean sameValues(final Path ours, final Path theirs)
    {
        try
        {
            final List<String> a = Files.readAllLines(ours);
            final List<String> b = Files.readAllLines(theirs);
            if (a.size() != b.size())
            {
                return false;
            }
            for (int i = 0; i < a.size(); i++)
            {
                final String[] x = a.get(i).split("\t");
                final String[] y = b.get(i).split("\t");
                if (!x[0].equals(y[0]) || Double.compare(number(x[1]), number(y[1])) != 0)
                {
                    return false;
                }
            }
            return true;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot compare " + ours + " with " + theirs + ": " + ex.getMessage());
        }
    }

    private static double number(final String text)
    {
        return "inf".equals(text) ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
    }

    private Run add(final Run run)
    {
        runs.add(run);
        return run;
    }

    private Run protelisOf(final Run run)
    {
        return contenderOf(run, PROTELIS);
    }

    private Run loopOf(final Run run)
    {
        return contenderOf(run, LOOP);
    }

    private Run contenderOf(final Run run, final String key)
    {
        for (final Run other : runs)
        {
            if (key.equals(other.key) && other.grid.equals(run.grid) && other.program.equals(run.program))
            {
                return other;
            }
        }
        throw new IllegalStateException("no " + key + " run for " + run.program + " on " + run.grid);
    }

    private void print()
    {
        System.out.println();
        System.out.printf("%-9s %-8s %-16s %-9s %6s %9s %9s %8s %10s %8s %9s %9s%n", "program", "grid",
            "contender", "parallel", "rounds", "seconds", "rounds/s", "vs Prot.", "warm r/s", "vs Prot.",
            "warm time", "values");
        for (final Run run : runs)
        {
            final Run protelis = protelisOf(run);
            System.out.printf("%-9s %-8s %-16s %-9s %6d %9.3f %9.1f %7.1fx %10.1f %7.1fx %8.2fx %9s%n", run.program,
                run.grid, run.contender, parallelism(run), run.rounds, run.seconds, run.roundsPerSecond(),
                run.roundsPerSecond() / protelis.roundsPerSecond(), run.warmRoundsPerSecond(),
                run.warmRoundsPerSecond() / protelis.warmRoundsPerSecond(),
                loopOf(run).warmRoundsPerSecond() / run.warmRoundsPerSecond(), run.identical ? "identical" : "DIFFER");
        }
        System.out.println();
        System.out.println("seconds: ours, worker 1's rounds from the moment every worker is ready (devices, export " +
            "exchange and waits), setup and output excluded; Protelis, its rounds loop, parsing and setup excluded. " +
            "Both include JIT warm-up; " +
            "warm: the second half of the rounds only. warm time: the contender's warm time per round over the " +
            "hand loop's (ours / loop; 1.0x is the limit for one core).");
        for (final Run run : runs)
        {
            if (!run.identical)
            {
                System.out.printf("WARNING: %s %s values on %s differ from Protelis's%n", run.program, run.key,
                    run.grid);
            }
        }
    }

    private static String parallelism(final Run run)
    {
        return PROTELIS.equals(run.key) || LOOP.equals(run.key) ? "1 thread" : run.key.charAt(7) + " worker" +
            ("fabric_1w".equals(run.key) ? "" : "s");
    }

    private List<Result> results()
    {
        final List<Result> results = new ArrayList<>();
        for (final Run run : runs)
        {
            final String name = "aggregate_" + run.program + "_" + run.grid + "_" + run.key;
            results.add(Result.value(name + "_rounds_per_second", "rounds/s", run.roundsPerSecond()));
            results.add(Result.value(name + "_warm_rounds_per_second", "rounds/s", run.warmRoundsPerSecond()));
            results.add(Result.value(name + "_seconds", "s", run.seconds));
            if (!PROTELIS.equals(run.key) && !LOOP.equals(run.key))
            {
                results.add(Result.value(name + "_vs_protelis", "x",
                    run.roundsPerSecond() / protelisOf(run).roundsPerSecond()));
                results.add(Result.value(name + "_warm_vs_protelis", "x",
                    run.warmRoundsPerSecond() / protelisOf(run).warmRoundsPerSecond()));
                // Time per round over the loop's: the "ours / hand loop" (lower is better, 1 the limit).
                results.add(Result.value(name + "_time_vs_loop", "x",
                    loopOf(run).roundsPerSecond() / run.roundsPerSecond()));
                results.add(Result.value(name + "_warm_time_vs_loop", "x",
                    loopOf(run).warmRoundsPerSecond() / run.warmRoundsPerSecond()));
            }
        }
        return results;
    }

    private Map<String, String> config(final String kind)
    {
        final Map<String, String> config = new LinkedHashMap<>();
        config.put("run", kind);
        config.put("programs", "hopcount: rep(d <- inf) { mux(source) { 0 } else { minHood(nbr(d)) + 1 } }; " +
            "gradient: rep(d <- inf) { mux(source) { 0 } else { minHood(nbr(d) + nbrRange) } }");
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
        for (final Run run : runs)
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
