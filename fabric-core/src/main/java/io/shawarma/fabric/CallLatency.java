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
 * dispatch), recorded by the agent thread into a pre-sized HdrHistogram without allocation, and written every few
 * seconds by a low-priority daemon thread as interval histograms to {@value #FILE_NAME} in the worker's directory:
 * HdrHistogram's log format, which its log tools and {@code scripts/shawarma stat --latency} read.
 * <p>
 * The agent only ever adds to one cumulative histogram; the writer copies it and subtracts the previous copy. Not a
 * {@code Recorder}: its phaser takes the other branch after each swap, and the first swap after the agent's code is
 * compiled would deoptimize the call path (which then allocates until compiled again). The copy races with the
 * agent's increments, so an interval may miss a call that lands in the next one; each count only grows, so an
 * interval never goes negative.
 */
final class CallLatency implements AutoCloseable
{
    /** File name of the interval log in the worker's directory. */
    static final String FILE_NAME = "call-latency.hlog";
    /** Longest service time kept apart: longer ones are recorded as this. */
    static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);
    // Two significant digits: values to within 1%, in about 30 KB per histogram.
    private static final int DIGITS = 2;
    /** How often an interval is written. */
    static final long INTERVAL_MS = 5_000;
    // A day of intervals per file.
    private static final long INTERVALS_PER_FILE = TimeUnit.DAYS.toMillis(1) / INTERVAL_MS;

    private final Histogram live = new Histogram(1, HIGHEST_NS, DIGITS);
    private final Histogram interval = new Histogram(1, HIGHEST_NS, DIGITS);
    private Histogram previous = new Histogram(1, HIGHEST_NS, DIGITS);
    private Histogram current = new Histogram(1, HIGHEST_NS, DIGITS);
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
        live.recordValue(Math.max(0, Math.min(serviceNs, HIGHEST_NS)));
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
        current.reset();
        current.add(live);
        interval.reset();
        interval.add(current);
        try
        {
            interval.subtract(previous);
        }
        catch (final IllegalArgumentException ex)
        {
            // A copy that saw fewer calls than the one before (not expected): an empty interval.
            interval.reset();
        }
        final long endMs = System.currentTimeMillis();
        interval.setStartTimeStamp(intervalStartMs);
        interval.setEndTimeStamp(endMs);
        log.outputIntervalHistogram(interval);
        out.flush();
        intervalsInFile++;
        intervalStartMs = endMs;
        final Histogram swap = previous;
        previous = current;
        current = swap;
    }
}
