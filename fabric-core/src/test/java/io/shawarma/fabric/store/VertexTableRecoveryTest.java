package io.shawarma.fabric.store;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real files, made by a real table, then truncated and corrupted as a crash or a disk could leave them: each is
 * refused in one line naming the file, what is wrong and what to do; with accept-loss each opens with exactly the
 * records it still proves whole, counts what it lost, and is whole again for the next open.
 * <p>
 * The file: 30 vertices, ids 0 to 29; the value of vertex {@code id} has {@link #LENGTHS}{@code [id % 3]} bytes, so
 * chunk {@code k} holds the ten vertices with {@code id % 3 == k} (each size class takes its own chunk).
 */
class VertexTableRecoveryTest
{
    private static final int MAX_VALUE_BYTES = 64;
    private static final int[] LENGTHS = { 8, 30, 60 };
    private static final int VERTICES = 30;
    private static final int CHUNK_SIZE = RecordSlab.chunkSizeFor(MAX_VALUE_BYTES);
    private static final long CHUNK_2 = TableFile.HEADER_LENGTH + 2L * CHUNK_SIZE;
    private static final long SLOT_2 = RecordSlab.slotSize(RecordSlab.sizeClass(LENGTHS[2]));

    @TempDir
    File tempDir;

    private File file;
    private VertexTable table;

    @AfterEach
    void close()
    {
        if (null != table)
        {
            table.close();
        }
    }

    @Test
    void shouldRefuseFileTruncatedToZeroBytesAndStartItAgainAcceptingLoss() throws IOException
    {
        writeFile();
        truncate(0);

        assertRefused("is truncated: 0 bytes, shorter than its 4096-byte header");

        table = open(true);
        assertEquals(0, table.size());
        assertTrue(table.lossAtOpen().contains("its header was lost (0 bytes left)"), table.lossAtOpen());
        assertWholeAfterReopen(0);
    }

    @Test
    void shouldRefuseFileTruncatedToItsHeaderAndCountItsChunksLost() throws IOException
    {
        writeFile();
        truncate(TableFile.HEADER_LENGTH);

        assertRefused("is truncated: its header counts 3 chunks of " + CHUNK_SIZE + " bytes, the file holds 0 " +
            "(3 chunks missing)");

        table = open(true);
        assertEquals(0, table.size());
        assertEquals(3, table.chunksLostAtOpen());
        assertEquals(0, table.recordsLostAtOpen());
        assertWholeAfterReopen(0);
    }

    @Test
    void shouldRefuseFileTruncatedAtChunkBoundaryAndServeTheChunksLeft() throws IOException
    {
        writeFile();
        truncate(CHUNK_2);

        assertRefused("the file holds 2 (1 chunks missing)");

        table = open(true);
        assertServes(0, 1);
        assertEquals(20, table.size());
        assertEquals(1, table.chunksLostAtOpen());
        assertEquals(0, table.recordsLostAtOpen());
        assertTrue(table.lossAtOpen().contains("0 records dropped as corrupt or torn, 1 chunks missing"),
            table.lossAtOpen());
        assertWholeAfterReopen(20);
    }

    @Test
    void shouldRefuseFileTruncatedMidChunkAndServeTheWholeRecordsBeforeTheCut() throws IOException
    {
        writeFile();
        // Inside the sixth record of chunk 2: its header and some value bytes are left.
        final long cutInSixthRecord =
            RecordSlab.CHUNK_HEADER_LENGTH + 5 * SLOT_2 + RecordSlab.RECORD_HEADER_LENGTH + 20;
        truncate(CHUNK_2 + cutInSixthRecord);

        assertRefused("the file holds 2 and " + cutInSixthRecord + " bytes of another (1 chunks missing)");

        table = open(true);
        assertServes(0, 1);
        assertEquals(25, table.size());
        for (int i = 0; i < 10; i++)
        {
            assertEquals(i < 5, table.contains(2 + 3L * i), "vertex " + (2 + 3 * i));
        }
        assertEquals(1, table.recordsLostAtOpen(), "the cut record");
        assertEquals(1, table.chunksLostAtOpen(), "the cut chunk");
        assertWholeAfterReopen(25);
    }

    @Test
    void shouldRefuseCommittedRecordWithCorruptValueByteAndDropItAcceptingLoss() throws IOException
    {
        writeFile();
        // Vertex 4 is the second record of chunk 1.
        final long slot = TableFile.HEADER_LENGTH + CHUNK_SIZE + RecordSlab.CHUNK_HEADER_LENGTH +
            RecordSlab.slotSize(RecordSlab.sizeClass(LENGTHS[1]));
        flipByte(slot + RecordSlab.RECORD_HEADER_LENGTH + 17);

        assertRefused("is corrupt: 1 records and 0 chunks fail their checks (the first: chunk 1 holds a record of " +
            "vertex 4 version 5 that fails its checksum)");

        table = open(true);
        assertEquals(VERTICES - 1, table.size());
        assertFalse(table.contains(4));
        assertEquals(1, table.recordsLostAtOpen());
        assertEquals(0, table.chunksLostAtOpen());
        assertWholeAfterReopen(VERTICES - 1);
    }

    @Test
    void shouldRefuseRecordWithCorruptLengthOrIdAsFailingItsChecksum() throws IOException
    {
        writeFile();
        final long firstSlot = TableFile.HEADER_LENGTH + RecordSlab.CHUNK_HEADER_LENGTH;
        flipByte(firstSlot + RecordSlab.ID_OFFSET + 2);

        assertRefused("fail their checks");

        table = open(true);
        assertEquals(VERTICES - 1, table.size());
        assertFalse(table.contains(0));
        assertEquals(1, table.recordsLostAtOpen());
    }

    @Test
    void shouldRefuseCorruptChunkCountInHeaderAndKeepEveryRecordAcceptingLoss() throws IOException
    {
        writeFile();
        flipByte(TableFile.CHUNK_COUNT_OFFSET);

        assertRefused("has a bad header: its chunk count word");

        table = open(true);
        assertServes(0, 1, 2);
        assertEquals(VERTICES, table.size());
        assertEquals(0, table.recordsLostAtOpen());
        assertEquals(0, table.chunksLostAtOpen());
        assertTrue(table.lossAtOpen().contains("chunk count was corrupt"), table.lossAtOpen());
        assertWholeAfterReopen(VERTICES);
    }

    @Test
    void shouldRefuseCorruptChunkHeaderAndDropTheChunkAcceptingLoss() throws IOException
    {
        writeFile();
        flipByte(TableFile.HEADER_LENGTH + CHUNK_SIZE + 5);

        assertRefused("0 records and 1 chunks fail their checks (the first: chunk 1 has a bad chunk header");

        table = open(true);
        assertServes(0, 2);
        assertEquals(20, table.size());
        assertEquals(1, table.chunksLostAtOpen());
        assertWholeAfterReopen(20);
    }

    @Test
    void shouldRefuseOldFormatSayingWhatToDoEvenAcceptingLoss() throws IOException
    {
        writeFile();
        final ByteBuffer version = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1);
        write(TableFile.VERSION_OFFSET, version);

        for (final boolean acceptLoss : new boolean[]{ false, true })
        {
            final String message = assertThrows(IllegalStateException.class, () -> open(acceptLoss)).getMessage();
            assertTrue(message.startsWith("vertex table file " + file + " has format version 1; this build reads " +
                "version " + TableFile.FORMAT_VERSION), message);
            assertTrue(message.contains("move it away to start an empty store"), message);
            assertFalse(message.contains("\n"), message);
        }
    }

    @Test
    void shouldOpenUndamagedFileAcceptingLossWithNothingLost()
    {
        writeFile();

        table = open(true);

        assertServes(0, 1, 2);
        assertEquals(VERTICES, table.size());
        assertNull(table.lossAtOpen());
        assertEquals(0, table.recordsLostAtOpen() + table.chunksLostAtOpen());
    }

    @Test
    void shouldForceEachPutAndRemoveBeforeItReturnsWithSyncAlways()
    {
        file = new File(tempDir, "vertices.dat");
        table = new VertexTable(10, 8, MAX_VALUE_BYTES, file, StoreSync.ALWAYS, false);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[MAX_VALUE_BYTES]);

        table.put(1, value, 0, 8);
        table.put(2, value, 0, 60);
        table.put(1, value, 0, 30);
        assertEquals(3, table.forces());
        assertTrue(table.remove(2));
        assertEquals(4, table.forces());
        assertFalse(table.remove(2));
        assertEquals(4, table.forces(), "nothing written");
    }

    @Test
    void shouldForceOnlyWhenAskedWithSyncIntervalOrNone()
    {
        for (final StoreSync sync : new StoreSync[]{ StoreSync.NONE, StoreSync.INTERVAL })
        {
            file = new File(tempDir, sync + ".dat");
            table = new VertexTable(10, 8, MAX_VALUE_BYTES, file, sync, false);
            table.put(1, new UnsafeBuffer(new byte[8]), 0, 8);
            table.remove(1);
            assertEquals(0, table.forces(), sync.name());

            table.force();
            table.force();
            assertEquals(2, table.forces(), sync.name());
            table.close();
        }
        table = null;
    }

    @Test
    void shouldNeitherChecksumNorForceInMemory()
    {
        table = new VertexTable(10, 8, MAX_VALUE_BYTES, null, StoreSync.ALWAYS, true);
        table.put(1, new UnsafeBuffer(new byte[8]), 0, 8);
        table.force();

        assertEquals(0, table.forces());
        assertNull(table.lossAtOpen());
    }

    private void writeFile()
    {
        file = new File(tempDir, "vertices.dat");
        try (VertexTable writer = new VertexTable(VERTICES, 8, MAX_VALUE_BYTES, file))
        {
            final UnsafeBuffer value = new UnsafeBuffer(new byte[MAX_VALUE_BYTES]);
            for (int id = 0; id < VERTICES; id++)
            {
                fill(value, id);
                writer.put(id, value, 0, LENGTHS[id % 3]);
            }
        }
        assertEquals(CHUNK_2 + CHUNK_SIZE, file.length());
    }

    private VertexTable open(final boolean acceptLoss)
    {
        return new VertexTable(VERTICES, 8, MAX_VALUE_BYTES, file, StoreSync.NONE, acceptLoss);
    }

    private void assertRefused(final String what)
    {
        final String message = assertThrows(IllegalStateException.class, () -> open(false)).getMessage();
        assertTrue(message.startsWith("vertex table file " + file + " "), message);
        assertTrue(message.contains(what), message);
        assertTrue(message.endsWith(": refusing to open it; " + TableFile.WHAT_TO_DO), message);
        assertFalse(message.contains("\n"), message);
    }

    /**
     * Checks the table serves every vertex of these chunks, each with its value.
     */
    private void assertServes(final int... chunks)
    {
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[MAX_VALUE_BYTES]);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        for (final int chunk : chunks)
        {
            for (int id = chunk; id < VERTICES; id += 3)
            {
                fill(expected, id);
                assertEquals(LENGTHS[chunk], table.view(id, view), "vertex " + id);
                assertEquals(0, view.compareTo(new UnsafeBuffer(expected, 0, LENGTHS[chunk])), "vertex " + id);
            }
        }
    }

    /**
     * Accepting the loss leaves a whole file: the next open, refusing damage, serves the same vertices.
     */
    private void assertWholeAfterReopen(final long vertices)
    {
        assertNotNull(table.lossAtOpen());
        table.close();
        table = open(false);
        assertEquals(vertices, table.size());
        assertNull(table.lossAtOpen());
    }

    private static void fill(final UnsafeBuffer value, final int id)
    {
        for (int i = 0; i < MAX_VALUE_BYTES; i++)
        {
            value.putByte(i, (byte)(id * 7 + i + 1));
        }
    }

    private void truncate(final long length) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.setLength(length);
        }
    }

    private void flipByte(final long position) throws IOException
    {
        final ByteBuffer oneByte = ByteBuffer.allocate(1);
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ))
        {
            channel.read(oneByte, position);
        }
        oneByte.put(0, (byte)~oneByte.get(0));
        write(position, oneByte.clear());
    }

    private void write(final long position, final ByteBuffer bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.WRITE))
        {
            channel.write(bytes, position);
        }
    }
}
