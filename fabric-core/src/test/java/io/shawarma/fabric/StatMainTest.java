package io.shawarma.fabric;

import io.shawarma.udf.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatMainTest
{
    @TempDir
    Path temp;

    @Test
    void shouldPrintEveryWorkersCountersAndErrors() throws Exception
    {
        final File workerDir = temp.resolve("shawarma-worker-7-1-1").toFile();
        assertTrue(workerDir.mkdirs());
        try (WorkerCounters counters = new WorkerCounters(new File(workerDir, WorkerCounters.FILE_NAME), 7))
        {
            counters.malformedFrames.incrementRelease();
            counters.onResult(Status.MOVED);
            counters.onResult(Status.MOVED);
            counters.onError(new IllegalStateException("test failure"));

            final String stat = run("stat", "--once", "--dir", temp.toString());
            assertTrue(stat.contains("worker 7 (pid " + ProcessHandle.current().pid() + ")"), stat);
            assertTrue(stat.matches("(?s).*\\s1  malformed frames.*"), stat);
            assertTrue(stat.matches("(?s).*\\s2  results MOVED.*"), stat);

            final String errors = run("errors", "--dir", temp.toString());
            assertTrue(errors.contains("1 x, first ") && errors.contains("test failure"), errors);
            assertTrue(errors.contains("1 distinct error(s)"), errors);
        }
    }

    @Test
    void shouldHideZeroCountersAndOtherWorkersUnlessAsked() throws Exception
    {
        final File seven = temp.resolve("shawarma-worker-7-1-1").toFile();
        final File eight = temp.resolve("shawarma-worker-8-1-2").toFile();
        assertTrue(seven.mkdirs() && eight.mkdirs());
        try (WorkerCounters counters7 = new WorkerCounters(new File(seven, WorkerCounters.FILE_NAME), 7);
            WorkerCounters counters8 = new WorkerCounters(new File(eight, WorkerCounters.FILE_NAME), 8))
        {
            counters7.malformedFrames.incrementRelease();
            counters8.malformedFrames.incrementRelease();

            final String stat = run("stat", "--once", "--worker", "7", "--dir", temp.toString());
            assertTrue(stat.contains("worker 7 (pid "), stat);
            assertFalse(stat.contains("worker 8 (pid "), stat);
            assertTrue(stat.contains("1  malformed frames"), stat);
            assertFalse(stat.contains("results MOVED"), stat);
            assertTrue(stat.contains("counters at zero not shown: --all"), stat);

            final String all = run("stat", "--once", "--all", "--pid", Long.toString(ProcessHandle.current().pid()),
                "--dir", temp.toString());
            assertTrue(all.contains("worker 7 (pid ") && all.contains("worker 8 (pid "), all);
            assertTrue(all.matches("(?s).*\\s0  results MOVED.*"), all);

            final String none = run("stat", "--once", "--pid", "1", "--dir", temp.toString());
            assertFalse(none.contains("malformed frames"), none);
            assertTrue(none.contains("2 other worker file(s) not shown"), none);
        }
    }

    @Test
    void shouldPrintEachWorkersCallLatencyPercentilesFromItsIntervalLog() throws Exception
    {
        final File workerDir = temp.resolve("shawarma-worker-9-1-1").toFile();
        assertTrue(workerDir.mkdirs());
        try (WorkerCounters counters = new WorkerCounters(new File(workerDir, WorkerCounters.FILE_NAME), 9))
        {
            final CallLatency latency = new CallLatency(workerDir, 9);
            for (int i = 1; i <= 1000; i++)
            {
                latency.record(i * 1000L);
            }
            latency.close();

            final String stat = run("stat", "--once", "--latency", "--dir", temp.toString());
            assertTrue(stat.contains("worker 9 (pid "), stat);
            assertTrue(stat.contains("1,000 calls over "), stat);
            // Two significant digits: to within 1%.
            assertTrue(stat.matches("(?s).*service time us: p50 (49\\d|50\\d)\\.\\d .*"), stat);
            assertTrue(stat.matches("(?s).*max (99\\d|100\\d)\\.\\d.*"), stat);
            // HdrHistogram's tools skip intervals that start before the log's start time.
            final String log = Files.readString(new File(workerDir, CallLatency.FILE_NAME).toPath());
            assertTrue(log.matches("(?s).*\\n0\\.\\d+,\\d.*"), log);
        }
    }

    static String run(final String... args) throws Exception
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            StatMain.main(args);
        }
        finally
        {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
