package io.shawarma.fabric.grid;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.Worker;
import io.shawarma.fabric.WorkerCounters;
import io.shawarma.fabric.WorkerPort;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import static io.shawarma.fabric.Configuration.*;
import static io.shawarma.fabric.grid.GridConfiguration.*;

/**
 * A worker of the grid: a fabric {@link Worker} (its own media driver, a vertex store, file-backed with a data
 * directory so a restarted worker still has the task results it stored, and its counters and error log for
 * {@code scripts/shawarma stat} and {@code errors}) whose ownership is the grid's slot placement, plus a session with
 * the cluster. It joins, heartbeats with its load, follows the slot placement, streams moving slots and runs the
 * tasks it is given, all on the worker's agent thread ({@link GridWorkerAgent}).
 * <pre>
 * try (GridWorker worker = GridWorker.launch(new GridWorker.Context().workerId(1)))
 * {
 *     ...
 * }
 * </pre>
 */
public final class GridWorker implements AutoCloseable
{
    private static final int TERM_LENGTH = 4 * 1024 * 1024;
    private static final long LINGER_NS = TimeUnit.SECONDS.toNanos(2);

    private final Context context;
    private final Worker worker;
    private GridWorkerAgent agent;
    /** The counts as they were when the worker closed (its counters file is unmapped then); set on close. */
    private boolean closed;
    private long tasksRunAtClose;
    private long[] migrationAtClose;
    private long authFailuresAtClose;

    private GridWorker(final Context context)
    {
        this.context = context;
        worker = Worker.launch(context.worker.extension((port) -> agent = newAgent(port, context)));
    }

    private static GridWorkerAgent newAgent(final WorkerPort port, final Context context)
    {
        final SlotMigration.VertexMerge merge = vertexMerge(port.invoker(), context.mergeUdf);
        final String aeronDir = port.aeronDirectoryName();
        final Function<GridListener, GridClient> connector = (listener) -> GridClient.connect(
            aeronDir, context.host, context.portBase, context.members, context.egressHost, context.workerId, listener,
            context.idleStrategy);
        final long heartbeatTimeoutNs = context.heartbeatTimeoutNs;
        // The lease runs out half a heartbeat timeout after the last acknowledged heartbeat was sent: before the
        // cluster may declare this worker dead and give its slots away. A backup that stays silent is waited for
        // until the cluster has declared it dead and dropped it, and a little longer.
        final SlotReplicas.Factory replicas = (migration, link) -> new SlotReplicas(context.workerId,
            context.slotCount, port.store(), migration, link, 2 * heartbeatTimeoutNs, heartbeatTimeoutNs / 2,
            heartbeatTimeoutNs);
        final GridWorkerAgent agent = new GridWorkerAgent(port, context.heartbeatIntervalNs, context.taskDelayNs,
            connector, context.nanoClock, (link) -> new SlotMigration(
            context.workerId, context.slotCount, port.store(), link, merge, heartbeatTimeoutNs), replicas);
        agent.client(connector.apply(agent));
        return agent;
    }

    /**
     * Starts a worker and connects it to the cluster (bounded by Aeron Cluster's message timeout).
     *
     * @param context its settings; concluded here.
     * @return the running worker.
     */
    public static GridWorker launch(final Context context)
    {
        return new GridWorker(context.conclude());
    }

    /** @return the worker's id. */
    public int id()
    {
        return context.workerId;
    }

    /** @return the epoch of the last placement applied (0 before the first). */
    public long placementEpoch()
    {
        return agent.counters().placementEpoch();
    }

    /** @return the slots this worker owns in the last placement applied. */
    public int ownedSlots()
    {
        return agent.counters().ownedSlots();
    }

    /**
     * @return slots streamed away, vertices streamed away, slots received, vertices received; since start (after
     * {@link #close()}, as they were then).
     */
    public long[] migrationCounts()
    {
        return closed ? migrationAtClose.clone() : agent.counters().migrationCounts();
    }

    /**
     * @return frames refused because their sender had not proved the shared secret on their session, and failed
     * handshakes; since start.
     */
    public long authFailures()
    {
        return closed ? authFailuresAtClose : worker.counters().authFailures();
    }

    /** @return tasks run and reported since start (after {@link #close()}, as it was then). */
    public long tasksRun()
    {
        return closed ? tasksRunAtClose : agent.counters().tasksRun();
    }

    /**
     * @param action run once the worker's media driver is lost; see {@link Worker#onDriverLost(Runnable)}.
     */
    public void onDriverLost(final Runnable action)
    {
        worker.onDriverLost(action);
    }

    /** @return null while the media driver is there, else one line saying it was lost and what to do. */
    public String driverLost()
    {
        return worker.driverLost();
    }

    /** @return the worker's counters and error log (the grid's counters among them). */
    public WorkerCounters counters()
    {
        return worker.counters();
    }

    /**
     * @return the merge of the named UDF for vertices a restarted worker brings back, or none when no name is set.
     * @throws IllegalArgumentException when the UDF is not registered or has no merge.
     */
    private static SlotMigration.VertexMerge vertexMerge(final LocalInvoker invoker, final String mergeUdf)
    {
        if (null == mergeUdf || mergeUdf.isEmpty())
        {
            return SlotMigration.REPLACE;
        }
        final int udfId = Udf.idOf(mergeUdf);
        final Udf udf = invoker.udf(udfId);
        check(null != udf && udf.isMergeable(), MERGE_UDF_PROP, mergeUdf, "a registered UDF with a merge");
        return (vertexId, incoming, offset, length) -> Status.OK == invoker.merge(vertexId, udfId, incoming, offset,
            length);
    }

    /**
     * Leaves the grid: hands its slots over to the others with their data (waiting up to
     * {@code shawarma.grid.leave.timeout.ms}; what is left then goes without data), then stops the worker (its store
     * is kept on disk when file-backed).
     */
    public void close()
    {
        if (null != worker.driverLost())
        {
            // Without a driver nothing can be handed over: the cluster declares this worker dead instead.
            closeWorker();
            return;
        }
        agent.leave();
        final long deadlineNs = context.nanoClock.nanoTime() + context.leaveTimeoutNs;
        while (!agent.isHandedOver() && context.nanoClock.nanoTime() - deadlineNs < 0)
        {
            LockSupport.parkNanos(1_000_000);
        }
        if (agent.isHandedOver())
        {
            // Callers still routing here get MOVED for a while: a call sent after the process is gone may go
            // unanswered (TIMEOUT) until the caller's publication notices.
            LockSupport.parkNanos(LINGER_NS);
        }
        closeWorker();
    }

    private void closeWorker()
    {
        // Closing unmaps the counters file: what the counts say afterwards is read now.
        tasksRunAtClose = agent.counters().tasksRun();
        migrationAtClose = agent.counters().migrationCounts();
        authFailuresAtClose = worker.counters().authFailures();
        closed = true;
        worker.close();
    }

    /**
     * A grid worker's settings, each defaulted from its property.
     */
    public static final class Context
    {
        private int workerId = integer(WORKER_ID_PROP, -1);
        private String dataChannel = string(CHANNEL_PROP, "aeron:udp?endpoint=" + HOST_DEFAULT + ":0");
        private int slotCount = integer(SLOTS_PROP, SLOTS_DEFAULT);
        private long leaveTimeoutNs = TimeUnit.MILLISECONDS.toNanos(
            number(LEAVE_TIMEOUT_MS_PROP, LEAVE_TIMEOUT_MS_DEFAULT));
        private long heartbeatTimeoutNs = TimeUnit.MILLISECONDS.toNanos(
            number(HEARTBEAT_TIMEOUT_MS_PROP, HEARTBEAT_TIMEOUT_MS_DEFAULT));
        private String dataDir = string(DATA_DIR_PROP, null);
        private String mergeUdf = string(MERGE_UDF_PROP, null);
        private long storeEntries = number(STORE_ENTRIES_PROP, STORE_ENTRIES_DEFAULT);
        private String host = string(HOST_PROP, HOST_DEFAULT);
        private int portBase = integer(PORT_BASE_PROP, PORT_BASE_DEFAULT);
        private int members = integer(MEMBERS_PROP, MEMBERS_DEFAULT);
        private long heartbeatIntervalNs = TimeUnit.MILLISECONDS.toNanos(
            number(HEARTBEAT_INTERVAL_MS_PROP, HEARTBEAT_INTERVAL_MS_DEFAULT));
        private long taskDelayNs = TimeUnit.MILLISECONDS.toNanos(number(TASK_DELAY_MS_PROP, 0));
        private String idleStrategy = string(IDLE_PROP, IDLE_DEFAULT);
        private ClassLoader udfClassLoader = Thread.currentThread().getContextClassLoader();
        private String secretFile = string(SECRET_FILE_PROP, null);
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;
        private Worker.Context worker;
        private String egressHost;

        /**
         * Validates the settings.
         *
         * @return this.
         * @throws IllegalArgumentException naming the property and the bad value.
         */
        public Context conclude()
        {
            check(workerId >= 0 && workerId < MAX_WORKER_ID, WORKER_ID_PROP, workerId,
                "required, in [0, " + MAX_WORKER_ID + ")");
            check(members == 1 || members == 3 || members == 5, MEMBERS_PROP, members, "1, 3 or 5");
            check(heartbeatIntervalNs > 0, HEARTBEAT_INTERVAL_MS_PROP, heartbeatIntervalNs / 1_000_000, "positive");
            check(leaveTimeoutNs >= 0, LEAVE_TIMEOUT_MS_PROP, leaveTimeoutNs / 1_000_000, "not negative");
            check(taskDelayNs >= 0, TASK_DELAY_MS_PROP, taskDelayNs / 1_000_000, "not negative");
            check(storeEntries > 0, STORE_ENTRIES_PROP, storeEntries, "positive");
            check(slotCount > 0, SLOTS_PROP, slotCount, "positive, the cluster's slot count");
            check(!dataChannel.isEmpty(), CHANNEL_PROP, dataChannel, "an Aeron channel the worker serves calls on");
            IdleStrategies.of(idleStrategy);
            // The data plane is a fabric worker's: the grid's settings on a worker's Context.
            worker = new Worker.Context().workerId(workerId)
                .members(FabricMembers.parse(workerId + "@" + dataChannel, CHANNEL_PROP)).channel(dataChannel)
                .idleStrategy(idleStrategy).driverIdleStrategy(idleStrategy).termLength(TERM_LENGTH)
                .maxPayloadBytes(TaskDag.MAX_RESULT_BYTES * 2).storeEntries(storeEntries).storeValueAverageBytes(64)
                .storeValueMaxBytes(TaskDag.MAX_RESULT_BYTES).dataDir(dataDir).secretFile(secretFile)
                .udfClassLoader(udfClassLoader);
            worker.conclude();
            egressHost = egressHost(dataChannel, host);
            return this;
        }

        /**
         * @return the address the cluster answers this worker on: the one it serves calls on (the others reach it
         * there), or the cluster's host when the data channel names no address of its own.
         */
        private static String egressHost(final String dataChannel, final String clusterHost)
        {
            final String endpoint = ChannelUri.parse(dataChannel).get(CommonContext.ENDPOINT_PARAM_NAME);
            final int colon = null == endpoint ? -1 : endpoint.lastIndexOf(':');
            final String address = colon <= 0 ? null : endpoint.substring(0, colon);
            return null == address || "0.0.0.0".equals(address) || "[::]".equals(address) ? clusterHost : address;
        }

        /** @return the address the cluster answers this worker on, once concluded. */
        String egressHost()
        {
            return egressHost;
        }

        /** @return number of vertices the store is sized for. */
        public long storeEntries()
        {
            return storeEntries;
        }

        /** @param workerId the worker's id. @return this. */
        public Context workerId(final int workerId)
        {
            this.workerId = workerId;
            return this;
        }

        /**
         * @param dataChannel where the worker serves calls; port 0 picks a free one. The cluster answers the worker on
         *                    its address too.
         * @return this.
         */
        public Context dataChannel(final String dataChannel)
        {
            this.dataChannel = dataChannel;
            return this;
        }

        /** @param dataDir directory of a file-backed store; null for in memory. @return this. */
        public Context dataDir(final String dataDir)
        {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * @param mergeUdf a mergeable UDF reconciling the vertices a restarted worker brings back with the copies the
         *                 slots' interim owners hold; null for none (the interim owner's copy wins).
         * @return this.
         */
        public Context mergeUdf(final String mergeUdf)
        {
            this.mergeUdf = mergeUdf;
            return this;
        }

        /** @param host the cluster members' host. @return this. */
        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        /** @param portBase the cluster's port base. @return this. */
        public Context portBase(final int portBase)
        {
            this.portBase = portBase;
            return this;
        }

        /** @param members number of cluster members. @return this. */
        public Context members(final int members)
        {
            this.members = members;
            return this;
        }

        /** @param heartbeatIntervalNs between heartbeats to the cluster. @return this. */
        public Context heartbeatIntervalNs(final long heartbeatIntervalNs)
        {
            this.heartbeatIntervalNs = heartbeatIntervalNs;
            return this;
        }

        /** @param taskDelayNs simulated work: each result is held this long before it is reported. @return this. */
        public Context taskDelayNs(final long taskDelayNs)
        {
            this.taskDelayNs = taskDelayNs;
            return this;
        }

        /** @param idleStrategy of the worker's threads. @return this. */
        public Context idleStrategy(final String idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @param secretFile of the grid's shared secret: callers of the data plane and the sources of slot streams
         *                   must prove it; null for none. The cluster session uses {@code shawarma.secret.file}.
         * @return this.
         */
        public Context secretFile(final String secretFile)
        {
            this.secretFile = secretFile;
            return this;
        }

        /**
         * @param nanoClock measures the load the worker reports and its leave's wait; default the system's.
         * @return this.
         */
        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }
    }
}
