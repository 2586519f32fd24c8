package io.shawarma.jmh;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.Worker;
import io.shawarma.fabric.WorkerCounters;
import io.shawarma.fabric.borrow.CostModel;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.udf.Status;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.shawarma.jmh.SchedulerWorkloads.GCOUNTER;
import static io.shawarma.jmh.SchedulerWorkloads.LARGE_BYTES;
import static io.shawarma.jmh.SchedulerWorkloads.MIX;
import static io.shawarma.jmh.SchedulerWorkloads.MIX_PHASES;
import static io.shawarma.jmh.SchedulerWorkloads.POLICIES;
import static io.shawarma.jmh.SchedulerWorkloads.WORKLOADS;
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
    private static final int WORKERS = 3;
    private static final int THREADS = 3;

    private final SchedulerBenchmarkOptions options;
    private final Map<String, String> config = new LinkedHashMap<>();
    private final SchedulerFigures figures;
    private boolean recording;
    private int round;
    private String counterCheck;
    // Increments answered other than OK (TIMEOUT above all): they may or may not have run.
    private final AtomicLong unknownIncrements = new AtomicLong();

    private SchedulerBenchmark(final SchedulerBenchmarkOptions options)
    {
        this.options = options;
        figures = new SchedulerFigures(options);
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
                final SchedulerVertices vertices = SchedulerVertices.load(clients.get(0));
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
        final List<Result> results = figures.results();

        new Report(results, config).print(System.out);
        figures.printComparison(System.out);
        IoUtil.ensureDirectoryExists(options.out.toFile(), "bench results");
        new Report(results, config).writeJson(options.out.resolve("scheduler.json"));
        System.out.println("wrote " + options.out.resolve("scheduler.json"));
    }

    /**
     * One workload under one policy: switch every worker's policy, let copies borrowed under the last policy go
     * back (two leases), warm up, measure; the workers' decision counts over the slice go to that policy.
     */
    private void slice(
        final int workload, final int policy, final List<Worker> workers, final List<FabricClient> clients,
        final SchedulerVertices vertices, final AtomicLong increments)
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
                figures.recordDecisions(policy, reason, after[reason] - before[reason]);
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
        final int workload, final int policy, final List<FabricClient> clients, final SchedulerVertices vertices,
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
                    final SchedulerClientLoop loop = new SchedulerClientLoop(clients.get(thread), thread, workload,
                        vertices, options.phaseNs, startNs);
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
                figures.recordMixPhaseCalls(policy, phase, phaseCalls[t][phase]);
            }
            totalFailed += failed[t];
        }
        final double callsPerSecond = total * 1e9 / options.measureNs;
        if (recording)
        {
            figures.recordSlice(workload, policy, round, merged, callsPerSecond, totalFailed);
        }
        System.out.printf("  %-18s %-8s %,12.0f calls/s  p50 %8.1f us  p99 %8.1f us  failed %d%n",
            WORKLOADS[workload], POLICIES[policy], callsPerSecond,
            merged.getValueAtPercentile(50) / 1000.0, merged.getValueAtPercentile(99) / 1000.0, totalFailed);
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
}
