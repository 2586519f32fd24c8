package io.shawarma.fabric;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.shawarma.fabric.process.ChildJvm;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/shawarma clean} removes the driver and counters directories of processes killed with kill -9 and
 * keeps those of running processes and of owners it cannot tell. A real driver process is killed.
 */
class CleanMainTest
{
    private static final String AERON_PREFIX = "aeron-test-";

    @TempDir
    File tempDir;

    @Test
    void shouldRemoveOnlyTheDirectoriesOfDeadOwners()
    {
        final File killedDriverDir = new File(tempDir, AERON_PREFIX + "shawarma-killed");
        final long deadPid;
        try (ChildJvm killed = new ChildJvm("driver", DriverMain.class.getName(), Map.of(
            "aeron.dir", killedDriverDir.getPath(),
            "aeron.threading.mode", "SHARED",
            "aeron.shared.idle.strategy", "backoff"), List.of(), "shawarma driver ready", null))
        {
            killed.awaitReady(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
            deadPid = killed.pid();
            killed.kill();
        }
        Tests.await(() -> ProcessHandle.of(deadPid).isEmpty(), "the killed driver to be gone");

        final long livePid = ProcessHandle.current().pid();
        final File deadWorkerDir = directory(CountersFile.DIRECTORY_PREFIX + "1-" + deadPid + "-42");
        final File liveWorkerDir = directory(CountersFile.DIRECTORY_PREFIX + "2-" + livePid + "-42");
        final File unknownOwnerDir = directory("shawarma-something-else");
        final File notOurs = directory("other-" + deadPid);
        final File liveDriverDir = new File(tempDir, AERON_PREFIX + "shawarma-live");
        try (MediaDriver live = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(liveDriverDir.getPath())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)))
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final int dryRemoved = CleanMain.clean(tempDir, AERON_PREFIX, true, new PrintStream(bytes, true));
            assertEquals(2, dryRemoved, bytes.toString(StandardCharsets.UTF_8));
            assertTrue(killedDriverDir.isDirectory() && deadWorkerDir.isDirectory(), "a dry run removes nothing");

            bytes.reset();
            final int removed = CleanMain.clean(tempDir, AERON_PREFIX, false, new PrintStream(bytes, true));
            final String output = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(2, removed, output);
            assertFalse(killedDriverDir.exists(), output);
            assertFalse(deadWorkerDir.exists(), output);
            assertTrue(output.contains("removed " + killedDriverDir + " (pid " + deadPid + ", not running)"), output);
            assertTrue(output.contains("removed " + deadWorkerDir + " (pid " + deadPid + ", not running)"), output);
            assertTrue(output.endsWith("removed 2 directories of dead processes, kept 3 (running, or owner unknown)\n"),
                output);

            assertTrue(liveDriverDir.isDirectory() && new File(liveDriverDir, "cnc.dat").isFile());
            assertTrue(liveWorkerDir.isDirectory());
            assertTrue(unknownOwnerDir.isDirectory());
            assertTrue(notOurs.isDirectory());
        }
    }

    @Test
    void shouldReadTheOwnerFromACountersDirectoryName()
    {
        assertEquals(1234, CleanMain.pidInName("shawarma-worker-7-1234-99887766"));
        assertEquals(0, CleanMain.pidInName("shawarma-worker-7"));
        assertEquals(0, CleanMain.pidInName("shawarma-worker-x-y-z"));
        assertEquals(0, CleanMain.pidInName("shawarma-bench-1234-ipc"));
    }

    private File directory(final String name)
    {
        final File dir = new File(tempDir, name);
        assertTrue(dir.mkdir());
        return dir;
    }
}
