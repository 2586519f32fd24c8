package io.shawarma.fabric.demo;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.WorkerMain;
import io.shawarma.fabric.process.ChildJvm;
import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.NanoClock;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fabric of worker JVMs started as children of this one ({@link ChildJvm}: same java binary, JVM flags and
 * classpath) on loopback UDP ports the OS reports free. Stopped with SIGTERM, then SIGKILL after a bounded wait;
 * their /dev/shm directories are removed even when a child had to be killed. Not for the hot path.
 */
final class WorkerProcesses implements AutoCloseable
{
    private final int[] workerIds;
    private final String[] channels;
    private final List<ChildJvm> children = new ArrayList<>();
    private final Map<String, String> properties;
    private final String fabric;
    private final String aeronDirBase;
    private final boolean verbose;
    private final PrintStream out;
    private final NanoClock clock;
    private boolean closed;

    /**
     * @param workerIds    ids of the workers to start.
     * @param aeronDirBase base name of the children's media driver directories ({@code aeron.dir}): each driver
     *                     adds {@code -shawarma-worker-<id>-<uuid>}, so these are the directories to remove.
     * @param properties   system properties every worker gets, on top of its id, the fabric and aeron.dir.
     * @param verbose      forward every line the workers print, prefixed {@code [worker N]}.
     * @param out          where forwarded lines and clean-up messages go.
     * @param clock        the clock of the ready deadline.
     */
    WorkerProcesses(
        final int[] workerIds, final String aeronDirBase, final Map<String, String> properties, final boolean verbose,
        final PrintStream out, final NanoClock clock)
    {
        this.clock = clock;
        this.workerIds = workerIds.clone();
        this.aeronDirBase = aeronDirBase;
        this.verbose = verbose;
        this.out = out;

        final int[] ports = freeUdpPorts(workerIds.length);
        channels = new String[workerIds.length];
        final StringBuilder members = new StringBuilder();
        for (int i = 0; i < workerIds.length; i++)
        {
            channels[i] = "aeron:udp?endpoint=127.0.0.1:" + ports[i];
            members.append(i == 0 ? "" : ",").append(workerIds[i]).append('@').append(channels[i]);
        }
        fabric = members.toString();
        this.properties = new LinkedHashMap<>(properties);
        this.properties.put(Configuration.FABRIC_PROP, fabric);
        this.properties.put("aeron.dir", aeronDirBase);
    }

    /**
     * @return the fabric's member list, {@code id@channel,...}.
     */
    String fabric()
    {
        return fabric;
    }

    /**
     * Starts every worker, then waits until each has printed its ready line.
     *
     * @param timeoutNs how long to wait for all of them.
     * @throws IllegalStateException naming a worker that exited or was not ready in time.
     */
    void start(final long timeoutNs)
    {
        for (final int workerId : workerIds)
        {
            final Map<String, String> workerProperties = new LinkedHashMap<>(properties);
            workerProperties.put(Configuration.WORKER_ID_PROP, Integer.toString(workerId));
            final ChildJvm child = new ChildJvm("worker " + workerId, WorkerMain.class.getName(), workerProperties,
                List.of(), "shawarma worker " + workerId + " ready", verbose ? out : null);
            synchronized (this)
            {
                children.add(child);
                if (closed)
                {
                    // Closed by the shutdown hook while this one started.
                    close(child);
                    throw new IllegalStateException("stopped");
                }
            }
        }
        final long deadlineNs = clock.nanoTime() + timeoutNs;
        for (final ChildJvm child : children)
        {
            child.awaitReady(clock, deadlineNs);
        }
    }

    /**
     * @param workerId a started worker.
     * @return its process id.
     */
    long pid(final int workerId)
    {
        return child(workerId).pid();
    }

    /**
     * @param workerId a worker.
     * @return the channel it receives on.
     */
    String channel(final int workerId)
    {
        return channels[indexOf(workerId)];
    }

    /**
     * Freezes a worker's process (SIGSTOP): it keeps its sockets and state but answers nothing until resumed.
     */
    void suspend(final int workerId)
    {
        child(workerId).suspend();
    }

    /**
     * Lets a suspended worker's process run again (SIGCONT).
     */
    void resume(final int workerId)
    {
        child(workerId).resume();
    }

    /**
     * Prints the last lines each worker printed, prefixed {@code [worker N]}, unless they were forwarded already.
     */
    void printOutput(final PrintStream to)
    {
        if (!verbose)
        {
            for (final ChildJvm child : children)
            {
                to.print(child.lastLines());
            }
        }
    }

    /**
     * Stops every worker and removes its directories. Idempotent; safe from a shutdown hook.
     */
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            for (final ChildJvm child : children)
            {
                close(child);
            }
        }
    }

    private void close(final ChildJvm child)
    {
        if (!child.stop())
        {
            out.println(child.lastLines());
            out.println("a worker (pid " + child.pid() + ") did not stop on SIGTERM and was killed");
        }
        final int workerId = workerIds[children.indexOf(child)];
        // The worker's counters dir: shawarma-worker-<id>-<pid>-<nanos>, where Worker.Context puts it.
        final File shm = new File(SystemUtil.isLinux() ? "/dev/shm" : IoUtil.tmpDirName());
        removeMatching(shm, "shawarma-worker-" + workerId + "-" + child.pid() + "-");
        // Its media driver's dir: <aeron.dir>-shawarma-worker-<id>-<uuid>.
        final File base = new File(aeronDirBase);
        removeMatching(base.getParentFile(), base.getName() + "-shawarma-worker-" + workerId + "-");
    }

    /**
     * Removes the directories in {@code parent} whose names start with {@code prefix}.
     */
    void removeMatching(final File parent, final String prefix)
    {
        final File[] found = null == parent ? null : parent.listFiles((dir, name) -> name.startsWith(prefix));
        if (null != found)
        {
            for (final File dir : found)
            {
                if (verbose)
                {
                    out.println("removing leftover " + dir);
                }
                IoUtil.delete(dir, true);
            }
        }
    }

    private ChildJvm child(final int workerId)
    {
        return children.get(indexOf(workerId));
    }

    private int indexOf(final int workerId)
    {
        for (int i = 0; i < workerIds.length; i++)
        {
            if (workerIds[i] == workerId)
            {
                return i;
            }
        }
        throw new IllegalArgumentException("no worker " + workerId);
    }

    /**
     * Ports the OS reports free now, all different: bound together on loopback, then released for the workers.
     * Another process could take one in between; that worker then fails to start and says so.
     */
    private static int[] freeUdpPorts(final int count)
    {
        final DatagramSocket[] sockets = new DatagramSocket[count];
        final int[] ports = new int[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot find free UDP ports on loopback", ex);
        }
        finally
        {
            for (final DatagramSocket socket : sockets)
            {
                if (null != socket)
                {
                    socket.close();
                }
            }
        }
    }
}
