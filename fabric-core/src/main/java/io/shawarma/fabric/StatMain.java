package io.shawarma.fabric;

import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code scripts/shawarma stat [--once] [--interval MS] [--dir DIR]} prints the counters of every worker on this
 * machine (data-plane, graph and aggregate workers), live, like Aeron's AeronStat; {@code scripts/shawarma errors}
 * prints each worker's distinct error log.
 * Reads the workers' counters files ({@link CountersFile}) without disturbing them.
 */
public final class StatMain
{
    private static final String USAGE = String.join("\n",
        "usage: shawarma stat [--once] [--interval MS] [--dir DIR]",
        "       shawarma errors [--dir DIR]",
        "",
        "stat prints every worker's counters (from " + WorkerCounters.FILE_NAME + " in the worker directories",
        "under DIR, default /dev/shm), refreshed every MS milliseconds (default 1000) until Ctrl-C, or once.",
        "errors prints each worker's distinct errors: how often, first and last seen, and the stack trace.");

    private StatMain()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        boolean errors = false;
        boolean once = false;
        long intervalMs = 1000;
        File dir = new File(SystemUtil.isLinux() ? "/dev/shm" : IoUtil.tmpDirName());
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "stat": break;
                    case "errors":
                        errors = true;
                        break;
                    case "--once":
                        once = true;
                        break;
                    case "--interval":
                        intervalMs = Long.parseLong(args[++i]);
                        break;
                    case "--dir":
                        dir = new File(args[++i]);
                        break;
                    case "--help":
                    case "-h":
                        System.out.println(USAGE);
                        return;
                    default: throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
        }
        catch (final RuntimeException ex)
        {
            System.err.println("shawarma stat: " + ex.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        final PrintStream out = System.out;
        while (true)
        {
            final List<File> files = counterFiles(dir);
            if (!once && !errors)
            {
                out.print("\u001b[H\u001b[2J");
            }
            out.println(Instant.now() + "  " + files.size() + " worker(s) under " + dir);
            for (final File file : files)
            {
                print(file, errors, out);
            }
            if (once || errors)
            {
                return;
            }
            Thread.sleep(intervalMs);
        }
    }

    private static List<File> counterFiles(final File dir)
    {
        final List<File> files = new ArrayList<>();
        final File[] workerDirs = dir.listFiles((parent, name) -> name.startsWith(CountersFile.DIRECTORY_PREFIX));
        if (null != workerDirs)
        {
            Arrays.sort(workerDirs);
            for (final File workerDir : workerDirs)
            {
                final File file = new File(workerDir, WorkerCounters.FILE_NAME);
                if (file.isFile())
                {
                    files.add(file);
                }
            }
        }
        return files;
    }

    private static void print(final File file, final boolean errors, final PrintStream out)
    {
        final MappedByteBuffer mapped;
        try
        {
            mapped = IoUtil.mapExistingFile(file, "worker counters");
        }
        catch (final RuntimeException ex)
        {
            out.println(file + ": cannot map: " + ex.getMessage());
            return;
        }
        try
        {
            final UnsafeBuffer header = new UnsafeBuffer(mapped);
            // A process killed while creating its file leaves it shorter than a header, even empty.
            if (header.capacity() < WorkerCounters.HEADER_LENGTH ||
                header.getIntVolatile(0) != WorkerCounters.MAGIC || header.getInt(4) != WorkerCounters.VERSION)
            {
                out.println(file + ": not a worker counters file of this version (yet)");
                return;
            }
            final int workerId = header.getInt(8);
            final int capacity = header.getInt(12);
            final long pid = header.getLong(16);
            final int errorLogLength = header.getInt(24);
            final String role = CountersFile.roleName(header.getInt(CountersFile.ROLE_OFFSET));
            final boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            out.println(role + " " + workerId + " (pid " + pid + (alive ? "" : ", not running") + ") " + file);

            if (errors)
            {
                final int distinct = ErrorLogReader.read(
                    new UnsafeBuffer(mapped, WorkerCounters.errorLogOffset(capacity), errorLogLength),
                    (count, first, last, text) -> out.println("  " + count + " x, first " +
                    Instant.ofEpochMilli(first) + ", last " + Instant.ofEpochMilli(last) + ": " + text));
                out.println("  " + distinct + " distinct error(s)");
                return;
            }
            final CountersReader counters = new CountersReader(
                new UnsafeBuffer(mapped, WorkerCounters.metadataOffset(), capacity * CountersReader.METADATA_LENGTH),
                new UnsafeBuffer(mapped, WorkerCounters.valuesOffset(capacity),
                capacity * CountersReader.COUNTER_LENGTH));
            counters.forEach((value, id, label) -> out.printf("  %,20d  %s%n", value, label));
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }
}
