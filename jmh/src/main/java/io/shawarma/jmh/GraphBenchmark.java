package io.shawarma.jmh;

import io.shawarma.fabric.graph.RmatGenerator;
import io.shawarma.fabric.process.ChildJvm;
import org.agrona.IoUtil;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/shawarma bench graph}: PageRank (20 iterations) on one generated R-MAT graph, in one run, each
 * contender in its own JVM so that its peak RSS is its own:
 * <ul>
 *     <li>ours, {@code scripts/shawarma pagerank} (GraphMain) with 1 and 2 worker processes;</li>
 *     <li>the COST baseline, a plain single-thread CSR pull loop ({@link CsrPageRankMain});</li>
 *     <li>JGraphT's PageRank ({@link JGraphTPageRankMain}), given a large heap; when it takes too long at the full
 *     scale it is measured at scale - 2 instead, beside the CSR loop at that scale, and the output says so.</li>
 * </ul>
 * Every contender parses the same file with the same parser. Prints a table with ratios to the CSR loop, checks that
 * every contender's ranks agree with the loop's, and writes {@code graph.json} in the form of {@code latest.json}.
 */
public final class GraphBenchmark
{
    private static final String GRAPH_MAIN = "io.shawarma.fabric.graph.GraphMain";
    private static final String JGRAPHT = "JGraphT 1.5.3";
    private static final long CHILD_TIMEOUT_MS = 3_600_000L;
    private static final double AGREEMENT = 1e-9;
    private static final int SMALLEST_FALLBACK_SCALE = 10;

    private static final Pattern READ = Pattern.compile("^read (\\S+) vertices and (\\S+) edges from .* in (\\S+) s$");
    private static final Pattern SUPERSTEP =
        Pattern.compile("^superstep (\\d+) active (\\d+) messages (\\d+) time (\\S+) ms$");
    private static final Pattern WORKER_DONE =
        Pattern.compile("graph worker (\\d+): supersteps took (\\S+) s, peak RSS (-?\\d+) MB$");
    private static final Pattern JOB_DONE = Pattern.compile("^pagerank: (\\d+) supersteps, (\\d+) workers, ");

    /** One contender's figures from one child JVM. */
    static final class Contender
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

        Contender(final String name, final String key, final String parallelism, final int scale)
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

    /** A contender's JVM failed or ran out of time. */
    static final class ContenderFailure extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        ContenderFailure(final String message)
        {
            super(message);
        }
    }

    /** Keeps a child's lines (without ChildJvm's {@code [name] } prefix) and copies them to another stream. */
    private static final class CapturedOutput extends PrintStream
    {
        private final int prefixLength;
        private final List<String> lines = new ArrayList<>();

        CapturedOutput(final String childName, final PrintStream copy)
        {
            super(copy, true);
            prefixLength = childName.length() + 3;
        }

        public synchronized void println(final String line)
        {
            lines.add(line.substring(Math.min(prefixLength, line.length())));
            super.println(line);
        }

        synchronized List<String> lines()
        {
            return new ArrayList<>(lines);
        }
    }

    private final GraphBenchmarkOptions options;
    private final List<Contender> contenders = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private volatile ChildJvm running;

    private GraphBenchmark(final GraphBenchmarkOptions options)
    {
        this.options = options;
    }

    public static void main(final String[] args) throws IOException
    {
        final GraphBenchmarkOptions options;
        try
        {
            options = GraphBenchmarkOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("shawarma bench graph: " + ex.getMessage());
            System.err.println(GraphBenchmarkOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help)
        {
            System.out.println(GraphBenchmarkOptions.USAGE);
            return;
        }
        try
        {
            new GraphBenchmark(options).run();
        }
        catch (final ContenderFailure ex)
        {
            System.err.println("shawarma bench graph: " + ex.getMessage());
            System.exit(1);
        }
    }

    private void run() throws IOException
    {
        System.out.printf("shawarma bench graph: PageRank, %d iterations, damping %.2f, on R-MAT scale %d, edge " +
            "factor %d (%,d edges), seed %d; %d CPUs%n", GraphBenchmarkOptions.ITERATIONS,
            GraphBenchmarkOptions.DAMPING, options.scale, options.edgeFactor, options.edges(), options.seed,
            Runtime.getRuntime().availableProcessors());
        final Path dir = Files.createTempDirectory("shawarma-bench-graph");
        // On Ctrl-C, stop the contender that runs (GraphMain stops its own workers on SIGTERM).
        final Thread stopChild = new Thread(() ->
        {
            final ChildJvm child = running;
            if (null != child)
            {
                child.close();
            }
        }, "shawarma-bench-graph-stop");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try
        {
            final Path edges = generate(dir, options.scale);
            final Path ranks1 = dir.resolve("ranks-1w.tsv");
            final Path ranks2 = dir.resolve("ranks-2w.tsv");
            final Contender fabric1 = runFabric(edges, 1, ranks1);
            final Contender fabric2 = runFabric(edges, 2, ranks2);
            final Contender csr = runBaseline("CSR loop (COST)", "csr_loop", options.scale,
                CsrPageRankMain.class.getName(), null, edges, CHILD_TIMEOUT_MS, "fabric_1w=" + ranks1,
                "fabric_2w=" + ranks2);
            fabric1.differences.put("csr_loop", csr.differences.get("fabric_1w"));
            fabric2.differences.put("csr_loop", csr.differences.get("fabric_2w"));
            Files.deleteIfExists(ranks1);
            Files.deleteIfExists(ranks2);
            if (options.jgrapht)
            {
                runJGraphT(dir, edges);
            }
            Files.deleteIfExists(edges);

            print(System.out);
            IoUtil.ensureDirectoryExists(options.out.toFile(), "bench results");
            final Path json = options.out.resolve("graph.json");
            new Report(results(), config()).writeJson(json);
            System.out.println("wrote " + json);
        }
        finally
        {
            Runtime.getRuntime().removeShutdownHook(stopChild);
            IoUtil.delete(dir.toFile(), true);
        }
    }

    private Path generate(final Path dir, final int scale) throws IOException
    {
        final Path edges = dir.resolve("rmat-" + scale + "-" + options.edgeFactor + ".txt");
        final long startNs = System.nanoTime();
        RmatGenerator.write(edges, scale, options.edgeFactor, options.seed, false);
        System.out.printf("generated %s (%,d MB) in %.1f s%n", edges, Files.size(edges) >> 20,
            ContenderFigures.seconds(startNs));
        return edges;
    }

    /**
     * Ours: GraphMain as {@code scripts/shawarma pagerank} runs it; its figures come from its progress lines.
     */
    private Contender runFabric(final Path edges, final int workers, final Path ranks)
    {
        final Contender contender = new Contender("fabric (ours)", "fabric_" + workers + "w",
            workers + (1 == workers ? " worker" : " workers"), options.scale);
        final List<String> lines = runChild(contender, GRAPH_MAIN, List.of("pagerank", "--edges", edges.toString(),
            "--workers", Integer.toString(workers), "--iterations", Integer.toString(GraphBenchmarkOptions.ITERATIONS),
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
                contender.peakRssMb += Long.parseLong(matcher.group(3));
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
        // Each worker's "supersteps took" runs from building its partition, through starting its media driver
        // and waiting for the others, to the last superstep: what is not superstep time is setup.
        contender.buildSeconds = slowestWorkerSeconds - contender.computeSeconds;
        return add(contender);
    }

    /**
     * A baseline main of this package in its own JVM; it prints {@link ContenderFigures} lines.
     *
     * @param heap        -Xmx for the child, or null for the JVM's default (the same as ours get).
     * @param comparisons {@code LABEL=RANKS_FILE} to compare the ranks with.
     */
    private Contender runBaseline(
        final String name, final String key, final int scale, final String mainClass, final String heap,
        final Path edges, final long timeoutMs, final String... comparisons)
    {
        final Contender contender = new Contender(name, key, "1 thread", scale);
        final List<String> args = new ArrayList<>();
        final String launched;
        if (null == heap)
        {
            launched = mainClass;
        }
        else
        {
            // ChildJvm takes no JVM options of its own: its command is "java <this JVM's options> -cp ... -D...
            // MAIN ARGS", so a heap option given as MAIN, with the real main class first among ARGS, is still read
            // by the JVM as an option.
            launched = "-Xmx" + heap;
            args.add(mainClass);
        }
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

    /**
     * JGraphT at the full scale with a large heap; if it fails or runs past the timeout, again at scale - 2, with
     * the CSR loop at that scale for the ratios. The JGraphT child compares its ranks with the CSR loop's itself.
     */
    private void runJGraphT(final Path dir, final Path edges) throws IOException
    {
        final long timeoutMs = options.jgraphtTimeoutSeconds * 1000L;
        try
        {
            runBaseline(JGRAPHT, "jgrapht", options.scale, JGraphTPageRankMain.class.getName(), options.jgraphtHeap,
                edges, timeoutMs);
            return;
        }
        catch (final ContenderFailure ex)
        {
            final int smaller = options.scale - 2;
            final String note = JGRAPHT + " did not finish at scale " + options.scale + " (" +
                firstLine(ex.getMessage()) + ")" + (smaller >= SMALLEST_FALLBACK_SCALE ?
                "; measured at scale " + smaller + " instead, beside the CSR loop at that scale" : "");
            notes.add(note);
            System.out.println(note);
            if (smaller < SMALLEST_FALLBACK_SCALE)
            {
                return;
            }
        }
        final int smaller = options.scale - 2;
        final Path smallEdges = generate(dir, smaller);
        runBaseline("CSR loop (COST)", "csr_loop_scale_" + smaller, smaller, CsrPageRankMain.class.getName(), null,
            smallEdges, CHILD_TIMEOUT_MS);
        try
        {
            runBaseline(JGRAPHT, "jgrapht", smaller, JGraphTPageRankMain.class.getName(), options.jgraphtHeap,
                smallEdges, timeoutMs);
        }
        catch (final ContenderFailure ex)
        {
            final String note = JGRAPHT + " did not finish at scale " + smaller + " either (" +
                firstLine(ex.getMessage()) + "): not measured";
            notes.add(note);
            System.out.println(note);
        }
        Files.deleteIfExists(smallEdges);
    }

    private List<String> runChild(
        final Contender contender, final String mainClass, final List<String> args, final long timeoutMs)
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

    private Contender add(final Contender contender)
    {
        contenders.add(contender);
        return contender;
    }

    private Contender csrAt(final int scale)
    {
        for (final Contender contender : contenders)
        {
            if (contender.key.startsWith("csr_loop") && contender.scale == scale)
            {
                return contender;
            }
        }
        throw new IllegalStateException("no CSR loop at scale " + scale);
    }

    private void print(final PrintStream out)
    {
        out.println();
        out.printf("%-18s %-10s %5s %9s %8s %9s %14s %8s %9s%n", "contender", "parallel", "scale", "load s",
            "setup s", "compute s", "edges/s/iter", "total s", "RSS MB");
        for (final Contender c : contenders)
        {
            out.printf("%-18s %-10s %5d %9.2f %8.2f %9.3f %,14.0f %8.2f %,9d%n", c.name, c.parallelism, c.scale,
                c.loadSeconds, c.buildSeconds, c.computeSeconds, c.edgesPerSecond(), c.totalSeconds, c.peakRssMb);
        }
        out.println();
        out.println("load: parse the edge list (ours: worker 1's, each worker parses it); setup: ours, partition, " +
            "media driver and waiting for the other workers; baselines, build the CSR or the JGraphT graph;");
        out.println("compute: the 20 iterations (ours: the sum of the superstep times, barriers and messages " +
            "included); total: the JVM's wall time, start to exit; RSS: peak (VmHWM), summed over our workers.");
        out.println();
        out.println("ratios to the CSR loop at the same scale (time or memory / the loop's; below 1 beats the loop):");
        out.printf("  %-18s %-10s %9s %9s %9s %12s%n", "contender", "parallel", "compute", "total", "RSS",
            "max |diff|");
        for (final Contender c : contenders)
        {
            if (c.key.startsWith("csr_loop"))
            {
                continue;
            }
            final Contender csr = csrAt(c.scale);
            final Double difference = c.differences.get("csr_loop");
            out.printf("  %-18s %-10s %8.2fx %8.2fx %8.2fx %12s%n", c.name, c.parallelism,
                c.computeSeconds / csr.computeSeconds, c.totalSeconds / csr.totalSeconds,
                (double)c.peakRssMb / csr.peakRssMb,
                null == difference || Double.isNaN(difference) ? "n/a" : String.format("%.1e", difference));
        }
        for (final Contender c : contenders)
        {
            final Double difference = c.differences.get("csr_loop");
            if (null != difference && !(difference < AGREEMENT))
            {
                out.printf("WARNING: %s %s ranks differ from the CSR loop's by %.3e (more than %.0e)%n", c.name,
                    c.parallelism, difference, AGREEMENT);
            }
        }
        out.println();
        for (final Contender c : contenders)
        {
            if (!c.superstepMs.isEmpty())
            {
                out.printf("%s %s supersteps (ms): %s%n", c.name, c.parallelism, superstepSummary(c.superstepMs));
            }
        }
        for (final String note : notes)
        {
            out.println("NOTE: " + note);
        }
    }

    private static String superstepSummary(final List<Double> ms)
    {
        final StringBuilder summary = new StringBuilder();
        summary.append(String.format("first %.1f, last %.1f", ms.get(0), ms.get(ms.size() - 1)));
        if (ms.size() > 2)
        {
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            for (int i = 1; i < ms.size() - 1; i++)
            {
                sum += ms.get(i);
                min = Math.min(min, ms.get(i));
                max = Math.max(max, ms.get(i));
            }
            summary.append(String.format(", the %d between: mean %.1f, min %.1f, max %.1f", ms.size() - 2,
                sum / (ms.size() - 2), min, max));
        }
        return summary.toString();
    }

    private List<Result> results()
    {
        final List<Result> results = new ArrayList<>();
        final String prefix = "graph_pagerank_";
        for (final Contender c : contenders)
        {
            final String name = prefix + c.key;
            results.add(Result.value(name + "_seconds", "s", c.computeSeconds));
            results.add(Result.value(name + "_edges_per_second", "edges/s", c.edgesPerSecond()));
            results.add(Result.value(name + "_load_seconds", "s", c.loadSeconds));
            results.add(Result.value(name + "_setup_seconds", "s", c.buildSeconds));
            results.add(Result.value(name + "_total_seconds", "s", c.totalSeconds));
            results.add(Result.value(name + "_peak_rss_mb", "MB", c.peakRssMb));
        }
        for (final Contender c : contenders)
        {
            if (!c.key.startsWith("csr_loop"))
            {
                final Contender csr = csrAt(c.scale);
                results.add(Result.value(prefix + c.key + "_seconds_vs_csr_loop", "x",
                    c.computeSeconds / csr.computeSeconds));
            }
        }
        return results;
    }

    private Map<String, String> config()
    {
        final Map<String, String> config = new LinkedHashMap<>();
        final Contender first = contenders.get(0);
        config.put("graph", "R-MAT a=0.57 b=0.19 c=0.19, ids scrambled, duplicates and self-loops kept");
        config.put("scale", Integer.toString(options.scale));
        config.put("edge_factor", Integer.toString(options.edgeFactor));
        config.put("seed", Long.toString(options.seed));
        config.put("vertices", Long.toString(first.vertices));
        config.put("edges", Long.toString(first.edges));
        config.put("iterations", Integer.toString(GraphBenchmarkOptions.ITERATIONS));
        config.put("damping", Double.toString(GraphBenchmarkOptions.DAMPING));
        config.put("fabric", "scripts/shawarma pagerank (GraphMain), N worker processes over Aeron IPC through " +
            "one media driver (SHARED), default idle strategy (backoff); PageRank sends with sendToAllEdges " +
            "(one value per vertex, gathered over in-edges)");
        config.put("csr_loop", "single-thread pull loop over int[] in-edge CSR, precomputed 1/outdeg");
        config.put("jgrapht", "org.jgrapht:jgrapht-core:1.5.3 PageRank on DirectedPseudograph<Long, DefaultEdge>, " +
            "tolerance Double.MIN_VALUE, -Xmx" + options.jgraphtHeap);
        for (final Contender c : contenders)
        {
            if ("jgrapht".equals(c.key))
            {
                config.put("jgrapht_scale", Integer.toString(c.scale));
            }
        }
        final StringBuilder differences = new StringBuilder();
        for (final Contender c : contenders)
        {
            final Double difference = c.differences.get("csr_loop");
            if (null != difference && !Double.isNaN(difference))
            {
                differences.append(differences.length() > 0 ? ", " : "").append(c.key).append(' ')
                    .append(String.format("%.1e", difference));
            }
        }
        config.put("max_abs_rank_diff_vs_csr_loop", differences.toString());
        final StringBuilder loadAverages = new StringBuilder();
        for (final Contender c : contenders)
        {
            loadAverages.append(loadAverages.length() > 0 ? ", " : "").append(c.key).append(' ').append(c.loadAverage);
        }
        config.put("load_average_before", loadAverages.toString());
        config.put("timings", "seconds = the 20 iterations (ours: sum of superstep times); load = parse; setup = " +
            "partition/connect (ours) or graph build; total = JVM wall time; peak_rss_mb = VmHWM, summed over our " +
            "worker processes");
        if (!notes.isEmpty())
        {
            config.put("notes", String.join("; ", notes));
        }
        return config;
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

    private static String firstLine(final String text)
    {
        final int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
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
