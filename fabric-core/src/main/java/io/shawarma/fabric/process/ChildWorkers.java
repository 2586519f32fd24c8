package io.shawarma.fabric.process;

import io.shawarma.fabric.Configuration;
import io.shawarma.messaging.Transport;
import org.agrona.CloseHelper;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Workers 2..N of a job on this machine, as child JVMs of the launcher (which runs worker 1 itself): each gets the
 * job's arguments plus {@code --worker-id ID --members MEMBERS}, sends its results to worker 1 over the job's links
 * and exits. The members talk over Aeron IPC: every worker attaches to the launcher's media driver, whose directory
 * the children get as {@code --aeron-dir DIR}. Ctrl-C on the launcher stops the children; {@link #close()} stops any
 * still running.
 */
public final class ChildWorkers implements AutoCloseable
{
    /** How long a worker waits for its peers to connect. */
    public static final long CONNECT_TIMEOUT_NS = 120_000_000_000L;
    /** How long the launcher waits for a worker to finish. */
    public static final long WORKER_TIMEOUT_MS = 3_600_000L;
    // IPC publications between the workers; a frame may be up to 1/8 of it.
    private static final int TERM_LENGTH = 16 * 1024 * 1024;

    /**
     * Starts the launcher's media driver, which its worker JVMs attach to over IPC (and a worker on another host
     * runs one of its own, for UDP). Its idle strategy is
     * {@code shawarma.driver.idle}, else {@code shawarma.idle.strategy}, else backoff.
     *
     * @param tag names the driver's directory.
     * @return the running driver and its Aeron client, which pre-touches the log buffers it maps (the launcher is
     *     one of the job's workers).
     */
    public static Transport launcherDriver(final String tag)
    {
        return launcherDriver(tag, Configuration.string(Configuration.IDLE_PROP, Configuration.IDLE_DEFAULT));
    }

    /**
     * Starts the launcher's media driver with an idle strategy of the launcher's choosing, unless
     * {@code shawarma.driver.idle} names one.
     *
     * @param tag         names the driver's directory.
     * @param defaultIdle the driver's idle strategy when {@code shawarma.driver.idle} is not set.
     * @return the running driver and its Aeron client, which pre-touches the log buffers it maps (the launcher is
     *     one of the job's workers).
     */
    public static Transport launcherDriver(final String tag, final String defaultIdle)
    {
        return Transport.embedded(tag, Configuration.string(Configuration.DRIVER_IDLE_PROP, defaultIdle), TERM_LENGTH,
            Throwable::printStackTrace, true);
    }

    /**
     * @param workers the number of workers.
     * @return workers 1..N on one media driver: {@code 1@aeron:ipc,2@aeron:ipc,...}.
     */
    public static String ipcMembers(final int workers)
    {
        final StringBuilder members = new StringBuilder();
        for (int id = 1; id <= workers; id++)
        {
            members.append(id == 1 ? "" : ",").append(id).append("@aeron:ipc");
        }
        return members.toString();
    }

    private final String what;
    private final String members;
    private final List<ChildJvm> children = new ArrayList<>();
    private final Thread stopChildren;

    /**
     * Starts workers that attach to the launcher's media driver and talk over Aeron IPC.
     *
     * @param what      names the job in messages and file names, e.g. {@code aggregate}.
     * @param mainClass the workers' main class (the launcher's own, typically).
     * @param workers   the number of workers, the launcher's included.
     * @param args      the job's arguments, given to every child worker.
     * @param aeronDir  the directory of the launcher's media driver.
     * @param echo      where to copy the children's output, prefixed with their name; null to keep it only.
     * @return the started children.
     */
    public static ChildWorkers overIpc(
        final String what, final String mainClass, final int workers, final List<String> args, final String aeronDir,
        final PrintStream echo)
    {
        final List<String> childArgs = new ArrayList<>(args);
        childArgs.addAll(List.of("--aeron-dir", aeronDir));
        return new ChildWorkers(what, mainClass, workers, ipcMembers(workers), childArgs, echo);
    }

    private ChildWorkers(
        final String what, final String mainClass, final int workers, final String members, final List<String> args,
        final PrintStream echo)
    {
        this.what = what;
        this.members = members;
        stopChildren = new Thread(() -> CloseHelper.closeAll(children), "shawarma-" + what + "-stop");
        Runtime.getRuntime().addShutdownHook(stopChildren);
        try
        {
            for (int id = 2; id <= workers; id++)
            {
                final List<String> childArgs = new ArrayList<>(args);
                childArgs.addAll(List.of("--worker-id", Integer.toString(id), "--members", members));
                // The launcher's properties, from its file too, so that every worker runs with the same settings.
                children.add(new ChildJvm(what + " worker " + id, mainClass, Configuration.shawarmaProperties(),
                    childArgs, "never printed", echo));
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * @return the members of the job, for worker 1: {@code 1@aeron:ipc,2@aeron:ipc,...}.
     */
    public String members()
    {
        return members;
    }

    /**
     * Waits for a child worker to finish.
     *
     * @param workerId   2..N.
     * @param timeoutMs  how long to wait.
     * @throws IllegalStateException when it failed or did not finish in time.
     */
    public void awaitExit(final int workerId, final long timeoutMs)
    {
        final int exitCode = children.get(workerId - 2).awaitExit(timeoutMs);
        if (0 != exitCode)
        {
            throw new IllegalStateException(what + " worker " + workerId + " failed with exit code " + exitCode);
        }
    }

    public void close()
    {
        Runtime.getRuntime().removeShutdownHook(stopChildren);
        CloseHelper.closeAll(children);
    }
}
