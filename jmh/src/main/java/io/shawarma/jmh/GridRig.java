package io.shawarma.jmh;

import io.aeron.CommonContext;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.WorkerCounters;
import io.shawarma.fabric.grid.GridClient;
import io.shawarma.fabric.grid.GridClusterMain;
import io.shawarma.fabric.grid.GridConfiguration;
import io.shawarma.fabric.grid.GridListener;
import io.shawarma.fabric.grid.GridWorkerMain;
import io.shawarma.fabric.grid.SlotRoutedClient;
import io.shawarma.fabric.grid.StatusWatch;
import io.shawarma.fabric.process.ChildAeronDirectories;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.messaging.Transport;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;

import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * One grid on this machine for {@code bench grid}: its cluster members and grid workers, each its own JVM with its
 * own media driver on loopback UDP, under one directory and one media driver base that {@link #close()} removes (a
 * killed child cannot remove its own). Workers serve their data plane on fixed ports, so that a data client can name
 * them, and keep their counters file in a known directory. Clients talk to it through the benchmark's own transport.
 */
final class GridRig implements AutoCloseable
{
    static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    static final long QUERY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);
    /** Slots move one by one: on a loaded machine, a worker joining a grid holding 50 MB takes minutes. */
    static final long WAIT_TIMEOUT_NS = TimeUnit.MINUTES.toNanos(10);
    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(15);

    private static int nextClientId = 3_000_000;

    private final Transport transport;
    private final int members;
    private final String idle;
    private final File dir;
    private final String aeronDirs;
    private final int portBase;
    private final Map<String, String> properties = new HashMap<>();
    private final List<ChildJvm> memberJvms = new ArrayList<>();
    private final TreeMap<Integer, ChildJvm> workers = new TreeMap<>();
    private final Map<Integer, String> channels = new HashMap<>();
    private final Thread stopper = new Thread(this::stopChildren, "bench-grid-stop");

    /**
     * @param name      of the grid, in its directories' names.
     * @param transport the benchmark's media driver, for its clients.
     * @param members   cluster members.
     * @param idle      idle strategy of every member and worker.
     * @param settings  further properties of every member and worker (shawarma.grid.backups, aeron.cluster...).
     */
    GridRig(final String name, final Transport transport, final int members, final String idle,
        final Map<String, String> settings)
    {
        this.transport = transport;
        this.members = members;
        this.idle = idle;
        dir = new File(IoUtil.tmpDirName(), "shawarma-bench-" + name + "-" + ProcessHandle.current().pid());
        aeronDirs = ChildAeronDirectories.base("bench-" + name);
        portBase = Math.min(60000, Math.max(20000, LoopbackPorts.freeUdpPort() / 100 * 100));
        properties.put(CommonContext.AERON_DIR_PROP_NAME, aeronDirs);
        properties.put(GridConfiguration.PORT_BASE_PROP, Integer.toString(portBase));
        properties.put(GridConfiguration.MEMBERS_PROP, Integer.toString(members));
        properties.put(GridConfiguration.DIR_PROP, new File(dir, "cluster").getPath());
        properties.put(Configuration.IDLE_PROP, idle);
        properties.putAll(settings);
        Runtime.getRuntime().addShutdownHook(stopper);
    }

    /**
     * Starts the members, then workers 1 to {@code workerCount}, each waited for until ready.
     *
     * @return this.
     */
    GridRig start(final int workerCount)
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        for (int i = 0; i < members; i++)
        {
            memberJvms.add(GridClusterMain.startMember(i, properties, null));
        }
        memberJvms.forEach(member -> member.awaitReady(deadlineNs));
        final List<ChildJvm> started = new ArrayList<>();
        for (int id = 1; id <= workerCount; id++)
        {
            started.add(launchWorker(id));
        }
        started.forEach(worker -> worker.awaitReady(deadlineNs));
        return this;
    }

    /** Starts a worker and waits until it has joined. */
    void startWorker(final int id)
    {
        launchWorker(id).awaitReady(System.nanoTime() + TIMEOUT_NS);
    }

    /** Kills a worker with kill -9 (SIGKILL), as in a crash; returns once it is gone. */
    void killWorker(final int id)
    {
        workers.remove(id).kill();
    }

    /** Kills a cluster member with kill -9; returns once it is gone. */
    void killMember(final int memberId)
    {
        memberJvms.get(memberId).kill();
    }

    /** @return ids of the workers running, ascending. */
    List<Integer> workerIds()
    {
        return new ArrayList<>(workers.keySet());
    }

    /** @return the worker's data channel, fixed before it starts. */
    String channelOf(final int workerId)
    {
        return channels.computeIfAbsent(workerId, id -> "aeron:udp?endpoint=" + GridConfiguration.HOST_DEFAULT + ":" +
            LoopbackPorts.freeUdpPort());
    }

    /** @return the worker's counters file (see {@link WorkerCounterFile}). */
    File countersFile(final int workerId)
    {
        return new File(workerDir(workerId), WorkerCounters.FILE_NAME);
    }

    int members()
    {
        return members;
    }

    String idle()
    {
        return idle;
    }

    Transport transport()
    {
        return transport;
    }

    /** @return a cluster session on a fresh client id (an idle session times out: open one per use). */
    GridClient connect(final GridListener listener)
    {
        return GridClient.connect(transport.aeronDirectoryName(), GridConfiguration.HOST_DEFAULT, portBase, members,
            nextClientId(), listener, idle);
    }

    /** @return a data client of these workers on a fresh client id. */
    SlotRoutedClient dataClient(final Collection<Integer> workerIds, final long callTimeoutNs)
    {
        final StringBuilder fabric = new StringBuilder();
        for (final int id : workerIds)
        {
            fabric.append(fabric.length() == 0 ? "" : ",").append(id).append('@').append(channelOf(id));
        }
        return SlotRoutedClient.connect(new FabricClient.Context().aeron(transport.aeron()).clientId(nextClientId())
            .channel("aeron:udp?endpoint=" + GridConfiguration.HOST_DEFAULT + ":0").fabric(fabric.toString())
            .callTimeoutNs(callTimeoutNs).idleStrategy(idle).secretFile(null), GridConfiguration.SLOTS_DEFAULT);
    }

    /**
     * Asks the cluster for its status every few milliseconds until the condition holds.
     *
     * @return the status that satisfied it.
     * @throws IllegalStateException naming what was awaited when it does not hold in {@link #WAIT_TIMEOUT_NS}.
     */
    StatusWatch awaitStatus(final String what, final Predicate<StatusWatch> condition)
    {
        final StatusWatch status = new StatusWatch();
        final long startNs = System.nanoTime();
        long reportNs = startNs + REPORT_INTERVAL_NS;
        try (GridClient client = connect(status))
        {
            while (!(status.query(client, QUERY_TIMEOUT_NS) && condition.test(status)))
            {
                final long nowNs = System.nanoTime();
                if (nowNs - reportNs >= 0)
                {
                    // A slow wait (slots moving one by one on a loaded machine) shows its progress.
                    System.out.printf("bench grid: %.0f s waiting for %s: slots %s, backups behind %d%n",
                        (nowNs - startNs) / 1e9, what, status.slotsByWorker(), status.backupsBehind());
                    reportNs = nowNs + REPORT_INTERVAL_NS;
                }
                require(nowNs - startNs < WAIT_TIMEOUT_NS, what + " in time; last status:\n" + status.text());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        return status;
    }

    /** Waits until the workers running hold every slot in even shares and every backup is in sync. */
    void awaitSpreadAndInSync()
    {
        final int count = workers.size();
        final int share = GridConfiguration.SLOTS_DEFAULT / count;
        awaitStatus(count + " workers with their share of slots, every backup in sync", status ->
            status.slotsByWorker().size() == count && 0 == status.backupsBehind() &&
            status.slotsByWorker().values().stream().allMatch(slots -> slots >= share) &&
            status.slotsByWorker().values().stream().mapToInt(Integer::intValue).sum() ==
            GridConfiguration.SLOTS_DEFAULT);
    }

    /** Stops every child (SIGTERM, then SIGKILL), removes the grid's directories. */
    public void close()
    {
        stopChildren();
        Runtime.getRuntime().removeShutdownHook(stopper);
        IoUtil.delete(dir, true);
        ChildAeronDirectories.removeAll(aeronDirs);
    }

    static int nextClientId()
    {
        return nextClientId++;
    }

    static void require(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new IllegalStateException("bench grid: expected " + what);
        }
    }

    private ChildJvm launchWorker(final int id)
    {
        final Map<String, String> workerProperties = new HashMap<>(properties);
        workerProperties.put(Configuration.CHANNEL_PROP, channelOf(id));
        workerProperties.put(Configuration.WORKER_DIR_PROP, workerDir(id).getPath());
        final ChildJvm worker = GridWorkerMain.start(id, workerProperties, null);
        workers.put(id, worker);
        return worker;
    }

    private File workerDir(final int workerId)
    {
        return new File(dir, "worker-" + workerId);
    }

    private void stopChildren()
    {
        CloseHelper.closeAll(workers.values());
        CloseHelper.closeAll(memberJvms);
    }
}
