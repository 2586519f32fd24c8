package io.shawarma.fabric.grid;

import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.SharedSecret;
import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.fabric.store.LocalVertices;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import static io.shawarma.fabric.Configuration.*;
import static io.shawarma.fabric.grid.GridConfiguration.*;

/**
 * A worker of the grid: its own media driver, a session with the cluster, and a vertex store (file-backed with a
 * data directory, so a restarted worker still has the task results it stored). It joins, heartbeats with its load,
 * follows the slot placement and runs the tasks it is given, on one agent thread.
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
    private static final long OFFER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long LINGER_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long BIND_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final Context context;
    private final Transport transport;
    private final LocalVertices store;
    private final GridWorkerAgent agent;
    private final GridDataPlane dataPlane;
    private final AgentRunner runner;

    private GridWorker(final Context context)
    {
        this.context = context;
        final ErrorHandler errors = context.errorHandler;
        Transport transport = null;
        LocalVertices store = null;
        GridClient client = null;
        GridDataPlane dataPlane = null;
        try
        {
            transport = Transport.embedded("grid-worker-" + context.workerId, context.idleStrategy, TERM_LENGTH, errors);
            store = new LocalVertices(context.storeEntries, 64, TaskDag.MAX_RESULT_BYTES,
                null == context.dataDir ? null : new File(context.dataDir, "grid-worker-" + context.workerId + ".dat"));
            // CRDT vertex types key their state by replica: each worker its own, so copies merge without loss.
            final LocalInvoker invoker = new LocalInvoker(
                store, UdfRegistry.load(context.udfClassLoader), TaskDag.MAX_RESULT_BYTES * 2, errors)
                .replicaId(context.workerId);
            final SlotMigration.VertexMerge merge = vertexMerge(invoker, context.mergeUdf);
            dataPlane = new GridDataPlane(context.workerId, transport.aeron(), context.dataChannel, STREAM_BASE_DEFAULT,
                invoker, IdleStrategies.of(context.idleStrategy), OFFER_TIMEOUT_NS, TaskDag.MAX_RESULT_BYTES * 2,
                context.secret);
            final String servedChannel = awaitBound(dataPlane);
            final LocalVertices vertices = store;
            final SlotMigration.Factory migration = (link) -> new SlotMigration(
                context.workerId, context.slotCount, vertices, link, merge, context.restreamIntervalNs);
            final String aeronDir = transport.aeronDirectoryName();
            final Function<GridListener, GridClient> connector = (listener) -> GridClient.connect(
                aeronDir, context.host, context.portBase, context.members, context.workerId, listener,
                context.idleStrategy);
            agent = new GridWorkerAgent(context.workerId, servedChannel, context.heartbeatIntervalNs,
                context.taskDelayNs, connector, invoker, dataPlane, migration, errors);
            client = connector.apply(agent);
            agent.client(client);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(client, dataPlane, store, transport);
            throw ex;
        }
        this.transport = transport;
        this.store = store;
        this.dataPlane = dataPlane;
        runner = new AgentRunner(IdleStrategies.of(context.idleStrategy), errors, null, agent);
        AgentRunner.startOnThread(runner);
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
        return agent.placementEpoch();
    }

    /** @return the slots this worker owns in the last placement applied. */
    public int ownedSlots()
    {
        return agent.ownedSlots();
    }

    /** @return slots streamed away, vertices streamed away, slots received, vertices received; since start. */
    public long[] migrationCounts()
    {
        return agent.migrationCounts();
    }

    /**
     * @return data-plane frames refused because their sender had not proved the shared secret on their session, and
     * failed handshakes; since start.
     */
    public long authFailures()
    {
        return dataPlane.authFailures();
    }

    /** @return tasks run and reported since start. */
    public long tasksRun()
    {
        return agent.tasksRun();
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

    private static String awaitBound(final GridDataPlane dataPlane)
    {
        final long deadlineNs = System.nanoTime() + BIND_TIMEOUT_NS;
        String channel;
        while (null == (channel = dataPlane.resolvedChannel()))
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("the grid worker's data channel did not bind within 10 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
        return channel;
    }

    /**
     * Leaves the grid: hands its slots over to the others with their data (waiting up to
     * {@code shawarma.grid.leave.timeout.ms}; what is left then goes without data), stops the agent, closes the store
     * (kept on disk when file-backed) and the driver.
     */
    public void close()
    {
        agent.leave();
        final long deadlineNs = System.nanoTime() + context.leaveTimeoutNs;
        while (!agent.isHandedOver() && System.nanoTime() - deadlineNs < 0 && !runner.isClosed())
        {
            LockSupport.parkNanos(1_000_000);
        }
        if (agent.isHandedOver())
        {
            // Callers still routing here get MOVED for a while: a call sent after the process is gone may go
            // unanswered (TIMEOUT) until the caller's publication notices.
            LockSupport.parkNanos(LINGER_NS);
        }
        CloseHelper.closeAll(runner, store, transport);
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
        private long restreamIntervalNs = TimeUnit.MILLISECONDS.toNanos(
            number(HEARTBEAT_TIMEOUT_MS_PROP, HEARTBEAT_TIMEOUT_MS_DEFAULT));
        private String dataDir = string(DATA_DIR_PROP, null);
        private String mergeUdf = string(MERGE_UDF_PROP, null);
        private long storeEntries = number(STORE_ENTRIES_PROP, 100_000);
        private String host = string(HOST_PROP, HOST_DEFAULT);
        private int portBase = integer(PORT_BASE_PROP, PORT_BASE_DEFAULT);
        private int members = integer(MEMBERS_PROP, MEMBERS_DEFAULT);
        private long heartbeatIntervalNs = TimeUnit.MILLISECONDS.toNanos(
            number(HEARTBEAT_INTERVAL_MS_PROP, HEARTBEAT_INTERVAL_MS_DEFAULT));
        private long taskDelayNs = TimeUnit.MILLISECONDS.toNanos(number(TASK_DELAY_MS_PROP, 0));
        private String idleStrategy = string(IDLE_PROP, IDLE_DEFAULT);
        private ClassLoader udfClassLoader = Thread.currentThread().getContextClassLoader();
        private ErrorHandler errorHandler = Throwable::printStackTrace;
        private String secretFile = string(SECRET_FILE_PROP, null);
        private SharedSecret secret;

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
            secret = null == secretFile ? null : SharedSecret.load(Path.of(secretFile), SECRET_FILE_PROP);
            return this;
        }

        /** @param workerId the worker's id. @return this. */
        public Context workerId(final int workerId)
        {
            this.workerId = workerId;
            return this;
        }

        /** @param dataChannel where the worker serves calls; port 0 picks a free one. @return this. */
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

        /** @param errorHandler for errors on the worker's threads. @return this. */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }
    }
}
