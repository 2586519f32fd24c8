package io.shawarma.fabric.store;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VertexTableTest extends VertexStoreContractTest
{
    private static final int CHUNK_SIZE = RecordSlab.chunkSizeFor(64);
    private static final long FIRST_SLOT = TableFile.HEADER_LENGTH + RecordSlab.CHUNK_HEADER_LENGTH;

    @Override
    VertexStore newStore(
        final long entries, final int averageValueBytes, final int maxValueBytes, final File dataFileOrNull)
    {
        return new VertexTable(entries, averageValueBytes, maxValueBytes, dataFileOrNull);
    }

    @Override
    boolean growsFarPastEntries()
    {
        return true;
    }

    @Test
    void shouldBeTheDefaultStore()
    {
        vertices = VertexStores.open(io.shawarma.fabric.Configuration.STORE_DEFAULT, 10, 8, 64, null);

        assertTrue(vertices instanceof VertexTable);
    }

    @Test
    void shouldNotAllocateOnFileBackedPathsWithChecksumsAfterWarmUp()
    {
        assertNoAllocationAfterWarmUp(new File(tempDir, "vertices.dat"));
    }

    @Test
    void shouldRefuseEmptyFileAsTruncated() throws IOException
    {
        final File file = new File(tempDir, "vertices.dat");
        assertTrue(file.createNewFile());

        assertRefused(file, "is truncated: 0 bytes", () -> newStore(10, 8, 64, file));
        assertTrue(file.exists());
        assertEquals(0, file.length(), "a refused file is left as it was");
    }

    @Test
    void shouldCreateNewFileWholeWithItsHeader()
    {
        final File file = new File(tempDir, "dir/vertices.dat");

        vertices = newStore(10, 8, 64, file);

        assertEquals(TableFile.HEADER_LENGTH, file.length());
        assertFalse(new File(file.getPath() + TableFile.NEW_FILE_SUFFIX).exists());
        vertices.close();
        vertices = newStore(10, 8, 64, file);
        assertEquals(0, vertices.size());
    }

    @Test
    void shouldTreatChunkOfZerosLeftByKilledGrowthAsUnused() throws IOException
    {
        final File file = fileWithOneVertex();
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.setLength(raf.length() + CHUNK_SIZE);
        }

        vertices = newStore(10, 8, 64, file);
        assertValue(1, 10, (byte)1);
        assertEquals(1, vertices.size());
        for (int id = 2; id < 20; id++)
        {
            // A value of another size class takes the unused chunk.
            putValue(id, 60, (byte)id);
        }
        vertices.close();
        assertEquals(TableFile.HEADER_LENGTH + 2L * CHUNK_SIZE, file.length());

        vertices = newStore(10, 8, 64, file);
        assertEquals(19, vertices.size());
        assertValue(19, 60, (byte)19);
    }

    @Test
    void shouldKeepNewerOfTwoCommittedRecordsOfOneVertex() throws IOException
    {
        final File file = fileWithOneVertex();
        final long slotSize = RecordSlab.slotSize(RecordSlab.sizeClass(10));
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            // What a kill between publishing a new record and freeing the old one leaves: both committed.
            final ByteBuffer record = ByteBuffer.allocateDirect((int)slotSize).order(ByteOrder.nativeOrder());
            channel.read(record, FIRST_SLOT);
            final long version = record.getLong(RecordSlab.COMMIT_OFFSET) + 1;
            record.putLong(RecordSlab.COMMIT_OFFSET, version);
            record.put(RecordSlab.RECORD_HEADER_LENGTH, (byte)99);
            record.putInt(RecordSlab.CHECKSUM_OFFSET, RecordSlab.checksum(version, 1, 10,
                new UnsafeBuffer(record).addressOffset() + RecordSlab.RECORD_HEADER_LENGTH));
            record.flip();
            channel.write(record, FIRST_SLOT + slotSize);
        }

        vertices = newStore(10, 8, 64, file);

        assertEquals(1, vertices.size());
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        assertEquals(10, vertices.view(1, view));
        assertEquals(99, view.getByte(0));
        putValue(1, 10, (byte)5);
        putValue(2, 10, (byte)6);
        vertices.close();

        vertices = newStore(10, 8, 64, file);
        assertValue(1, 10, (byte)5);
        assertValue(2, 10, (byte)6);
        assertEquals(2, vertices.size());
    }

    @Test
    void shouldRefuseSecondStoreOnOpenFile()
    {
        final File file = new File(tempDir, "vertices.dat");
        vertices = newStore(10, 8, 64, file);
        putValue(1, 10, (byte)1);

        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> newStore(10, 8, 64, file));

        assertTrue(ex.getMessage().contains(file + " is in use by another store"), ex.getMessage());
        assertValue(1, 10, (byte)1);
        vertices.close();
        vertices = newStore(10, 8, 64, file);
        assertValue(1, 10, (byte)1);
    }

    @Test
    void shouldRefuseTruncatedFile() throws IOException
    {
        final File file = fileWithOneVertex();
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.setLength(raf.length() - 100);
        }

        assertRefused(file, "is truncated", () -> newStore(10, 8, 64, file));
        assertRefused(file, TableFile.WHAT_TO_DO, () -> newStore(10, 8, 64, file));
    }

    @Test
    void shouldRefuseFileShorterThanHeader() throws IOException
    {
        final File file = new File(tempDir, "short.dat");
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.setLength(100);
        }

        assertRefused(file, "is truncated", () -> newStore(10, 8, 64, file));
    }

    @Test
    void shouldRefuseFileWithBadMagic() throws IOException
    {
        final File file = fileWithOneVertex();
        writeLong(file, TableFile.MAGIC_OFFSET, 0x1234L);

        assertRefused(file, "is not a vertex table file", () -> newStore(10, 8, 64, file));
    }

    @Test
    void shouldRefuseFileWithUnknownFormatVersion() throws IOException
    {
        final File file = fileWithOneVertex();
        writeInt(file, TableFile.VERSION_OFFSET, 77);

        assertRefused(file, "has format version 77", () -> newStore(10, 8, 64, file));
    }

    @Test
    void shouldRefuseFileWithBadChunkSize() throws IOException
    {
        final File file = fileWithOneVertex();
        writeInt(file, TableFile.CHUNK_SIZE_OFFSET, 1000);

        assertRefused(file, "chunk size 1000", () -> newStore(10, 8, 64, file));
    }

    @Test
    void shouldRefuseRecordWithImpossibleLength() throws IOException
    {
        final File file = fileWithOneVertex();
        writeInt(file, FIRST_SLOT + RecordSlab.LENGTH_OFFSET, 5_000);

        assertRefused(file, "impossible length 5000", () -> newStore(10, 8, 64, file));
    }

    @Test
    void shouldRefuseBadChunkHeader() throws IOException
    {
        final File file = fileWithOneVertex();
        writeLong(file, TableFile.HEADER_LENGTH, 0xDEADL);

        assertRefused(file, "bad chunk header", () -> newStore(10, 8, 64, file));
    }

    @Test
    void shouldRefuseValueLargerThanMaxOnReopenSayingWhatToRaise()
    {
        final File file = new File(tempDir, "vertices.dat");
        vertices = newStore(10, 8, 64, file);
        putValue(1, 50, (byte)1);
        vertices.close();
        vertices = null;

        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> newStore(10, 8, 40, file));

        assertTrue(ex.getMessage().contains("shawarma.store.value.max.bytes=40: raise it to at least 50"),
            ex.getMessage());
    }

    @Test
    void shouldRefuseMaxValueLargerThanFileChunksHold()
    {
        final File file = new File(tempDir, "vertices.dat");
        newStore(10, 8, 64, file).close();

        final IllegalStateException ex = assertThrows(
            IllegalStateException.class, () -> newStore(10, 8, 4 * CHUNK_SIZE, file));

        assertTrue(ex.getMessage().contains(file.getPath()) && ex.getMessage().contains("too small"), ex.getMessage());
    }

    @Test
    void shouldThrowFullAndStayUsableWhenNoChunkCanBeAdded()
    {
        vertices = new VertexTable(10, 8, 64, null, 1);
        int id = 0;
        IllegalStateException full = null;
        while (null == full)
        {
            try
            {
                putValue(id, 8, (byte)id);
                id++;
            }
            catch (final IllegalStateException ex)
            {
                full = ex;
            }
        }

        assertTrue(full.getMessage().startsWith("in-memory vertex table is full"), full.getMessage());
        assertTrue(full.getMessage().contains("-XX:MaxDirectMemorySize"), full.getMessage());
        assertFalse(full.getMessage().contains("\n"));
        assertFalse(vertices.contains(id));
        assertEquals(id, vertices.size());
        assertThrows(IllegalStateException.class, () -> putValue(5, 60, (byte)5), "another class needs a chunk");
        assertThrows(IllegalStateException.class, () -> putValue(5, 3, (byte)5), "a put needs a fresh slot");
        assertValue(5, 8, (byte)5);

        assertTrue(vertices.remove(6));
        putValue(5, 3, (byte)7);
        assertValue(5, 3, (byte)7);
        putValue(id, 8, (byte)1);
        assertValue(id, 8, (byte)1);
        assertEquals(id, vertices.size());
    }

    @Test
    void shouldThrowFullForFileNamingTheFile()
    {
        final File file = new File(tempDir, "vertices.dat");
        vertices = new VertexTable(10, 8, 64, file, 1);
        putValue(1, 8, (byte)1);

        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> putValue(2, 60, (byte)2));

        assertTrue(ex.getMessage().startsWith("vertex table " + file + " is full"), ex.getMessage());
        assertValue(1, 8, (byte)1);
    }

    private File fileWithOneVertex()
    {
        final File file = new File(tempDir, "vertices.dat");
        vertices = newStore(10, 8, 64, file);
        putValue(1, 10, (byte)1);
        vertices.close();
        vertices = null;
        assertEquals(TableFile.HEADER_LENGTH + CHUNK_SIZE, file.length());
        return file;
    }

    private static void assertRefused(final File file, final String what, final Executable open)
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class, open);
        final String message = ex.getMessage();
        assertTrue(message.startsWith("vertex table file " + file), message);
        assertTrue(message.contains(what), message);
        assertTrue(message.contains("refusing to open it; "), message);
        assertFalse(message.contains("\n"), message);
    }

    private static void writeLong(final File file, final long position, final long value) throws IOException
    {
        write(file, position, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value));
    }

    private static void writeInt(final File file, final long position, final int value) throws IOException
    {
        write(file, position, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value));
    }

    private static void write(final File file, final long position, final ByteBuffer bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.WRITE))
        {
            channel.write(bytes, position);
        }
    }
}
