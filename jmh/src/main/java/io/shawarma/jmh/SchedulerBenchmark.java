package io.shawarma.jmh;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.Worker;
import io.shawarma.fabric.WorkerCounters;
import io.shawarma.fabric.borrow.CostModel;
import io.shawarma.fabric.crdt.GCounterUdf;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code scripts/shawarma bench scheduler}: the scheduler's cost model against always-forward and always-borrow.
 * <p>
 * One fabric of three in-process workers (loopback UDP, one shared media driver) runs four workloads, each with
 * three closed-loop client threads calling through chosen workers ({@code invokeVia}); every vertex is owned by
 * worker 1. Each workload runs in slices, one per policy per round, the workers switching policy between slices
 * and the order rotating each round, so that the shared machine's changing load falls on every policy alike:
 * <ol>
 * <li>hot_read: a 64-byte vertex read over and over through workers 2 and 3;</li>
 * <li>contended_counter: a G-counter incremented through all three workers;</li>
 * <li>large_value: a 64 KiB vector read one element at a time through workers 2 and 3 (8-byte args and result)
 *     while its owner writes elements;</li>
 * <li>shifting_mix: the three above and cold reads of 2048 vertices, switching every phase.</li>
 * </ol>
 * Throughput (acknowledged calls per second) and latency (HdrHistogram, ns) per workload and policy go to the
 * console and {@code scheduler.json} (the latency harness's JSON form). At the end the counter is read at its owner
 * and checked against the increments acknowledged.
 */
public final class SchedulerBenchmark
{
    static final String[] POLICIES = {"model", "forward", "borrow"};
    static final String[] WORKLOADS = {"hot_read", "contended_counter", "large_value", "shifting_mix"};
    /** The shifting mix's phases, in the order they take turns. */
    static final String[] MIX_PHASES = {"hot_read", "contended_counter", "large_value", "cold_reads"};
    private static final int MIX = WORKLOADS.length - 1;
    private static final int WORKERS = 3;
    private static final int THREADS = 3;
    private static final int OWNER = 1;
    private static final int COLD_VERTICES = 2048;
    private static final int LARGE_BYTES = 64 * 1024;
    private static final int READ = Udf.idOf(ReadUdf.NAME);
    private static final int GCOUNTER = Udf.idOf(GCounterUdf.NAME);
    private static final int VGET = Udf.idOf(VectorUdfs.Get.NAME);
    private static final int VSET = Udf.idOf(VectorUdfs.Set.NAME);

    private final SchedulerBenchmarkOptions options;
    private final List<Result> results = new ArrayList<>();
    private final Map<String, String> config = new LinkedHashMap<>();
    private final double[][] throughput = new double[WORKLOADS.length][POLICIES.length];
    private final double[][][] roundThroughput;
    private boolean recording;
    private int round;
    private final Histogram[][] latency = new Histogram[WORKLOADS.length][POLICIES.length];
    private final long[][] failures = new long[WORKLOADS.length][POLICIES.length];
    // The shifting mix's answered calls by policy and phase, over every recorded round.
    private final long[][] mixPhaseCalls = new long[POLICIES.length][MIX_PHASES.length];
    private String counterCheck;
    // Increments answered other than OK (TIMEOUT above all): they may or may not have run.
    private final AtomicLong unknownIncrements = new AtomicLong();
    private final long[][] decisions = new long[POLICIES.length][CostModel.REASON_NAMES.length];

    private SchedulerBenchmark(final SchedulerBenchmarkOptions options)
    {
        this.options = options;
        roundThroughput = new double[WORKLOADS.length][POLICIES.length][options.rounds];
        for (int workload = 0; workload < WORKLOADS.length; workload++)
        {
            for (int policy = 0; policy < POLICIES.length; policy++)
            {
                latency[workload][policy] = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            }
        }
    }

    public static void main(final String[] args) throws IOException
    {
        final SchedulerBenchmarkOptions options;
        try
        {
            options = SchedulerBenchmarkOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("shawarma bench scheduler: " + ex.getMessage());
            System.err.println(SchedulerBenchmarkOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help)
        {
            System.out.println(SchedulerBenchmarkOptions.USAGE);
            return;
        }
        new SchedulerBenchmark(options).run();
    }

    private void run() throws IOException
    {
        config.put("mode", options.quick ? "quick" : "full");
        config.put("idle", options.idle);
        config.put("slice_ms", Long.toString(options.measureNs / 1_000_000));
        config.put("warmup_ms", Long.toString(options.warmupNs / 1_000_000));
        config.put("phase_ms", Long.toString(options.phaseNs / 1_000_000));
        config.put("lease_ms", Long.toString(options.leaseNs / 1_000_000));
        config.put("workers", Integer.toString(WORKERS));
        config.put("client_threads", Integer.toString(THREADS));
        config.put("channel", "udp loopback, one shared media driver");
        config.put("rounds", Integer.toString(options.rounds));
        config.put("throughput", "median over rounds of one slice per policy; policies interleave, order rotating");
        System.out.println("shawarma bench scheduler: " + config);

        final String aeronDir = (SystemUtil.isLinux() ? "/dev/shm/" : IoUtil.tmpDirName()) + "shawarma-sched-" +
            ProcessHandle.current().pid();
        final StringBuilder members = new StringBuilder();
        for (int id = 1; id <= WORKERS; id++)
        {
            members.append(id == 1 ? "" : ",").append(id).append('@').append(LoopbackPorts.freeUdpChannel());
        }
        final List<Worker> workers = new ArrayList<>();
        final List<FabricClient> clients = new ArrayList<>();
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(IdleStrategies.of(options.idle))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)))
        {
            try
            {
                for (int id = 1; id <= WORKERS; id++)
                {
                    workers.add(Worker.launch(new Worker.Context()
                        .workerId(id)
                        .fabric(members.toString())
                        .driver("external")
                        .aeronDirectoryName(driver.aeronDirectoryName())
                        .idleStrategy(options.idle)
                        .storeEntries(16_384)
                        .storeValueMaxBytes(LARGE_BYTES)
                        .schedulerPolicy(POLICIES[0])
                        .borrowLeaseNs(options.leaseNs)
                        .heartbeatIntervalNs(100_000_000L)));
                }
                for (int t = 0; t < THREADS; t++)
                {
                    clients.add(FabricClient.connect(new FabricClient.Context()
                        .fabric(members.toString())
                        .driver("external")
                        .aeronDirectoryName(driver.aeronDirectoryName())
                        .idleStrategy(options.idle)));
                }
                final Vertices vertices = load(clients.get(0));
                final AtomicLong increments = new AtomicLong();
                if (options.warmupRound)
                {
                    System.out.println("warm-up (not recorded): every workload under every policy");
                    for (int workload = 0; workload < WORKLOADS.length; workload++)
                    {
                        for (int policy = 0; policy < POLICIES.length; policy++)
                        {
                            slice(workload, policy, workers, clients, vertices, increments);
                        }
                    }
                }
                recording = true;
                for (int workload = 0; workload < WORKLOADS.length; workload++)
                {
                    for (round = 0; round < options.rounds; round++)
                    {
                        for (int i = 0; i < POLICIES.length; i++)
                        {
                            slice(workload, (i + round) % POLICIES.length, workers, clients, vertices, increments);
                        }
                    }
                }
                counterCheck = checkCounter(clients.get(0), vertices.counter, increments.get());
                System.out.println("counter check: " + counterCheck);
            }
            finally
            {
                CloseHelper.closeAll(clients);
                CloseHelper.closeAll(workers);
            }
        }
        config.put("counter_check", counterCheck);
        collectResults();

        new Report(results, config).print(System.out);
        printComparison(System.out);
        IoUtil.ensureDirectoryExists(options.out.toFile(), "bench results");
        new Report(results, config).writeJson(options.out.resolve("scheduler.json"));
        System.out.println("wrote " + options.out.resolve("scheduler.json"));
    }

    private void collectResults()
    {
        for (int workload = 0; workload < WORKLOADS.length; workload++)
        {
            for (int policy = 0; policy < POLICIES.length; policy++)
            {
                final double[] rounds = roundThroughput[workload][policy].clone();
                java.util.Arrays.sort(rounds);
                throughput[workload][policy] = rounds[rounds.length / 2];
                final String name = WORKLOADS[workload] + "_" + POLICIES[policy];
                results.add(Result.latency(name + "_latency", latency[workload][policy]));
                results.add(Result.value(name + "_throughput", "calls/s", throughput[workload][policy]));
                results.add(Result.value(name + "_failed_calls", "calls", failures[workload][policy]));
            }
        }
        final double[][] phaseRates = mixPhaseRates();
        for (int policy = 0; policy < POLICIES.length; policy++)
        {
            for (int phase = 0; phase < MIX_PHASES.length; phase++)
            {
                results.add(Result.value("shifting_mix_phase_" + MIX_PHASES[phase] + "_" + POLICIES[policy] +
                    "_throughput", "calls/s", phaseRates[policy][phase]));
            }
        }
        for (int policy = 0; policy < POLICIES.length; policy++)
        {
            for (int reason = 0; reason < CostModel.REASON_NAMES.length; reason++)
            {
                results.add(Result.value("decisions_" + POLICIES[policy] + "_" + reasonKey(reason), "decisions",
                    decisions[policy][reason]));
            }
        }
    }

    /**
     * One workload under one policy: switch every worker's policy, let copies borrowed under the last policy go
     * back (two leases), warm up, measure; the workers' decision counts over the slice go to that policy.
     */
    private void slice(
        final int workload, final int policy, final List<Worker> workers, final List<FabricClient> clients,
        final Vertices vertices, final AtomicLong increments)
    {
        for (final Worker worker : workers)
        {
            worker.schedulerPolicy(POLICIES[policy]);
        }
        sleepMs(2 * options.leaseNs / 1_000_000 + 10);
        final long[] before = decisionCounts(workers);
        runWorkload(workload, policy, clients, vertices, increments);
        final long[] after = decisionCounts(workers);
        if (recording)
        {
            for (int reason = 0; reason < before.length; reason++)
            {
                decisions[policy][reason] += after[reason] - before[reason];
            }
        }
    }

    private static long[] decisionCounts(final List<Worker> workers)
    {
        sleepMs(5); // counters are published every millisecond
        final long[] counts = new long[CostModel.REASON_NAMES.length];
        for (final Worker worker : workers)
        {
            final WorkerCounters counters = worker.counters();
            for (int reason = 0; reason < counts.length; reason++)
            {
                counts[reason] += counters.schedulerDecisions(reason);
            }
        }
        return counts;
    }

    private void runWorkload(
        final int workload, final int policy, final List<FabricClient> clients, final Vertices vertices,
        final AtomicLong increments)
    {
        final Histogram merged = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final long[] calls = new long[THREADS];
        final long[][] phaseCalls = new long[THREADS][MIX_PHASES.length];
        final long[] failed = new long[THREADS];
        final CountDownLatch done = new CountDownLatch(THREADS);
        final long startNs = System.nanoTime() + 50_000_000L;
        final long measureFromNs = startNs + options.warmupNs;
        final long endNs = measureFromNs + options.measureNs;
        final Histogram[] histograms = new Histogram[THREADS];
        for (int t = 0; t < THREADS; t++)
        {
            final int thread = t;
            histograms[t] = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            final Thread runner = new Thread(() ->
            {
                try
                {
                    final ClientLoop loop = new ClientLoop(clients.get(thread), thread, workload, vertices,
                        options.phaseNs, startNs);
                    while (System.nanoTime() < startNs)
                    {
                        Thread.onSpinWait();
                    }
                    long now;
                    while ((now = System.nanoTime()) < endNs)
                    {
                        final Status status = loop.call(now);
                        final long took = System.nanoTime() - now;
                        if (loop.udfId == GCOUNTER)
                        {
                            (Status.OK == status ? increments : unknownIncrements).incrementAndGet();
                        }
                        if (now >= measureFromNs)
                        {
                            if (Status.OK == status)
                            {
                                histograms[thread].recordValue(
                                    Math.min(took, histograms[thread].getHighestTrackableValue()));
                                calls[thread]++;
                                phaseCalls[thread][loop.phase]++;
                            }
                            else
                            {
                                failed[thread]++;
                            }
                        }
                    }
                }
                finally
                {
                    done.countDown();
                }
            }, "sched-bench-client-" + t);
            runner.setDaemon(true);
            runner.start();
        }
        try
        {
            if (!done.await(options.warmupNs + options.measureNs + TimeUnit.SECONDS.toNanos(60), TimeUnit.NANOSECONDS))
            {
                throw new IllegalStateException("client threads did not finish");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        long total = 0;
        long totalFailed = 0;
        for (int t = 0; t < THREADS; t++)
        {
            merged.add(histograms[t]);
            total += calls[t];
            for (int phase = 0; recording && workload == MIX && phase < MIX_PHASES.length; phase++)
            {
                mixPhaseCalls[policy][phase] += phaseCalls[t][phase];
            }
            totalFailed += failed[t];
        }
        final double callsPerSecond = total * 1e9 / options.measureNs;
        if (recording)
        {
            latency[workload][policy].add(merged);
            roundThroughput[workload][policy][round] = callsPerSecond;
            failures[workload][policy] += totalFailed;
        }
        System.out.printf("  %-18s %-8s %,12.0f calls/s  p50 %8.1f us  p99 %8.1f us  failed %d%n",
            WORKLOADS[workload], POLICIES[policy], callsPerSecond,
            merged.getValueAtPercentile(50) / 1000.0, merged.getValueAtPercentile(99) / 1000.0, totalFailed);
    }

    private Vertices load(final FabricClient client)
    {
        final Vertices vertices = new Vertices();
        vertices.hot = ownedVertex(client, 1_000);
        vertices.counter = ownedVertex(client, 2_000);
        vertices.large = ownedVertex(client, 3_000);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[LARGE_BYTES]);
        for (int i = 0; i < LARGE_BYTES; i += Double.BYTES)
        {
            value.putDouble(i, i, LITTLE_ENDIAN);
        }
        expectOk(client.put(vertices.hot, value, 0, 64), "put hot");
        expectOk(client.put(vertices.counter, value, 0, 0), "put counter");
        expectOk(client.put(vertices.large, value, 0, LARGE_BYTES), "put large");
        vertices.cold = new long[COLD_VERTICES];
        long next = 1_000_000;
        for (int i = 0; i < COLD_VERTICES; i++)
        {
            next = ownedVertex(client, next);
            vertices.cold[i] = next++;
            expectOk(client.put(vertices.cold[i], value, 0, 64), "put cold");
        }
        return vertices;
    }

    /**
     * The owner must hold every acknowledged increment, and at most those plus the ones whose outcome the client
     * does not know (a TIMEOUT may still have run).
     */
    private String checkCounter(final FabricClient client, final long counter, final long acknowledged)
    {
        final long unknown = unknownIncrements.get();
        // Borrowed copies go back within a lease; wait a few, then read at the owner.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        final UnsafeBuffer result = new UnsafeBuffer(new byte[64]);
        long total = -1;
        while (System.nanoTime() < deadline)
        {
            if (Status.OK == client.invoke(counter, GCOUNTER, result, 0, 0, result))
            {
                total = result.getLong(0, LITTLE_ENDIAN);
                if (total >= acknowledged && total <= acknowledged + unknown)
                {
                    return "ok: owner holds " + total + ", acknowledged " + acknowledged + ", outcome unknown " +
                        unknown;
                }
            }
            sleepMs(20);
        }
        return "MISMATCH: owner holds " + total + ", acknowledged " + acknowledged + ", outcome unknown " + unknown;
    }

    private void printComparison(final PrintStream out)
    {
        out.println();
        out.println("throughput by policy (calls/s), and the cost model against the better fixed policy:");
        out.printf("%-18s %12s %12s %12s %10s  %s%n", "workload", "model", "forward", "borrow", "model/best",
            "goal");
        for (int workload = 0; workload < WORKLOADS.length; workload++)
        {
            final double model = throughput[workload][0];
            final double best = Math.max(throughput[workload][1], throughput[workload][2]);
            final boolean mix = workload == MIX;
            final boolean met = mix ? model > best : model >= 0.9 * best;
            out.printf("%-18s %,12.0f %,12.0f %,12.0f %9.2fx  %s%n", WORKLOADS[workload], model,
                throughput[workload][1], throughput[workload][2], model / best,
                (mix ? "beat both: " : "within 10% of the better: ") + (met ? "met" : "NOT met"));
        }
        out.println();
        out.println("shifting_mix by phase (calls/s while the phase ran, every round), model against the better:");
        final double[][] rates = mixPhaseRates();
        for (int phase = 0; phase < MIX_PHASES.length; phase++)
        {
            final double best = Math.max(rates[1][phase], rates[2][phase]);
            out.printf("%-18s %,12.0f %,12.0f %,12.0f %10s%n", MIX_PHASES[phase], rates[0][phase],
                rates[1][phase], rates[2][phase], best > 0 ? String.format("%.2fx", rates[0][phase] / best) :
                "(not measured)");
        }
    }

    /**
     * @return calls/s by policy and phase of the shifting mix: each phase's answered calls over the time the
     * measured slices spent in it.
     */
    private double[][] mixPhaseRates()
    {
        final long[] phaseNs = new long[MIX_PHASES.length];
        for (long at = options.warmupNs, end = options.warmupNs + options.measureNs; at < end;)
        {
            final long phaseEnd = Math.min(end, (at / options.phaseNs + 1) * options.phaseNs);
            phaseNs[(int)(at / options.phaseNs % MIX_PHASES.length)] += phaseEnd - at;
            at = phaseEnd;
        }
        final double[][] rates = new double[POLICIES.length][MIX_PHASES.length];
        for (int policy = 0; policy < POLICIES.length; policy++)
        {
            for (int phase = 0; phase < MIX_PHASES.length; phase++)
            {
                rates[policy][phase] = 0 == phaseNs[phase] ? 0 :
                    mixPhaseCalls[policy][phase] * 1e9 / (phaseNs[phase] * (double)options.rounds);
            }
        }
        return rates;
    }

    private static long ownedVertex(final FabricClient client, final long from)
    {
        long vertexId = from;
        while (client.placement().ownerOf(vertexId) != OWNER)
        {
            vertexId++;
        }
        return vertexId;
    }

    private static void expectOk(final Status status, final String what)
    {
        if (Status.OK != status)
        {
            throw new IllegalStateException(what + ": " + status);
        }
    }

    private static String reasonKey(final int reason)
    {
        return CostModel.REASON_NAMES[reason].replaceAll("[^a-z]+", "_").replaceAll("_$", "");
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** The vertices the workloads use, all owned by worker 1. */
    static final class Vertices
    {
        long hot;
        long counter;
        long large;
        long[] cold;
    }

    /**
     * One client thread's calls: which worker to call through, on which vertex, with which UDF and args, by
     * workload (and, in the shifting mix, by phase).
     */
    static final class ClientLoop
    {
        private final FabricClient client;
        private final int thread;
        private final int workload;
        private final Vertices vertices;
        private final long phaseNs;
        private final long startNs;
        private final SplittableRandom random;
        private final UnsafeBuffer args = new UnsafeBuffer(new byte[64]);
        private final UnsafeBuffer result = new UnsafeBuffer(new byte[LARGE_BYTES]);
        int udfId;
        // The workload's shape of the last call: its own, or in the mix the phase it fell in.
        int phase;

        ClientLoop(
            final FabricClient client, final int thread, final int workload, final Vertices vertices,
            final long phaseNs, final long startNs)
        {
            this.client = client;
            this.thread = thread;
            this.workload = workload;
            this.vertices = vertices;
            this.phaseNs = phaseNs;
            this.startNs = startNs;
            this.random = new SplittableRandom(31L * thread + workload);
        }

        Status call(final long nowNs)
        {
            phase = workload < MIX ? workload : (int)(Math.max(0, nowNs - startNs) / phaseNs % MIX_PHASES.length);
            switch (phase)
            {
                case 0:     // hot read through workers 2 and 3
                    udfId = READ;
                    return client.invokeVia(2 + thread % 2, vertices.hot, READ, args, 0, 0, result);

                case 1:     // a counter incremented through every worker
                    udfId = GCOUNTER;
                    args.putLong(0, 1, LITTLE_ENDIAN);
                    return client.invokeVia(1 + thread, vertices.counter, GCOUNTER, args, 0, Long.BYTES, result);

                case 2:     // 64 KiB vector: read one element through 2 and 3, written at the owner
                    args.putInt(0, random.nextInt(LARGE_BYTES / Double.BYTES), LITTLE_ENDIAN);
                    if (thread == 2)
                    {
                        udfId = VSET;
                        args.putDouble(Integer.BYTES, random.nextDouble(), LITTLE_ENDIAN);
                        return client.invokeVia(OWNER, vertices.large, VSET, args, 0, Integer.BYTES + Double.BYTES,
                            result);
                    }
                    udfId = VGET;
                    return client.invokeVia(2 + thread, vertices.large, VGET, args, 0, Integer.BYTES, result);

                default:    // cold reads: each of many vertices touched rarely
                    udfId = READ;
                    return client.invokeVia(2 + thread % 2, vertices.cold[random.nextInt(vertices.cold.length)], READ,
                        args, 0, 0, result);
            }
        }
    }
}
