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
 * {@code scripts/shawarma stat [--once] [--interval MS] [--worker ID] [--pid PID] [--all] [--dir DIR]} prints the
 * non-zero counters of every running worker on this machine (data-plane, grid, graph and aggregate workers), live,
 * like Aeron's AeronStat; {@code scripts/shawarma errors} prints each worker's distinct error log.
 * Reads the workers' counters files ({@link CountersFile}) without disturbing them.
 */
public final class StatMain
{
    private static final String USAGE = String.join("\n",
        "usage: shawarma stat [--once] [--interval MS] [--worker ID] [--pid PID] [--all] [--latency] [--dir DIR]",
        "       shawarma errors [--worker ID] [--pid PID] [--all] [--dir DIR]",
        "",
        "stat prints the counters of every running worker (data-plane, grid, graph and aggregate; from " +
        WorkerCounters.FILE_NAME,
        "in the worker directories under DIR, default /dev/shm), refreshed every MS milliseconds (default 1000)",
        "until Ctrl-C, or once. Counters at zero are hidden, and so are the files of workers that are not running",
        "(scripts/shawarma clean removes those); --all shows both. --worker and --pid show only that worker.",
        "--latency prints each worker's call service time percentiles over the last minute instead (from the",
        "HdrHistogram interval log " + CallLatency.FILE_NAME + " in its directory, written every " +
        CallLatency.INTERVAL_MS / 1000 + " s).",
        "errors prints each worker's distinct errors, running or not: how often, first and last seen, and the",
        "stack trace.");

    // A minute of the newest intervals.
    private static final int LATENCY_INTERVALS = (int)(60_000 / CallLatency.INTERVAL_MS);

    private StatMain()
    {
    }

    /**
     * What to print and for whom.
     */
    static final class Selection
    {
        boolean errors;
        boolean latency;
        boolean all;
        int workerId = -1;
        long pid = -1;

        boolean includes(final int workerId, final long pid)
        {
            return (this.workerId < 0 || this.workerId == workerId) && (this.pid < 0 || this.pid == pid);
        }
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final Selection selection = new Selection();
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
                        selection.errors = true;
                        break;
                    case "--once":
                        once = true;
                        break;
                    case "--latency":
                        selection.latency = true;
                        break;
                    case "--all":
                        selection.all = true;
                        break;
                    case "--interval":
                        intervalMs = Long.parseLong(value(args, ++i));
                        break;
                    case "--worker":
                        selection.workerId = Integer.parseInt(value(args, ++i));
                        break;
                    case "--pid":
                        selection.pid = Long.parseLong(value(args, ++i));
                        break;
                    case "--dir":
                        dir = new File(value(args, ++i));
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
            if (!once && !selection.errors)
            {
                out.print("\u001b[H\u001b[2J");
            }
            out.println(Instant.now() + "  " + files.size() + " worker file(s) under " + dir);
            int hidden = 0;
            for (final File file : files)
            {
                hidden += print(file, selection, out) ? 0 : 1;
            }
            if (hidden > 0)
            {
                out.println(hidden + " other worker file(s) not shown (not running, or not selected; --all shows " +
                    "the stopped ones, scripts/shawarma clean removes them)");
            }
            if (once || selection.errors)
            {
                return;
            }
            Thread.sleep(intervalMs);
        }
    }

    private static String value(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
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

    /**
     * @return false when the file was not printed: its worker is not selected, or not running without --all.
     */
    private static boolean print(final File file, final Selection selection, final PrintStream out)
    {
        final MappedByteBuffer mapped;
        try
        {
            mapped = IoUtil.mapExistingFile(file, "worker counters");
        }
        catch (final RuntimeException ex)
        {
            out.println(file + ": cannot map: " + ex.getMessage());
            return true;
        }
        try
        {
            final UnsafeBuffer header = new UnsafeBuffer(mapped);
            // A process killed while creating its file leaves it shorter than a header, even empty.
            if (header.capacity() < WorkerCounters.HEADER_LENGTH ||
                header.getIntVolatile(0) != WorkerCounters.MAGIC || header.getInt(4) != WorkerCounters.VERSION)
            {
                if (selection.all)
                {
                    out.println(file + ": not a worker counters file of this version (yet)");
                }
                return selection.all;
            }
            final int workerId = header.getInt(8);
            final int capacity = header.getInt(12);
            final long pid = header.getLong(16);
            final int errorLogLength = header.getInt(24);
            final String role = CountersFile.roleName(header.getInt(CountersFile.ROLE_OFFSET));
            final boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            // A stopped worker's file is noise for stat, unless asked for; its errors are what errors is for.
            final boolean stoppedHidden = !alive && !selection.all && selection.pid < 0 && !selection.errors;
            if (!selection.includes(workerId, pid) || stoppedHidden)
            {
                return false;
            }
            out.println(role + " " + workerId + " (pid " + pid + (alive ? "" : ", not running") + ") " + file);

            if (selection.latency)
            {
                out.println("  " + CallLatency.summary(file.getParentFile(), LATENCY_INTERVALS));
                return true;
            }
            if (selection.errors)
            {
                final int distinct = ErrorLogReader.read(
                    new UnsafeBuffer(mapped, WorkerCounters.errorLogOffset(capacity), errorLogLength),
                    (count, first, last, text) -> out.println("  " + count + " x, first " +
                    Instant.ofEpochMilli(first) + ", last " + Instant.ofEpochMilli(last) + ": " + text));
                out.println("  " + distinct + " distinct error(s)");
                return true;
            }
            final CountersReader counters = new CountersReader(
                new UnsafeBuffer(mapped, WorkerCounters.metadataOffset(), capacity * CountersReader.METADATA_LENGTH),
                new UnsafeBuffer(mapped, WorkerCounters.valuesOffset(capacity),
                capacity * CountersReader.COUNTER_LENGTH));
            final int[] zeros = new int[1];
            counters.forEach((value, id, label) ->
            {
                if (0 != value || selection.all)
                {
                    out.printf("  %,20d  %s%n", value, label);
                }
                else
                {
                    zeros[0]++;
                }
            });
            if (zeros[0] > 0)
            {
                out.println("  (" + zeros[0] + " counters at zero not shown: --all)");
            }
            return true;
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }
}
