package io.shawarma.fabric;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A worker's call service times (from a call's arrival to its answer or forward, measured on the worker around its
 * dispatch), counted by the agent thread without allocation, and written every few seconds by a low-priority daemon
 * thread as HdrHistogram interval histograms to {@value #FILE_NAME} in the worker's directory: HdrHistogram's log
 * format, which its log tools and {@code scripts/shawarma stat --latency} read.
 * <p>
 * The agent adds one to a pre-sized array of cumulative counts, at an index computed without a branch (HdrHistogram's
 * log-linear buckets, {@value #SUB_BUCKET_BITS} bits below each power of two: within 1%). Neither a {@code Recorder}
 * nor a {@code Histogram} on the call path: both take branches that depend on the values or on the swaps (a new
 * maximum, the phaser's phase), and the first such branch taken after the call path is compiled deoptimizes it,
 * which then allocates until compiled again. The writer copies the counts, subtracts the previous copy and records
 * the difference into a Histogram. The copy races with the agent's increments, so an interval may miss a call that
 * lands in the next one; each count only grows, so an interval never goes negative.
 */
final class CallLatency implements AutoCloseable
{
    /** File name of the interval log in the worker's directory. */
    static final String FILE_NAME = "call-latency.hlog";
    /** Longest service time kept apart: longer ones are recorded as this. */
    static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);
    // Two significant digits in the written histograms: values to within 1%.
    private static final int DIGITS = 2;
    /** Sub-bucket bits: each power of two is cut into this many powers of two of linear buckets. */
    static final int SUB_BUCKET_BITS = 7;
    private static final long SUB_BUCKET_MASK = (1L << (SUB_BUCKET_BITS + 1)) - 1;
    private static final int SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_BITS;
    private static final int COUNTS_LENGTH = index(HIGHEST_NS) + 1;
    /** How often an interval is written. */
    static final long INTERVAL_MS = 5_000;
    // A day of intervals per file.
    private static final long INTERVALS_PER_FILE = TimeUnit.DAYS.toMillis(1) / INTERVAL_MS;

    private final long[] live = new long[COUNTS_LENGTH];
    private final long[] current = new long[COUNTS_LENGTH];
    private final long[] previous = new long[COUNTS_LENGTH];
    private final Histogram interval = new Histogram(1, HIGHEST_NS, DIGITS);
    private final File file;
    private final Thread writer;
    private volatile boolean running = true;
    private PrintStream out;
    private HistogramLogWriter log;
    private long intervalStartMs = System.currentTimeMillis();
    private long intervalsInFile;

    /**
     * Opens the log and writes its first (empty) interval on the caller's thread, before any call: every class the
     * writing needs is loaded now, not later while the agent's compiled call path depends on the classes loaded so
     * far (a class loaded then can deoptimize it). Then starts the writer thread.
     *
     * @param workerDir where the interval log is written.
     * @param workerId  names the writer thread.
     */
    CallLatency(final File workerDir, final int workerId)
    {
        this.file = new File(workerDir, FILE_NAME);
        writer = new Thread(this::writeIntervals, "shawarma-latency-log-" + workerId);
        writer.setDaemon(true);
        writer.setPriority(Thread.MIN_PRIORITY);
        if (openLog())
        {
            writeInterval();
            writer.start();
        }
    }

    /**
     * Records one call's service time. Agent thread only; allocation free.
     *
     * @param serviceNs from the call's dispatch to its end.
     */
    void record(final long serviceNs)
    {
        live[index(Math.max(0, Math.min(serviceNs, HIGHEST_NS)))]++;
    }

    /**
     * @param valueNs in [0, {@link #HIGHEST_NS}].
     * @return its bucket: HdrHistogram's counts index with a unit of 1 ns, computed without a branch.
     */
    static int index(final long valueNs)
    {
        final int bucket = 63 - Long.numberOfLeadingZeros(valueNs | SUB_BUCKET_MASK) - SUB_BUCKET_BITS;
        final int subBucket = (int)(valueNs >>> bucket);
        return ((bucket + 1) << SUB_BUCKET_BITS) + subBucket - SUB_BUCKET_HALF_COUNT;
    }

    /**
     * @param index a bucket, from {@link #index(long)}.
     * @return the lowest value in it.
     */
    static long lowestValue(final int index)
    {
        int bucket = (index >> SUB_BUCKET_BITS) - 1;
        int subBucket = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if (bucket < 0)
        {
            subBucket -= SUB_BUCKET_HALF_COUNT;
            bucket = 0;
        }
        return (long)subBucket << bucket;
    }

    /**
     * @param index a bucket, from {@link #index(long)}.
     * @return how many values it holds.
     */
    static long width(final int index)
    {
        return 1L << Math.max(0, (index >> SUB_BUCKET_BITS) - 1);
    }

    /**
     * @return the interval log.
     */
    File file()
    {
        return file;
    }

    /**
     * Stops the writer after it wrote the last interval.
     */
    public void close()
    {
        running = false;
        writer.interrupt();
        try
        {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the newest intervals of a worker's log, for {@code stat --latency}.
     *
     * @param workerDir the worker's directory.
     * @param intervals how many of the newest intervals to add up.
     * @return one line: calls and service time percentiles in microseconds, or why there are none.
     */
    static String summary(final File workerDir, final int intervals)
    {
        final File log = new File(workerDir, FILE_NAME);
        if (!log.isFile())
        {
            return "no " + FILE_NAME + " (not a data-plane worker, or one from before it was written)";
        }
        final ArrayDeque<Histogram> newest = new ArrayDeque<>();
        try
        {
            final HistogramLogReader reader = new HistogramLogReader(log);
            EncodableHistogram next;
            while (null != (next = reader.nextIntervalHistogram()))
            {
                if (next instanceof Histogram)
                {
                    newest.addLast((Histogram)next);
                    if (newest.size() > intervals)
                    {
                        newest.removeFirst();
                    }
                }
            }
        }
        catch (final FileNotFoundException ex)
        {
            return "no " + FILE_NAME;
        }
        final Histogram sum = new Histogram(1, HIGHEST_NS, DIGITS);
        for (final Histogram interval : newest)
        {
            sum.add(interval);
        }
        if (newest.isEmpty())
        {
            return "no interval written yet (one every " + INTERVAL_MS / 1000 + " s)";
        }
        final long endMs = newest.getLast().getEndTimeStamp();
        final String span = String.format("over %.1f s to %s", (endMs - newest.getFirst().getStartTimeStamp()) / 1e3,
            Instant.ofEpochMilli(endMs));
        if (0 == sum.getTotalCount())
        {
            return "no calls " + span;
        }
        return String.format("%,d calls %s, service time us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f",
            sum.getTotalCount(), span, sum.getValueAtPercentile(50) / 1e3, sum.getValueAtPercentile(90) / 1e3,
            sum.getValueAtPercentile(99) / 1e3, sum.getValueAtPercentile(99.9) / 1e3, sum.getMaxValue() / 1e3);
    }

    private void writeIntervals()
    {
        boolean last = false;
        while (!last)
        {
            try
            {
                Thread.sleep(INTERVAL_MS);
            }
            catch (final InterruptedException ex)
            {
                // close(): write the last interval and stop.
            }
            last = !running;
            // Started again after a day of intervals: the log lives in /dev/shm (memory) for as long as the worker.
            if (intervalsInFile >= INTERVALS_PER_FILE && !openLog())
            {
                return;
            }
            writeInterval();
        }
        out.close();
    }

    private boolean openLog()
    {
        if (null != out)
        {
            out.close();
        }
        try
        {
            out = new PrintStream(file, "US-ASCII");
        }
        catch (final FileNotFoundException | UnsupportedEncodingException ex)
        {
            // The worker serves calls without its latency log: stat --latency says there is none.
            return false;
        }
        log = new HistogramLogWriter(out);
        log.outputLogFormatVersion();
        log.outputStartTime(intervalStartMs);
        log.setBaseTime(intervalStartMs);
        log.outputLegend();
        intervalsInFile = 0;
        return true;
    }

    private void writeInterval()
    {
        System.arraycopy(live, 0, current, 0, COUNTS_LENGTH);
        interval.reset();
        for (int i = 0; i < COUNTS_LENGTH; i++)
        {
            final long calls = current[i] - previous[i];
            if (calls > 0)
            {
                // The bucket's middle: HdrHistogram puts it in its own bucket, to within its precision.
                interval.recordValueWithCount(Math.min(lowestValue(i) + width(i) / 2, HIGHEST_NS), calls);
            }
        }
        System.arraycopy(current, 0, previous, 0, COUNTS_LENGTH);
        final long endMs = System.currentTimeMillis();
        interval.setStartTimeStamp(intervalStartMs);
        interval.setEndTimeStamp(endMs);
        log.outputIntervalHistogram(interval);
        out.flush();
        intervalsInFile++;
        intervalStartMs = endMs;
    }
}
