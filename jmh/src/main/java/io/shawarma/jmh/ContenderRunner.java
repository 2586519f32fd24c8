package io.shawarma.jmh;

import io.shawarma.fabric.process.ChildJvm;

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
 * Runs each PageRank contender of {@link GraphBenchmark} in its own JVM, one at a time, and reads its figures from
 * the child's output; keeps the contenders in the order they ran.
 */
final class ContenderRunner
{
    static final long CHILD_TIMEOUT_MS = 3_600_000L;
    private static final String GRAPH_MAIN = "io.shawarma.fabric.graph.GraphMain";

    private static final Pattern READ = Pattern.compile("^read (\\S+) vertices and (\\S+) edges from .* in (\\S+) s$");
    private static final Pattern SUPERSTEP =
        Pattern.compile("^superstep (\\d+) active (\\d+) messages (\\d+) time (\\S+) ms$");
    private static final Pattern WORKER_DONE =
        Pattern.compile("graph worker (\\d+): supersteps took (\\S+) s(, peak RSS (-?\\d+) MB$|, a thread of)");
    private static final Pattern JOB_DONE = Pattern.compile("^pagerank: (\\d+) supersteps, (\\d+) workers, ");

    private final GraphBenchmarkOptions options;
    private final List<PageRankContender> contenders = new ArrayList<>();
    private volatile ChildJvm running;

    ContenderRunner(final GraphBenchmarkOptions options)
    {
        this.options = options;
    }

    List<PageRankContender> contenders()
    {
        return contenders;
    }

    /**
     * Stops the contender that runs, if any (GraphMain stops its own workers on SIGTERM).
     */
    void stopRunning()
    {
        final ChildJvm child = running;
        if (null != child)
        {
            child.close();
        }
    }

    /**
     * Ours: GraphMain as {@code scripts/shawarma pagerank} runs it, its workers as threads of one process or as
     * processes; its figures come from its progress lines.
     */
    PageRankContender runFabric(final Path edges, final int workers, final String workersAs, final Path ranks)
    {
        final boolean processes = "processes".equals(workersAs);
        final PageRankContender contender = new PageRankContender("fabric (ours)",
            "fabric_" + workers + (processes ? "p" : "w"),
            1 == workers ? "1 worker" : workers + " " + workersAs, options.scale, workers);
        final List<String> lines = runChild(contender, "-Xmx" + options.heap, List.of(GRAPH_MAIN, "pagerank",
            "--edges", edges.toString(),
            "--workers", Integer.toString(workers), "--workers-as", workersAs,
            "--iterations", Integer.toString(GraphBenchmarkOptions.ITERATIONS),
            "--damping", Double.toString(GraphBenchmarkOptions.DAMPING), "--out", ranks.toString()),
            CHILD_TIMEOUT_MS);

        double slowestWorkerSeconds = 0;
        int workersDone = 0;
        boolean jobDone = false;
        for (final String line : lines)
        {
            Matcher matcher;
            if ((matcher = READ.matcher(line)).matches())
            {
                contender.vertices = integer(matcher.group(1));
                contender.edges = integer(matcher.group(2));
                contender.loadSeconds = decimal(matcher.group(3));
            }
            else if ((matcher = SUPERSTEP.matcher(line)).matches())
            {
                contender.superstepMs.add(decimal(matcher.group(4)));
            }
            else if ((matcher = WORKER_DONE.matcher(line)).find())
            {
                workersDone++;
                slowestWorkerSeconds = Math.max(slowestWorkerSeconds, decimal(matcher.group(2)));
                contender.peakRssMb += null == matcher.group(4) ? 0 : Long.parseLong(matcher.group(4));
            }
            else if (JOB_DONE.matcher(line).find())
            {
                jobDone = true;
            }
        }
        if (0 == contender.edges || contender.superstepMs.isEmpty() || workersDone != workers || !jobDone)
        {
            throw new ContenderFailure(contender.name + " " + contender.parallelism +
                ": its output lacks the read, superstep, worker or pagerank lines:\n" + String.join("\n", lines));
        }
        for (final double ms : contender.superstepMs)
        {
            contender.computeSeconds += ms / 1000.0;
        }
        // Superstep 0 only sends; supersteps 1.. are the iterations that compare with the loop's.
        final double[] iterations = contender.superstepMs.stream().skip(1).mapToDouble(Double::doubleValue).toArray();
        if (iterations.length > 0)
        {
            contender.firstStepMs = iterations[0];
            contender.medianStepMs = ContenderFigures.medianAfterFirst(iterations);
        }
        // Each worker's "supersteps took" runs from building its partition, through starting its media driver
        // and waiting for the others, to the last superstep: what is not superstep time is setup.
        contender.buildSeconds = slowestWorkerSeconds - contender.computeSeconds;
        return add(contender);
    }

    /**
     * A baseline main of this package in its own JVM; it prints {@link ContenderFigures} lines.
     *
     * @param heap        -Xmx for the child, the same as ours get.
     * @param comparisons {@code LABEL=RANKS_FILE} to compare the ranks with.
     */
    PageRankContender runBaseline(
        final String name, final String key, final int scale, final String mainClass, final String heap,
        final Path edges, final long timeoutMs, final String... comparisons)
    {
        final PageRankContender contender = new PageRankContender(name, key, "1 thread", scale, 1);
        final List<String> args = new ArrayList<>();
        // ChildJvm takes no JVM options of its own: its command is "java <this JVM's options> -cp ... -D... MAIN
        // ARGS", so a heap option given as MAIN, with the real main class first among ARGS, is still read by the JVM
        // as an option.
        final String launched = "-Xmx" + heap;
        args.add(mainClass);
        args.addAll(List.of(edges.toString(), Integer.toString(GraphBenchmarkOptions.ITERATIONS),
            Double.toString(GraphBenchmarkOptions.DAMPING)));
        args.addAll(List.of(comparisons));

        final Map<String, Double> figures = new LinkedHashMap<>();
        for (final String line : runChild(contender, launched, args, timeoutMs))
        {
            if (line.startsWith(ContenderFigures.PREFIX))
            {
                final String[] parts = line.split(" ");
                figures.put(parts[1], Double.parseDouble(parts[2]));
            }
        }
        for (final String figure : List.of(ContenderFigures.LOAD_SECONDS, ContenderFigures.BUILD_SECONDS,
            ContenderFigures.COMPUTE_SECONDS, ContenderFigures.PEAK_RSS_MB, ContenderFigures.VERTICES,
            ContenderFigures.EDGES))
        {
            if (!figures.containsKey(figure))
            {
                throw new ContenderFailure(name + " printed no " + figure + " figure");
            }
        }
        contender.vertices = figures.get(ContenderFigures.VERTICES).longValue();
        contender.edges = figures.get(ContenderFigures.EDGES).longValue();
        contender.loadSeconds = figures.get(ContenderFigures.LOAD_SECONDS);
        contender.buildSeconds = figures.get(ContenderFigures.BUILD_SECONDS);
        contender.computeSeconds = figures.get(ContenderFigures.COMPUTE_SECONDS);
        contender.peakRssMb = figures.get(ContenderFigures.PEAK_RSS_MB).longValue();
        contender.firstStepMs = figures.getOrDefault(ContenderFigures.FIRST_STEP_MS, Double.NaN);
        contender.medianStepMs = figures.getOrDefault(ContenderFigures.MEDIAN_STEP_MS, Double.NaN);
        final String differencePrefix = ContenderFigures.MAX_ABS_DIFF + "_";
        for (final Map.Entry<String, Double> figure : figures.entrySet())
        {
            if (figure.getKey().startsWith(differencePrefix))
            {
                contender.differences.put(figure.getKey().substring(differencePrefix.length()), figure.getValue());
            }
        }
        return add(contender);
    }

    private List<String> runChild(
        final PageRankContender contender, final String mainClass, final List<String> args, final long timeoutMs)
    {
        final String childName = contender.name + " " + contender.parallelism;
        // Other work on the machine skews every figure: say how busy it was.
        contender.loadAverage = loadAverage();
        System.out.printf("running %s at scale %d (load average %s)...%n", childName, contender.scale,
            contender.loadAverage);
        final CapturedOutput output = new CapturedOutput(childName, System.err);
        final long startNs = System.nanoTime();
        try (ChildJvm child = new ChildJvm(childName, mainClass, Map.of(), args, "(not waited for)", output))
        {
            running = child;
            final int exitCode;
            try
            {
                exitCode = child.awaitExit(timeoutMs);
            }
            catch (final IllegalStateException ex)
            {
                throw new ContenderFailure(childName + " still ran after " + timeoutMs / 1000 + " s; stopped it");
            }
            if (0 != exitCode)
            {
                throw new ContenderFailure(childName + " failed with exit code " + exitCode + ":\n" +
                    child.lastLines());
            }
        }
        finally
        {
            running = null;
        }
        contender.totalSeconds = ContenderFigures.seconds(startNs);
        return output.lines();
    }

    private PageRankContender add(final PageRankContender contender)
    {
        contenders.add(contender);
        return contender;
    }

    /**
     * @return the 1-minute load average from /proc/loadavg, or "n/a".
     */
    static String loadAverage()
    {
        try
        {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "n/a";
        }
    }

    /** A count printed with grouping (%,d in any locale). */
    private static long integer(final String text)
    {
        return Long.parseLong(text.replaceAll("[^0-9]", ""));
    }

    /** A number printed with %.1f or %.3f in any locale. */
    private static double decimal(final String text)
    {
        return Double.parseDouble(text.replace(',', '.'));
    }
}
