package io.shawarma.fabric.store;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.UnsafeApi;

/**
 * The file of a file-backed {@link VertexTable}: a header, then whole chunks, each mapped on its own so that growing
 * the file never moves a chunk already mapped.
 * <pre>
 *   header (4096 bytes): magic (8) | format version (4) | chunk size (4) | chunk count (4) | count check (4) | zeros
 *   chunk 0 (chunk size bytes), chunk 1, ...
 * </pre>
 * The header says how many chunks the file holds, so that a file cut at a chunk boundary is found short; the count and
 * its check (a mix of chunk size and count) are one 8-byte word, written at once.
 * <ul>
 *   <li>A new file is written whole (its header, forced) under a temporary name, then linked to its name: a 0-byte
 *   file, or one shorter than its header, is never what a crash leaves, so it is refused as truncated.</li>
 *   <li>The file grows one chunk at a time: its length is set first, in one step, then the new region is written with
 *   zeros so that the disk blocks exist (a full disk is an {@link IOException} here instead of a SIGBUS on a later
 *   write to the mapping), then (forced, when the table syncs) the header counts it, then it is mapped and used. A
 *   kill before the count leaves one chunk of zeros past the count: a valid, unused chunk, taken into the count on
 *   reopening.</li>
 *   <li>Refused on opening: a header that is not this format (or an older one), a count that fails its check, a
 *   length other than the header plus the counted chunks (or one more chunk of zeros). With {@code acceptLoss} a
 *   damaged file is opened instead: the chunks the file holds are counted, a cut last chunk is padded with zeros (its
 *   whole records stay provable), and the chunks missing are counted as lost ({@link #chunksMissing()}); a file too
 *   short to hold its header is started again empty.</li>
 * </ul>
 * The file is locked while open, so a second store on it, in this process or another, is refused too.
 */
final class TableFile extends ChunkMemory
{
    /** What a refusal tells the operator to do, when the loss may be accepted. */
    static final String WHAT_TO_DO = "restore it from a replica (a grid with shawarma.grid.backups >= 1 refills " +
        "it), or start with --accept-loss (shawarma.store.accept.loss=true) to open what is provable and count what " +
        "was lost";
    static final int HEADER_LENGTH = 4096;
    static final long MAGIC = 0x4C42545657414853L; // "SHAWVTBL" in little-endian bytes
    static final int FORMAT_VERSION = 2;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int CHUNK_SIZE_OFFSET = 12;
    static final int CHUNK_COUNT_OFFSET = 16;
    static final int MIN_CHUNK_SIZE = 4096;
    static final String NEW_FILE_SUFFIX = ".new";
    private static final int ZERO_FILL_BYTES = 64 * 1024;

    private final File file;
    private final boolean forceOnGrowth;
    private final RandomAccessFile randomAccessFile;
    private final FileChannel channel;
    private final ByteBuffer countWord = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer zeros;
    private long chunksMissing;
    private String headerLoss;
    private long forces;

    /**
     * Creates the file (and its directories) or opens it, checks it is whole and maps its chunks.
     *
     * @param file          to open.
     * @param newChunkSize  chunk size of a new file; an existing file keeps its own.
     * @param maxChunks     limit on the number of chunks.
     * @param acceptLoss    open a truncated file or one with a bad chunk count, counting what is lost.
     * @param forceOnGrowth force a new chunk and the header's count to the device before the chunk is used.
     * @throws IllegalStateException when the file is not a vertex table or is truncated; the message says what to do.
     * @throws UncheckedIOException  when the file cannot be created, read or mapped.
     */
    TableFile(
        final File file, final int newChunkSize, final int maxChunks, final boolean acceptLoss,
        final boolean forceOnGrowth)
    {
        super(maxChunks);
        this.file = file;
        this.forceOnGrowth = forceOnGrowth;
        final File parent = file.getAbsoluteFile().getParentFile();
        if (null != parent)
        {
            IoUtil.ensureDirectoryExists(parent, "vertex table directory");
        }

        RandomAccessFile opened = null;
        try
        {
            if (!file.exists())
            {
                createWhole(newChunkSize);
            }
            opened = new RandomAccessFile(file, "rw");
            randomAccessFile = opened;
            channel = opened.getChannel();
            lockOwnership();
            if (channel.size() < HEADER_LENGTH)
            {
                restartShortFile(acceptLoss, newChunkSize);
            }
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            readFully(header);
            chunkSize(checkHeader(header));
            mapChunks(countedChunks(header, acceptLoss), acceptLoss);
        }
        catch (final IOException ex)
        {
            closeQuietly(opened);
            throw new UncheckedIOException("cannot open vertex table file " + file + ": " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(opened);
            throw ex;
        }
    }

    /**
     * @return chunks the header counted that the file no longer holds whole, when opened accepting loss.
     */
    long chunksMissing()
    {
        return chunksMissing;
    }

    /**
     * @return what was lost of the header when opened accepting loss (so how much the file held is not known), or
     * null.
     */
    String headerLoss()
    {
        return headerLoss;
    }

    /**
     * @return how many times the chunks were forced to the device, for tests.
     */
    long forces()
    {
        return forces;
    }

    @Override
    void force()
    {
        for (int i = 0; i < chunkCount(); i++)
        {
            ((MappedByteBuffer)chunk(i)).force();
        }
        forces++;
    }

    @Override
    void force(final long address, final int length)
    {
        // From the chunk's start: a chunk just claimed has its header written there.
        final int chunk = chunkIndexOf(address);
        ((MappedByteBuffer)chunk(chunk)).force(0, (int)(address - chunkAddress(chunk)) + length);
        forces++;
    }

    @Override
    ByteBuffer newChunk(final int chunkIndex)
    {
        final long position = HEADER_LENGTH + (long)chunkIndex * chunkSize();
        boolean counted = false;
        try
        {
            randomAccessFile.setLength(position + chunkSize());
            fillWithZeros(position);
            if (forceOnGrowth)
            {
                channel.force(true);
            }
            writeChunkCount(chunkIndex + 1);
            counted = true;
            return map(position);
        }
        catch (final IOException | OutOfMemoryError ex)
        {
            try
            {
                if (counted)
                {
                    writeChunkCount(chunkIndex);
                }
                randomAccessFile.setLength(position);
            }
            catch (final IOException ignore)
            {
                // A chunk of zeros left at the end, counted or one past the count, is a valid, unused chunk.
            }
            throw full(ex.toString());
        }
    }

    @Override
    String name()
    {
        return file.getPath();
    }

    @Override
    void release(final ByteBuffer chunk)
    {
        IoUtil.unmap(chunk);
    }

    @Override
    void closeResources()
    {
        CloseHelper.close(randomAccessFile);
    }

    /**
     * Two writers would corrupt each other: the second is refused. The lock goes with the process, kill -9 included.
     */
    private void lockOwnership() throws IOException
    {
        FileLock lock;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            lock = null;
        }
        if (null == lock)
        {
            throw new IllegalStateException("vertex table file " + file + " is in use by another store (this or " +
                "another process): close that store or stop its worker first");
        }
    }

    private void createWhole(final int newChunkSize) throws IOException
    {
        final Path newFile = Path.of(file.getPath() + NEW_FILE_SUFFIX);
        try (FileChannel created = FileChannel.open(newFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            writeNewHeader(created, newChunkSize);
        }
        try
        {
            // A link, unlike a rename, never replaces a file another process created meanwhile: one file, one lock.
            Files.createLink(file.toPath(), newFile);
        }
        catch (final FileAlreadyExistsException ex)
        {
            // Created by another process since the check: opened (and locked) as it is.
        }
        catch (final UnsupportedOperationException | FileSystemException ex)
        {
            // A file system without hard links: a rename is as atomic, only not exclusive.
            Files.move(newFile, file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        }
        Files.deleteIfExists(newFile);
        forceDirectory(file.getAbsoluteFile().getParentFile());
    }

    private void restartShortFile(final boolean acceptLoss, final int newChunkSize) throws IOException
    {
        final long length = channel.size();
        if (!acceptLoss)
        {
            throw refused("is truncated: " + length + " bytes, shorter than its " + HEADER_LENGTH + "-byte header " +
                "(a new file is written whole, so no crash leaves it this short)");
        }
        headerLoss = "its header was lost (" + length + " bytes left), so how much it held is not known";
        randomAccessFile.setLength(0);
        writeNewHeader(channel, newChunkSize);
    }

    /**
     * Writes the header of a file of no chunks, and forces it.
     */
    private static void writeNewHeader(final FileChannel channel, final int chunkSize) throws IOException
    {
        final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(MAGIC_OFFSET, MAGIC).putInt(VERSION_OFFSET, FORMAT_VERSION)
            .putInt(CHUNK_SIZE_OFFSET, chunkSize).putLong(CHUNK_COUNT_OFFSET, chunkCountWord(chunkSize, 0));
        while (header.hasRemaining())
        {
            channel.write(header, header.position());
        }
        channel.force(true);
    }

    private int checkHeader(final ByteBuffer header)
    {
        final long magic = header.getLong(MAGIC_OFFSET);
        if (MAGIC != magic)
        {
            throw new IllegalStateException("vertex table file " + file + " is not a vertex table file (magic 0x" +
                Long.toHexString(magic) + ", expected 0x" + Long.toHexString(MAGIC) + "; a shawarma.store=chronicle " +
                "file?): refusing to open it; move it away to start an empty store, or restore it from a replica");
        }
        final int version = header.getInt(VERSION_OFFSET);
        if (FORMAT_VERSION != version)
        {
            throw new IllegalStateException("vertex table file " + file + " has format version " + version +
                "; this build reads version " + FORMAT_VERSION + ": refusing to open it; read it with the build that " +
                "wrote it, or move it away to start an empty store (a grid with shawarma.grid.backups >= 1 refills " +
                "it from a replica)");
        }
        final int fileChunkSize = header.getInt(CHUNK_SIZE_OFFSET);
        if (fileChunkSize < MIN_CHUNK_SIZE || Integer.bitCount(fileChunkSize) != 1)
        {
            throw refused("has a bad header: chunk size " + fileChunkSize + " is not a power of two >= " +
                MIN_CHUNK_SIZE);
        }
        return fileChunkSize;
    }

    /**
     * @return the chunks the header counts, or -1 when its count fails its check and the loss is accepted.
     */
    private long countedChunks(final ByteBuffer header, final boolean acceptLoss)
    {
        final long word = header.getLong(CHUNK_COUNT_OFFSET);
        final long count = word & 0xFFFF_FFFFL;
        if (word == chunkCountWord(chunkSize(), (int)count))
        {
            return count;
        }
        if (!acceptLoss)
        {
            throw refused("has a bad header: its chunk count word 0x" + Long.toHexString(word) + " fails its check, " +
                "so how many chunks it should hold is not known");
        }
        headerLoss = "its header's chunk count was corrupt, so chunks missing from its end are not counted";
        return -1;
    }

    /**
     * Maps the chunks the file holds once its length is checked against the count (or, accepting loss, taken as it
     * is), and counts them in the header if they differ.
     */
    private void mapChunks(final long counted, final boolean acceptLoss) throws IOException
    {
        final long length = channel.size();
        final long wholeChunks = (length - HEADER_LENGTH) / chunkSize();
        final long cutBytes = (length - HEADER_LENGTH) % chunkSize();
        long chunks = wholeChunks;
        if (acceptLoss)
        {
            chunksMissing = Math.max(0, counted - wholeChunks);
            if (0 != cutBytes)
            {
                // Zeros after the cut read as free slots: the records before it stay, each checked by its checksum.
                chunks++;
                randomAccessFile.setLength(HEADER_LENGTH + chunks * chunkSize());
            }
        }
        else if (length != HEADER_LENGTH + counted * chunkSize() &&
            length != HEADER_LENGTH + (counted + 1) * chunkSize())
        {
            throw refused("is truncated: its header counts " + counted + " chunks of " + chunkSize() + " bytes, " +
                "the file holds " + wholeChunks + (0 == cutBytes ? "" : " and " + cutBytes + " bytes of another") +
                (wholeChunks < counted ? " (" + (counted - wholeChunks) + " chunks missing)" : ""));
        }

        for (int i = 0; i < chunks; i++)
        {
            add(map(HEADER_LENGTH + (long)i * chunkSize()));
        }
        if (!acceptLoss && chunks == counted + 1 && !isAllZero(chunkAddress((int)counted), chunkSize()))
        {
            throw refused("holds a chunk past the " + counted + " its header counts that is not zeros");
        }
        if (chunks != counted)
        {
            writeChunkCount((int)chunks);
        }
    }

    private void writeChunkCount(final int count) throws IOException
    {
        countWord.clear();
        countWord.putLong(0, chunkCountWord(chunkSize(), count));
        while (countWord.hasRemaining())
        {
            channel.write(countWord, CHUNK_COUNT_OFFSET + countWord.position());
        }
        if (forceOnGrowth)
        {
            channel.force(true);
        }
    }

    /**
     * @return the header's chunk count word: the count in the low half, a check of it and the chunk size above.
     */
    static long chunkCountWord(final int chunkSize, final int count)
    {
        final long check = RecordSlab.mix(MAGIC ^ ((long)chunkSize << 32 | count & 0xFFFF_FFFFL));
        return (check & 0xFFFF_FFFF_0000_0000L) | (count & 0xFFFF_FFFFL);
    }

    private static void forceDirectory(final File directory)
    {
        try (FileChannel channel = FileChannel.open(directory.toPath(), StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ignore)
        {
            // Not every file system lets a directory be forced; the rename is then as durable as it can be made.
        }
    }

    private void readFully(final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer, buffer.position()) < 0)
            {
                throw new IOException("unexpected end of file");
            }
        }
        buffer.flip();
    }

    private void fillWithZeros(final long position) throws IOException
    {
        if (null == zeros)
        {
            zeros = ByteBuffer.allocateDirect(Math.min(ZERO_FILL_BYTES, chunkSize()));
        }
        long written = 0;
        while (written < chunkSize())
        {
            zeros.clear().limit((int)Math.min(zeros.capacity(), chunkSize() - written));
            while (zeros.hasRemaining())
            {
                written += channel.write(zeros, position + written);
            }
        }
    }

    private MappedByteBuffer map(final long position) throws IOException
    {
        return channel.map(FileChannel.MapMode.READ_WRITE, position, chunkSize());
    }

    private static boolean isAllZero(final long address, final int length)
    {
        for (long i = 0; i < length; i += Long.BYTES)
        {
            if (0 != UnsafeApi.getLong(address + i))
            {
                return false;
            }
        }
        return true;
    }

    @Override
    VertexStoreFullException full(final String cause)
    {
        return new VertexStoreFullException("vertex table " + file + " is full: cannot grow it by a chunk of " +
            chunkSize() + " bytes beyond " + chunkCount() + " chunks (" + cause + "): free disk space on its file " +
            "system or move shawarma.data.dir to a larger one");
    }

    private IllegalStateException refused(final String what)
    {
        return refused(file, what);
    }

    static IllegalStateException refused(final File file, final String what)
    {
        return new IllegalStateException("vertex table file " + file + " " + what + ": refusing to open it; " +
            WHAT_TO_DO);
    }

    private void closeQuietly(final RandomAccessFile opened)
    {
        releaseChunks();
        CloseHelper.quietClose(opened);
    }
}
