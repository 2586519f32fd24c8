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

import org.agrona.CloseHelper;
import org.agrona.IoUtil;

/**
 * The file of a file-backed {@link VertexTable}: a header, then whole chunks, each mapped on its own so that growing
 * the file never moves a chunk already mapped.
 * <pre>
 *   header (4096 bytes): magic (8) | format version (4) | chunk size (4) | zeros
 *   chunk 0 (chunk size bytes), chunk 1, ...
 * </pre>
 * A 0-byte file, or one holding only a header of zeros (a kill while the file was being created), is a new table.
 * The file is grown by one chunk at a time: its length is set first, in one step, then the new region is written
 * with zeros so that the disk blocks exist (a full disk is an {@link IOException} here instead of a SIGBUS on a later
 * write to the mapping), then mapped. A kill in between leaves a chunk of zeros, which the slab treats as unused.
 * A header that is not this format, or a length that is not the header plus whole chunks, is refused. The file is
 * locked while open, so a second store on it, in this process or another, is refused too.
 */
final class TableFile extends ChunkMemory
{
    static final int HEADER_LENGTH = 4096;
    static final long MAGIC = 0x4C42545657414853L; // "SHAWVTBL" in little-endian bytes
    static final int FORMAT_VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int CHUNK_SIZE_OFFSET = 12;
    static final int MIN_CHUNK_SIZE = 4096;
    private static final int ZERO_FILL_BYTES = 64 * 1024;

    private final File file;
    private final RandomAccessFile randomAccessFile;
    private final FileChannel channel;
    private ByteBuffer zeros;

    /**
     * Creates the file (and its directories) or opens it and maps its chunks.
     *
     * @param file          to open.
     * @param newChunkSize  chunk size of a new file; an existing file keeps its own.
     * @param maxChunks     limit on the number of chunks.
     * @throws IllegalStateException when the file is not a vertex table or is truncated; the message says what to do.
     * @throws UncheckedIOException  when the file cannot be created, read or mapped.
     */
    TableFile(final File file, final int newChunkSize, final int maxChunks)
    {
        super(maxChunks);
        this.file = file;
        final File parent = file.getAbsoluteFile().getParentFile();
        if (null != parent)
        {
            IoUtil.ensureDirectoryExists(parent, "vertex table directory");
        }

        RandomAccessFile opened = null;
        try
        {
            opened = new RandomAccessFile(file, "rw");
            randomAccessFile = opened;
            channel = opened.getChannel();
            lockOwnership();
            chunkSize(readOrWriteHeader(newChunkSize));
            final long chunks = (channel.size() - HEADER_LENGTH) / chunkSize();
            for (int i = 0; i < chunks; i++)
            {
                add(map(HEADER_LENGTH + (long)i * chunkSize()));
            }
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

    @Override
    ByteBuffer newChunk(final int chunkIndex)
    {
        final long position = HEADER_LENGTH + (long)chunkIndex * chunkSize();
        try
        {
            randomAccessFile.setLength(position + chunkSize());
            fillWithZeros(position);
            return map(position);
        }
        catch (final IOException | OutOfMemoryError ex)
        {
            try
            {
                randomAccessFile.setLength(position);
            }
            catch (final IOException ignore)
            {
                // A chunk of zeros left at the end is a valid, unused chunk.
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

    private int readOrWriteHeader(final int newChunkSize) throws IOException
    {
        final long length = channel.size();
        final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        if (0 != length)
        {
            if (length < HEADER_LENGTH)
            {
                throw refused("is truncated: " + length + " bytes, shorter than its " + HEADER_LENGTH +
                    "-byte header");
            }
            readFully(header);
            if (length == HEADER_LENGTH && isAllZero(header))
            {
                return writeHeader(header, newChunkSize);
            }
            return checkHeader(header, length);
        }
        return writeHeader(header, newChunkSize);
    }

    private int checkHeader(final ByteBuffer header, final long length)
    {
        final long magic = header.getLong(MAGIC_OFFSET);
        if (MAGIC != magic)
        {
            throw refused("is not a vertex table file (magic 0x" + Long.toHexString(magic) + ", expected 0x" +
                Long.toHexString(MAGIC) + "; a shawarma.store=chronicle file?)");
        }
        final int version = header.getInt(VERSION_OFFSET);
        if (FORMAT_VERSION != version)
        {
            throw refused("has format version " + version + "; this build reads version " + FORMAT_VERSION);
        }
        final int fileChunkSize = header.getInt(CHUNK_SIZE_OFFSET);
        if (fileChunkSize < MIN_CHUNK_SIZE || Integer.bitCount(fileChunkSize) != 1)
        {
            throw refused("has a bad header: chunk size " + fileChunkSize + " is not a power of two >= " +
                MIN_CHUNK_SIZE);
        }
        if (0 != (length - HEADER_LENGTH) % fileChunkSize)
        {
            throw refused("is truncated: its length " + length + " is not the " + HEADER_LENGTH +
                "-byte header plus whole chunks of " + fileChunkSize + " bytes");
        }
        return fileChunkSize;
    }

    private int writeHeader(final ByteBuffer header, final int newChunkSize) throws IOException
    {
        header.clear();
        header.putLong(MAGIC_OFFSET, MAGIC).putInt(VERSION_OFFSET, FORMAT_VERSION)
            .putInt(CHUNK_SIZE_OFFSET, newChunkSize);
        while (header.hasRemaining())
        {
            channel.write(header, header.position());
        }
        return newChunkSize;
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

    private static boolean isAllZero(final ByteBuffer buffer)
    {
        for (int i = 0; i < buffer.limit(); i++)
        {
            if (0 != buffer.get(i))
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
            "move it away to start an empty store, or restore it from a copy");
    }

    private void closeQuietly(final RandomAccessFile opened)
    {
        releaseChunks();
        CloseHelper.quietClose(opened);
    }
}
