package io.shawarma.fabric;

import io.shawarma.udf.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
