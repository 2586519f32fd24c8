package io.shawarma.fabric;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.util.Arrays;

/**
 * {@code scripts/shawarma clean [--dry-run] [--dir DIR]} removes the directories that processes killed with kill -9
 * leave under /dev/shm: workers' counters directories ({@code shawarma-worker-<id>-<pid>-*}) and media driver
 * directories (embedded drivers' {@code aeron-<user>-*}, benchmarks' {@code shawarma-*}), each only when the process
 * that owns it is no longer running on this machine.
 * <p>
 * The owner is the pid a directory records: the media driver's pid in its CnC file, the worker's pid in its counters
 * file, else the pid in a counters directory's name. A directory whose owner cannot be told is kept, and so is one
 * whose owner runs: a pid reused by another process keeps a dead one's directory, never the other way round.
 */
public final class CleanMain
{
    private static final String USAGE = String.join("\n",
        "usage: shawarma clean [--dry-run] [--dir DIR]",
        "",
        "removes the shawarma and embedded media driver directories under DIR (default /dev/shm) whose owning",
        "process is dead (the pid in the driver's CnC file, in the worker's counters file or in the directory name),",
        "printing each; a directory of a running process, or of an owner it cannot tell, is kept.",
        "--dry-run prints what it would remove and removes nothing.");

    private CleanMain()
    {
    }

    public static void main(final String[] args)
    {
        boolean dryRun = false;
        File dir = new File(SystemUtil.isLinux() ? "/dev/shm" : IoUtil.tmpDirName());
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--dir":
                    if (i + 1 == args.length)
                    {
                        usage("--dir needs a directory");
                    }
                    dir = new File(args[++i]);
                    break;
                case "--help":
                case "-h":
                    System.out.println(USAGE);
                    System.exit(0);
                    break;
                default:
                    usage("unknown argument " + args[i]);
            }
        }
        if (!dir.isDirectory())
        {
            System.err.println("shawarma clean: " + dir + " is not a directory");
            System.exit(1);
        }
        clean(dir, new File(CommonContext.getAeronDirectoryName()).getName() + "-", dryRun, System.out);
    }

    /**
     * Removes the directories of dead owners under a directory.
     *
     * @param dir         the directory to look in, e.g. /dev/shm.
     * @param aeronPrefix names of embedded media driver directories start with it, e.g. {@code aeron-alice-}.
     * @param dryRun      only print what would be removed.
     * @param out         one line per directory removed and a total.
     * @return how many directories were (or would be) removed.
     */
    static int clean(final File dir, final String aeronPrefix, final boolean dryRun, final PrintStream out)
    {
        final File[] candidates = dir.listFiles((parent, name) ->
            name.startsWith("shawarma-") || name.startsWith(aeronPrefix));
        int removed = 0;
        int kept = 0;
        if (null != candidates)
        {
            Arrays.sort(candidates);
            for (final File candidate : candidates)
            {
                if (!candidate.isDirectory())
                {
                    continue;
                }
                final long pid = ownerPid(candidate);
                if (pid <= 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                {
                    kept++;
                    continue;
                }
                if (!dryRun)
                {
                    IoUtil.delete(candidate, true);
                }
                out.println((dryRun ? "would remove " : "removed ") + candidate + " (pid " + pid + ", not running)");
                removed++;
            }
        }
        out.println((dryRun ? "would remove " : "removed ") + removed + " director" + (1 == removed ? "y" : "ies") +
            " of dead processes, kept " + kept + " (running, or owner unknown)");
        return removed;
    }

    /**
     * @param dir a candidate directory.
     * @return the pid of the process that owns it, or 0 when it cannot be told.
     */
    static long ownerPid(final File dir)
    {
        final File cnc = new File(dir, CncFileDescriptor.CNC_FILE);
        if (cnc.isFile())
        {
            // A driver killed before writing its metadata leaves a short file; its owner is unknown.
            return cnc.length() > CncFileDescriptor.END_OF_METADATA_OFFSET ? headerLong(cnc, true) : 0;
        }
        final File counters = new File(dir, CountersFile.FILE_NAME);
        final long pid = counters.isFile() && counters.length() >= CountersFile.HEADER_LENGTH ?
            headerLong(counters, false) : 0;
        return pid > 0 ? pid : pidInName(dir.getName());
    }

    private static long headerLong(final File file, final boolean isCnc)
    {
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, isCnc ? "CnC file" : "worker counters");
        try
        {
            if (isCnc)
            {
                return CncFileDescriptor.pid(CncFileDescriptor.createMetaDataBuffer(mapped));
            }
            final UnsafeBuffer header = new UnsafeBuffer(mapped);
            return header.getInt(0) == CountersFile.MAGIC ? header.getLong(16) : 0;
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * @param name a directory name.
     * @return the pid in a counters directory's name ({@code shawarma-worker-<id>-<pid>-<nanos>}), else 0.
     */
    static long pidInName(final String name)
    {
        if (!name.startsWith(CountersFile.DIRECTORY_PREFIX))
        {
            return 0;
        }
        final String[] parts = name.substring(CountersFile.DIRECTORY_PREFIX.length()).split("-");
        try
        {
            return parts.length >= 3 ? Long.parseLong(parts[1]) : 0;
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    private static void usage(final String problem)
    {
        System.err.println("shawarma clean: " + problem + "\n" + USAGE);
        System.exit(2);
    }
}
