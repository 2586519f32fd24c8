package io.shawarma.fabric;

import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker on an external media driver that is killed with kill -9 exits with status 1 and one line saying what
 * happened and what to do, instead of running on in a failed state. Real driver and worker processes.
 */
class DriverLostIT
{
    private static final long EXIT_TIMEOUT_MS = 60_000;
    private static final String DRIVER_TIMEOUT_MS = "2000";

    @TempDir
    File tempDir;

    @Test
    void workerExitsNonZeroInOneLineWhenItsDriverIsKilled()
    {
        final File aeronDir = new File(tempDir, "aeron");
        try (ChildJvm driver = new ChildJvm("driver", DriverMain.class.getName(), Map.of(
            "aeron.dir", aeronDir.getPath(),
            "aeron.driver.timeout", DRIVER_TIMEOUT_MS,
            "aeron.threading.mode", "SHARED",
            "aeron.shared.idle.strategy", "backoff"), List.of(), "shawarma driver ready", null))
        {
            driver.awaitReady(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
            try (ChildJvm worker = new ChildJvm("worker 1", WorkerMain.class.getName(), Map.of(
                Configuration.WORKER_ID_PROP, "1",
                Configuration.FABRIC_PROP, "1@" + LoopbackPorts.freeUdpChannel(),
                Configuration.DRIVER_PROP, "external",
                "aeron.dir", aeronDir.getPath(),
                "aeron.driver.timeout", DRIVER_TIMEOUT_MS), List.of(), "shawarma worker 1 ready", null))
            {
                worker.awaitReady(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
                driver.kill();

                final int exit = worker.awaitExit(EXIT_TIMEOUT_MS);
                final String output = worker.lastLines();
                assertEquals(1, exit, output);
                final String[] lines = output.split("\n");
                assertEquals(2, lines.length, "the ready line, then one line: " + output);
                assertTrue(lines[1].contains("shawarma worker 1: lost its media driver on " + aeronDir), output);
                assertTrue(lines[1].contains("start the driver again"), output);
                assertFalse(output.contains("at io.") || output.contains("\tat "), output);
            }
        }
    }
}
