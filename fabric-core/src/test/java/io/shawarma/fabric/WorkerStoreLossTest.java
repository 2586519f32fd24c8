package io.shawarma.fabric;

import io.shawarma.fabric.store.VertexTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker on a damaged data file: refuses to start, or with {@code shawarma.store.accept.loss} starts with what the
 * file proves whole and shows what it lost in its counters.
 */
class WorkerStoreLossTest
{
    @TempDir
    File dataDir;

    @Test
    void shouldCountWhatOpeningTheStoreLostAcceptingLoss() throws IOException
    {
        final File file = new File(dataDir, "vertices-worker-1.dat");
        try (VertexTable table = new VertexTable(100, 16, 4096, file))
        {
            table.put(7, new UnsafeBuffer(new byte[16]), 0, 16);
            table.put(8, new UnsafeBuffer(new byte[100]), 0, 100);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.setLength(raf.length() - 1); // the second chunk cut: vertex 8's record is in its first slot
        }

        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> new TestFabric(1, context -> context.dataDir(dataDir.getPath())).close());
        assertTrue(refused.getMessage().contains("start with --accept-loss"), refused.getMessage());

        try (TestFabric fabric = new TestFabric(1, context -> context.dataDir(dataDir.getPath()).storeAcceptLoss(true)))
        {
            final WorkerCounters counters = fabric.worker(1).counters();
            assertEquals(1, counters.storeChunksLost());
            assertEquals(0, counters.storeRecordsLost(), "the cut chunk's records are whole before the cut");
        }
        try (TestFabric fabric = new TestFabric(1, context -> context.dataDir(dataDir.getPath())))
        {
            assertEquals(0, fabric.worker(1).counters().storeChunksLost(), "the file was left whole");
        }
    }
}
