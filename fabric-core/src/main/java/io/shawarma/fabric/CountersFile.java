package io.shawarma.fabric;

import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;

/**
 * The memory-mapped file of one worker process's counters and distinct error log, like Aeron's CnC file, so that
 * {@code scripts/shawarma stat} and {@code errors} ({@link StatMain}) read them live from another process. Every
 * kind of worker (data plane, graph, aggregate) writes this one layout, under the same directory name pattern.
 * <p>
 * Layout: a {@value #HEADER_LENGTH}-byte header (int magic, int version, int worker id, int counter capacity,
 * long pid, int error log length, int role), then the counters' metadata, their values and the error log, each
 * region at the offsets {@link #metadataOffset()}, {@link #valuesOffset(int)} and {@link #errorLogOffset(int)} give.
 */
public final class CountersFile implements AutoCloseable
{
    /** File name inside a worker's directory. */
    public static final String FILE_NAME = "worker-counters.dat";
    /** Directory names start with this, then {@code <worker id>-<pid>-<nanos>}. */
    public static final String DIRECTORY_PREFIX = "shawarma-worker-";
    /** First int of the file. */
    public static final int MAGIC = 0x5348574D;
    /** Layout version. */
    public static final int VERSION = 1;
    /** Header bytes before the metadata region. */
    public static final int HEADER_LENGTH = 64;
    /** Most counters a file holds. */
    public static final int COUNTER_CAPACITY = 128;
    /** Bytes of the distinct error log. */
    public static final int ERROR_LOG_LENGTH = 1024 * 1024;
    /** Counter type id of every Shawarma worker counter. */
    public static final int COUNTER_TYPE_ID = 7301;
    /** Header offset of the role: what kind of worker writes the file (0 in files of data-plane workers). */
    public static final int ROLE_OFFSET = 28;
    /** Role of a data-plane worker ({@link Worker}). */
    public static final int ROLE_WORKER = 0;
    /** Role of a graph job's worker. */
    public static final int ROLE_GRAPH = 1;
    /** Role of an aggregate job's worker. */
    public static final int ROLE_AGGREGATE = 2;

    /** Role of a grid worker (a data-plane worker that joined the grid's cluster). */
    public static final int ROLE_GRID = 3;

    private static final String[] ROLE_NAMES = {"worker", "graph worker", "aggregate worker", "grid worker"};

    private final File file;
    private final MappedByteBuffer mapped;
    private final CountersManager countersManager;
    private final DistinctErrorLog errorLog;

    /**
     * Creates the file (replacing one left by an earlier run); publish it with {@link #ready()} once its counters
     * are allocated.
     *
     * @param file     to create.
     * @param workerId of the owning worker.
     * @param role     one of the ROLE constants.
     */
    public CountersFile(final File file, final int workerId, final int role)
    {
        this.file = file;
        final int metadataLength = COUNTER_CAPACITY * CountersReader.METADATA_LENGTH;
        final int valuesLength = COUNTER_CAPACITY * CountersReader.COUNTER_LENGTH;
        mapped = IoUtil.mapNewFile(file, (long)HEADER_LENGTH + metadataLength + valuesLength + ERROR_LOG_LENGTH);
        final UnsafeBuffer whole = new UnsafeBuffer(mapped);
        whole.putInt(4, VERSION);
        whole.putInt(8, workerId);
        whole.putInt(12, COUNTER_CAPACITY);
        whole.putLong(16, ProcessHandle.current().pid());
        whole.putInt(24, ERROR_LOG_LENGTH);
        whole.putInt(ROLE_OFFSET, role);

        final AtomicBuffer metadata = new UnsafeBuffer(mapped, metadataOffset(), metadataLength);
        final AtomicBuffer values = new UnsafeBuffer(mapped, valuesOffset(COUNTER_CAPACITY), valuesLength);
        countersManager = new CountersManager(metadata, values);
        errorLog = new DistinctErrorLog(
            new UnsafeBuffer(mapped, errorLogOffset(COUNTER_CAPACITY), ERROR_LOG_LENGTH), SystemEpochClock.INSTANCE);
    }

    /**
     * @param workerId of the worker.
     * @return a new directory path for a worker of this process: under /dev/shm on Linux, else the temp dir.
     */
    public static File newDirectory(final int workerId)
    {
        return new File(SystemUtil.isLinux() ? "/dev/shm" : IoUtil.tmpDirName(), DIRECTORY_PREFIX + workerId + "-" +
            ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    /**
     * @param role from a file's header.
     * @return what to call a worker of that role, e.g. {@code graph worker}.
     */
    public static String roleName(final int role)
    {
        return role >= 0 && role < ROLE_NAMES.length ? ROLE_NAMES[role] : "worker (role " + role + ")";
    }

    /**
     * @return offset of the counters' metadata region.
     */
    public static int metadataOffset()
    {
        return HEADER_LENGTH;
    }

    /**
     * @param counterCapacity from the header.
     * @return offset of the counters' values region.
     */
    public static int valuesOffset(final int counterCapacity)
    {
        return HEADER_LENGTH + counterCapacity * CountersReader.METADATA_LENGTH;
    }

    /**
     * @param counterCapacity from the header.
     * @return offset of the error log region.
     */
    public static int errorLogOffset(final int counterCapacity)
    {
        return valuesOffset(counterCapacity) + counterCapacity * CountersReader.COUNTER_LENGTH;
    }

    /**
     * @param label what it counts, as {@code stat} prints it.
     * @return a new counter in the file.
     */
    public AtomicCounter newCounter(final String label)
    {
        return countersManager.newCounter(label, COUNTER_TYPE_ID);
    }

    /**
     * @param role what kind of worker writes the file, one of the ROLE constants.
     */
    public void role(final int role)
    {
        new UnsafeBuffer(mapped).putIntVolatile(ROLE_OFFSET, role);
    }

    /**
     * Writes the magic number: readers take the file as complete from now on.
     */
    public void ready()
    {
        new UnsafeBuffer(mapped).putIntOrdered(0, MAGIC);
    }

    /**
     * Records an error once per distinct cause. Thread safe.
     *
     * @return false when the log is full.
     */
    public boolean recordError(final Throwable error)
    {
        return errorLog.record(error);
    }

    /**
     * @return a reader over the counters, for tests and tools in this process.
     */
    public CountersReader reader()
    {
        return countersManager;
    }

    /**
     * @return the file.
     */
    public File file()
    {
        return file;
    }

    /**
     * Unmaps the file and deletes it.
     */
    public void close()
    {
        IoUtil.unmap(mapped);
        IoUtil.delete(file, true);
    }

    /**
     * Unmaps the file and leaves it, e.g. for {@code scripts/shawarma errors} after a failure.
     */
    public void closeAndKeep()
    {
        IoUtil.unmap(mapped);
    }
}
