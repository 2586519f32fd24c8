package io.shawarma.fabric;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.SingleWriterRecorder;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A worker's call service times (from a call's arrival to its answer or forward, measured on the worker around its
 * dispatch), recorded by the agent thread into an HdrHistogram {@link SingleWriterRecorder} without allocation, and
 * written every few seconds by a low-priority daemon thread as interval histograms to {@value #FILE_NAME} in the
 * worker's directory: HdrHistogram's log format, which its log tools and {@code scripts/shawarma stat --latency}
 * read.
 */
final class CallLatency implements AutoCloseable
{
    /** File name of the interval log in the worker's directory. */
    static final String FILE_NAME = "call-latency.hlog";
    /** Longest service time kept apart: longer ones are recorded as this. */
    static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);
    /** How often an interval is written. */
    static final long INTERVAL_MS = 5_000;
    // A day of intervals per file.
    private static final long INTERVALS_PER_FILE = TimeUnit.DAYS.toMillis(1) / INTERVAL_MS;

    // Before the recorder: its first interval starts when it is made, and a log's intervals may not start before it.
    private final long createdMs = System.currentTimeMillis();
    private final SingleWriterRecorder recorder = new SingleWriterRecorder(1, HIGHEST_NS, 3);
    private final File file;
    private final Thread writer;
    private volatile boolean running = true;

    /**
     * @param workerDir where the interval log is written.
     * @param workerId  names the writer thread.
     */
    CallLatency(final File workerDir, final int workerId)
    {
        this.file = new File(workerDir, FILE_NAME);
        writer = new Thread(this::writeIntervals, "shawarma-latency-log-" + workerId);
        writer.setDaemon(true);
        writer.setPriority(Thread.MIN_PRIORITY);
        writer.start();
    }

    /**
     * Records one call's service time. Agent thread only; allocation free.
     *
     * @param serviceNs from the call's dispatch to its end.
     */
    void record(final long serviceNs)
    {
        recorder.recordValue(Math.max(0, Math.min(serviceNs, HIGHEST_NS)));
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
        final Histogram sum = new Histogram(1, HIGHEST_NS, 3);
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
        Histogram interval = null;
        long startMs = createdMs;
        boolean last = false;
        while (!last)
        {
            // Started again after a day of intervals: the log lives in /dev/shm (memory) for as long as the worker.
            try (PrintStream out = new PrintStream(file, "US-ASCII"))
            {
                final HistogramLogWriter log = new HistogramLogWriter(out);
                log.outputLogFormatVersion();
                log.outputStartTime(startMs);
                log.setBaseTime(startMs);
                log.outputLegend();
                for (long i = 0; i < INTERVALS_PER_FILE && !last; i++)
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
                    interval = recorder.getIntervalHistogram(interval);
                    log.outputIntervalHistogram(interval);
                    out.flush();
                }
                startMs = interval.getEndTimeStamp();
            }
            catch (final FileNotFoundException | UnsupportedEncodingException ex)
            {
                // The worker serves calls without its latency log: stat --latency says there is none.
                return;
            }
        }
    }
}
