package io.shawarma.fabric;

import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.fabric.store.VertexTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker process whose data file cannot be trusted refuses to start, in one line that says what to do, with exit
 * status 1; a bad setting exits 2. Real processes: {@code WorkerMain} as a user starts it.
 */
class WorkerStartRefusedIT
{
    private static final long EXIT_TIMEOUT_MS = 60_000;

    @TempDir
    Path dataDir;

    @Test
    void truncatedDataFileIsRefusedInOneLine() throws IOException
    {
        final File dataFile = dataDir.resolve("vertices-worker-1.dat").toFile();
        try (VertexTable table = new VertexTable(100, 16, 64, dataFile))
        {
            table.put(7, new UnsafeBuffer(new byte[16]), 0, 16);
        }
        try (RandomAccessFile file = new RandomAccessFile(dataFile, "rw"))
        {
            file.setLength(file.length() - 1000);
        }

        final String output = run(Map.of(Configuration.DATA_DIR_PROP, dataDir.toString()), 1);

        assertTrue(output.contains("shawarma worker: vertex table file"), output);
        assertTrue(output.contains("is truncated"), output);
        assertTrue(output.contains("start with --accept-loss"), output);
        assertFalse(output.contains("Exception"), output);
    }

    @Test
    void fileTruncatedAtAChunkBoundaryIsRefusedThenOpenedWithAcceptLossCountingWhatWasLost() throws IOException
    {
        final File dataFile = dataDir.resolve("vertices-worker-1.dat").toFile();
        try (VertexTable table = new VertexTable(100, 16, 64, dataFile))
        {
            table.put(7, new UnsafeBuffer(new byte[16]), 0, 16);
        }
        try (RandomAccessFile file = new RandomAccessFile(dataFile, "rw"))
        {
            // What the original probe found served as healthy: the whole chunk gone, the header left.
            file.setLength(4096);
        }
        final Map<String, String> properties = Map.of(Configuration.DATA_DIR_PROP, dataDir.toString());

        final String refused = run(properties, 1);
        assertTrue(refused.contains("(1 chunks missing): refusing to open it; restore it from a replica"), refused);

        try (ChildJvm worker = new ChildJvm("worker 1", WorkerMain.class.getName(), workerProperties(properties),
            List.of("--accept-loss"), "shawarma worker 1 ready", null))
        {
            worker.awaitReady(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_TIMEOUT_MS));
            final String output = worker.lastLines();
            assertTrue(output.contains("shawarma worker 1: vertex table file " + dataFile + " opened accepting " +
                "loss: 0 records dropped as corrupt or torn, 1 chunks missing"), output);
        }
    }

    @Test
    void unknownStoreKindIsAUsageError()
    {
        final String output = run(Map.of(Configuration.STORE_PROP, "btree"), 2);

        assertTrue(output.contains("shawarma worker: " + Configuration.STORE_PROP + "=btree"), output);
        assertFalse(output.contains("Exception"), output);
    }

    @Test
    void secondWorkerOnABusyPortIsRefusedInOneLineLeavingNoDirectory()
    {
        final Map<String, String> properties = workerProperties(Map.of());
        try (ChildJvm first = new ChildJvm("worker 1", WorkerMain.class.getName(), properties, List.of(),
            "shawarma worker 1 ready", null))
        {
            first.awaitReady(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_TIMEOUT_MS));
            try (ChildJvm second = new ChildJvm("worker 1 again", WorkerMain.class.getName(), properties, List.of(),
                "shawarma worker 1 ready", null))
            {
                final int exit = second.awaitExit(EXIT_TIMEOUT_MS);
                final String output = second.lastLines();

                assertEquals(1, exit, output);
                assertTrue(output.contains("shawarma worker: worker 1 cannot receive on " +
                    properties.get(Configuration.FABRIC_PROP).substring(2) + " (stream "), output);
                assertTrue(output.contains("the port is in use; is worker 1 already running"), output);
                assertFalse(output.contains("Exception"), output);
                final String prefix = CountersFile.DIRECTORY_PREFIX + "1-" + second.pid() + "-";
                final File[] left = CountersFile.newDirectory(1).getParentFile()
                    .listFiles((dir, name) -> name.startsWith(prefix));
                assertEquals(0, null == left ? 0 : left.length, "directories left: " + Arrays.toString(left));
            }
        }
    }

    private static String run(final Map<String, String> extra, final int expectedExit)
    {
        try (ChildJvm worker = new ChildJvm("worker 1", WorkerMain.class.getName(), workerProperties(extra),
            List.of(), "shawarma worker 1 ready", null))
        {
            final int exit = worker.awaitExit(EXIT_TIMEOUT_MS);
            final String output = worker.lastLines();
            assertEquals(expectedExit, exit, output);
            return output;
        }
    }

    private static Map<String, String> workerProperties(final Map<String, String> extra)
    {
        final Map<String, String> properties = new HashMap<>(extra);
        properties.put(Configuration.WORKER_ID_PROP, "1");
        properties.put(Configuration.FABRIC_PROP, "1@" + LoopbackPorts.freeUdpChannel());
        return properties;
    }
}
