package io.shawarma.fabric;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.shawarma.fabric.process.ChildJvm;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/shawarma driver} refuses a directory a live driver holds, leaving that driver running, and takes
 * one a stopped or killed (kill -9) driver left. Real driver processes.
 */
class DriverMainTest
{
    private static final long TIMEOUT_MS = 1_000;
    private static final String READY = "shawarma driver ready";

    @TempDir
    File tempDir;

    @Test
    void shouldRefuseADirectoryALiveDriverHoldsAndLeaveThatDriverRunning()
    {
        final File dir = new File(tempDir, "aeron");
        try (MediaDriver live = MediaDriver.launch(context(dir, true)))
        {
            final Object cncFile = fileKey(live.context().cncFile());
            try (ChildJvm second = driver(dir))
            {
                assertEquals(1, second.awaitExit(30_000), second.lastLines());
                final String output = second.lastLines();
                assertTrue(output.startsWith("[driver] shawarma driver: a live media driver (pid " +
                    ProcessHandle.current().pid() + ", heartbeat "), output);
                assertTrue(output.contains("holds " + dir + ": stop it first"), output);
                assertEquals(1, output.split("\n").length, output);
            }

            assertEquals(cncFile, fileKey(live.context().cncFile()), "the live driver's CnC file is the same file");
            try (Aeron client = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.getPath())))
            {
                assertTrue(client.nextCorrelationId() > 0, "a client still attaches to the live driver");
            }
        }
    }

    @Test
    void shouldTakeTheDirectoryOfADriverThatStoppedAtOnce()
    {
        final File dir = new File(tempDir, "aeron");
        MediaDriver.launch(context(dir, false)).close();

        assertTrue(new File(dir, "cnc.dat").isFile());
        assertNull(DriverMain.liveDriver(dir, TimeUnit.MINUTES.toMillis(1)), "a closed driver says so in its CnC");
    }

    @Test
    void shouldTakeTheDirectoryOfAKilledDriverOnceItsHeartbeatIsStale()
    {
        final File dir = new File(tempDir, "aeron");
        try (ChildJvm killed = driver(dir))
        {
            killed.awaitReady(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
            killed.kill();
        }
        final String refusal = DriverMain.liveDriver(dir, TimeUnit.MINUTES.toMillis(1));
        assertNotNull(refusal, "its heartbeat is recent");
        assertTrue(refusal.contains("not running here"), refusal);
        Tests.await(() -> null == DriverMain.liveDriver(dir, TIMEOUT_MS), "the killed driver's heartbeat to go stale");

        try (ChildJvm next = driver(dir))
        {
            next.awaitReady(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
            try (Aeron client = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.getPath())))
            {
                assertTrue(client.nextCorrelationId() > 0);
            }
            assertTrue(next.stop(), "stops on SIGTERM: " + next.lastLines());
        }
    }

    private static Object fileKey(final File file)
    {
        try
        {
            return Files.readAttributes(file.toPath(), BasicFileAttributes.class).fileKey();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static MediaDriver.Context context(final File dir, final boolean deleteOnShutdown)
    {
        return new MediaDriver.Context()
            .aeronDirectoryName(dir.getPath())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(deleteOnShutdown);
    }

    private static ChildJvm driver(final File dir)
    {
        return new ChildJvm("driver", DriverMain.class.getName(), Map.of(
            "aeron.dir", dir.getPath(),
            "aeron.driver.timeout", Long.toString(TIMEOUT_MS),
            "aeron.threading.mode", "SHARED",
            "aeron.shared.idle.strategy", "backoff",
            "aeron.dir.delete.on.shutdown", "true"), List.of(), READY, null);
    }
}
