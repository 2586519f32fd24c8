package io.shawarma.jmh;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.ObjectName;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The harness's local invoke: the calls {@link VertexPathBenchmark} measures ({@code read} on 16 B values, {@code add}
 * on int64 counters, through a {@code LocalInvoker} over a store of the configured kind, opened by
 * {@link VertexPath#open}), on one hot vertex or on random ones, timed two ways:
 * <ul>
 *     <li>{@code per_call}: each call timed alone, for the distribution. The figure includes about one
 *     {@code System.nanoTime()} (the {@code nanotime_pair} result measures it);</li>
 *     <li>{@code batched}: one timer pair around {@value #BATCH} calls, recorded as the mean per call, which is what
 *     JMH's average time reports.</li>
 * </ul>
 * Warm-up runs the same measuring methods until C2 has compiled them and gone quiet (see {@link #warmUp}), not for a
 * fixed count: on the 2-core machine, loaded, the calls ran at 3-12 us each in C1's code for the first 0.6 M calls
 * and reached their steady ~270 ns only after about 1.8 M (5 s), so 100k warm-up calls left most recorded calls in C1's
 * code (p50 1.6 us against 0.3 us once compiled, in the same process).
 */
final class LocalInvokeHarness
{
    /** Calls timed together in a batched sample. */
    static final int BATCH = 100;
    private static final int CHUNK_CALLS = 20_000;
    private static final int VALUE_BYTES = 16;
    private static final int HOT_ENTRIES = 1000;
    private static final int IDS = 1 << 20;
    private static final int ID_MASK = IDS - 1;
    private static final long MIN_WARMUP_NS = 2_000_000_000L;
    private static final long MAX_WARMUP_NS = 60_000_000_000L;
    private static final long QUIET_JIT_NS = 1_000_000_000L;
    private static final String C2_QUEUE = "C2 compile queue:";
    private static final RuntimeMXBean UPTIME = ManagementFactory.getRuntimeMXBean();
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final String storeKind;
    private final int keys;
    private final int minWarmupCalls;
    private final int count;
    private final UnsafeBuffer args = new UnsafeBuffer(new byte[Long.BYTES]);
    private long[] ids;
    private int next;
    private int failures;
    private long allocatedBytes;
    private long measuredCalls;

    /**
     * @param storeKind      {@code shawarma.store} kind of the local store.
     * @param keys           0 for one hot vertex, else the number of vertices called at random.
     * @param minWarmupCalls fewest warm-up calls per UDF (warm-up also lasts until the figures are steady).
     * @param count          recorded calls per UDF and way of timing.
     */
    LocalInvokeHarness(final String storeKind, final int keys, final int minWarmupCalls, final int count)
    {
        this.storeKind = storeKind;
        this.keys = keys;
        this.minWarmupCalls = minWarmupCalls;
        this.count = count;
        args.putLong(0, 1, LITTLE_ENDIAN);
    }

    /**
     * Describes the measurement in the run's config.
     *
     * @param config to add to.
     */
    void describe(final Map<String, String> config)
    {
        config.put("local_invoke", "read on " + VALUE_BYTES + " B values, add on 8 B counters, through LocalInvoker " +
            "over a '" + storeKind + "' store, as VertexPathBenchmark; " +
            (0 == keys ? "one hot vertex" : "random vertex among " + keys) + "; per_call: each call timed alone " +
            "(includes ~1 nanoTime, see nanotime_pair); batched: mean per call over batches of " + BATCH + " calls");
    }

    /**
     * Measures {@code read} then {@code add}, each on its own store, and the timer's own cost.
     *
     * @param results to add the figures to.
     */
    void run(final List<Result> results)
    {
        final int entries = 0 == keys ? HOT_ENTRIES : keys;
        ids = VertexPath.ids(entries, 0 != keys, IDS);
        measure("read", VertexPath.READ, 0, VALUE_BYTES, entries, results);
        measure("add", VertexPath.ADD, Long.BYTES, VertexPath.COUNTER_BYTES, entries, results);
        results.add(Result.value("local_invoke_alloc", "B/op", (double)allocatedBytes / measuredCalls));

        final Histogram timer = new Histogram(60_000_000_000L, 3);
        for (int i = 0; i < count; i++)
        {
            final long start = System.nanoTime();
            timer.recordValue(System.nanoTime() - start);
        }
        results.add(Result.latency("nanotime_pair", timer));
        if (failures > 0)
        {
            throw new IllegalStateException(failures + " local calls failed: the figures are not those of the call");
        }
    }

    private void measure(
        final String udfName, final int udfId, final int argsLength, final int valueBytes, final int entries,
        final List<Result> results)
    {
        try (VertexPath path = VertexPath.open(storeKind, entries, valueBytes))
        {
            VertexPath.fill(path, entries, valueBytes);
            System.out.printf("local_invoke_%s: warm-up (at least %,d calls, until the JIT is quiet)...%n", udfName,
                minWarmupCalls);
            final long warmupStartNs = System.nanoTime();
            final long warmupCalls = warmUp(path, udfId, argsLength);
            System.out.printf("local_invoke_%s: %,d warm-up calls in %.1f s (JVM uptime %,d ms)%n", udfName,
                warmupCalls, (System.nanoTime() - warmupStartNs) / 1e9, UPTIME.getUptime());

            final String name = "local_invoke_" + udfName;
            System.out.printf("%s: %,d calls timed one by one, %,d in batches of %d...%n", name, count, count, BATCH);
            final Histogram perCall = new Histogram(60_000_000_000L, 3);
            final Histogram batched = new Histogram(60_000_000_000L, 3);
            final long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            for (int done = 0; done < count; done += CHUNK_CALLS)
            {
                final int calls = Math.min(CHUNK_CALLS, count - done);
                timeEach(path, udfId, argsLength, calls, perCall);
                timeBatches(path, udfId, argsLength, Math.max(1, calls / BATCH), batched);
            }
            allocatedBytes += THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            measuredCalls += perCall.getTotalCount() + batched.getTotalCount() * BATCH;
            results.add(Result.latency(name + "_per_call", perCall));
            results.add(Result.latency(name + "_batched", batched));
            System.out.printf("%s: p50 %d ns per call timed alone, %d ns per call in batches (after %,d warm-up " +
                "calls)%n", name, perCall.getValueAtPercentile(50), batched.getValueAtPercentile(50), warmupCalls);
        }
    }

    /**
     * Runs both measuring methods in chunks until at least the minimum calls and time are done, the JIT has finished
     * no compile for {@link #QUIET_JIT_NS} and C2 has nothing queued or running, or {@link #MAX_WARMUP_NS} is up.
     * Neither a steady median nor a quiet JIT alone is enough: the calls run at one slow speed, chunk after chunk, in
     * C1's code, and a C2 compile that takes over a second (a loaded machine) finishes nothing meanwhile.
     *
     * @return the warm-up calls made.
     */
    private long warmUp(final VertexPath path, final int udfId, final int argsLength)
    {
        final Histogram scratch = new Histogram(60_000_000_000L, 3);
        final long startNs = System.nanoTime();
        long lastCompileNs = startNs;
        long compileMs = JIT.getTotalCompilationTime();
        long calls = 0;
        while (true)
        {
            scratch.reset();
            timeEach(path, udfId, argsLength, CHUNK_CALLS, scratch);
            timeBatches(path, udfId, argsLength, CHUNK_CALLS / BATCH, scratch);
            calls += 2 * CHUNK_CALLS;
            final long nowNs = System.nanoTime();
            final long nowCompileMs = JIT.getTotalCompilationTime();
            if (nowCompileMs != compileMs)
            {
                compileMs = nowCompileMs;
                lastCompileNs = nowNs;
            }
            if (nowNs - startNs > MAX_WARMUP_NS)
            {
                System.out.println("warning: the JIT was still compiling when warm-up ran out of time");
                return calls;
            }
            if (calls >= minWarmupCalls && nowNs - startNs >= MIN_WARMUP_NS && nowNs - lastCompileNs >= QUIET_JIT_NS &&
                !isC2Busy())
            {
                return calls;
            }
        }
    }

    /**
     * @return true when HotSpot's C2 compiler has a compile running or queued ({@code jcmd <pid> Compiler.queue});
     * false when it has none, or the JVM does not say.
     */
    private static boolean isC2Busy()
    {
        final String queue;
        try
        {
            queue = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerQueue", new Object[]{null},
                new String[]{String[].class.getName()}));
        }
        catch (final JMException | RuntimeException ex)
        {
            return false;
        }
        final int c2Queue = queue.indexOf(C2_QUEUE);
        return queue.contains("C2 CompilerThread") ||
            (c2Queue >= 0 && !queue.substring(c2Queue + C2_QUEUE.length()).trim().startsWith("Empty"));
    }

    private void timeEach(
        final VertexPath path, final int udfId, final int argsLength, final int calls, final Histogram histogram)
    {
        int failed = 0;
        for (int i = 0; i < calls; i++)
        {
            final long start = System.nanoTime();
            final int resultLength = path.invoke(ids[next++ & ID_MASK], udfId, args, 0, argsLength);
            histogram.recordValue(System.nanoTime() - start);
            failed += resultLength < 0 ? 1 : 0;
        }
        failures += failed;
    }

    private void timeBatches(
        final VertexPath path, final int udfId, final int argsLength, final int batches, final Histogram histogram)
    {
        int failed = 0;
        for (int i = 0; i < batches; i++)
        {
            final long start = System.nanoTime();
            for (int j = 0; j < BATCH; j++)
            {
                failed += path.invoke(ids[next++ & ID_MASK], udfId, args, 0, argsLength) < 0 ? 1 : 0;
            }
            histogram.recordValue((System.nanoTime() - start + BATCH / 2) / BATCH);
        }
        failures += failed;
    }
}
