package io.shawarma.fabric;

import io.shawarma.fabric.store.VertexStore;
import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;

import java.io.File;

import static io.shawarma.fabric.Configuration.*;

/**
 * A Shawarma worker: owns a shard of vertices in an off-heap store and serves calls on them over Aeron.
 * <pre>
 * try (Worker worker = Worker.launch(new Worker.Context().workerId(1).members(...)))
 * {
 *     ...
 * }
 * </pre>
 * The worker's logic runs as one Agrona agent on its own thread (or, with
 * {@link Context#useAgentInvoker(boolean)}, on a thread of the caller's that calls {@link #invoker()}).
 */
public final class Worker implements AutoCloseable
{
    private final Context context;
    private final Transport transport;
    private final WorkerCounters counters;
    private final VertexStore store;
    private final WorkerAgent agent;
    private final AgentRunner runner;
    private final AgentInvoker invoker;
    private final LocalInvoker localInvoker;
    private final WorkerCommands commands;
    private final DriverWatch driverWatch;
    private final CallLatency latency;

    private Worker(final Context context)
    {
        this.context = context;
        Transport transport = null;
        WorkerCounters counters = null;
        VertexStore store = null;
        WorkerCommands commands = null;
        CallLatency latency = null;
        try
        {
            final File workerDir = new File(context.workerDir());
            IoUtil.ensureDirectoryExists(workerDir, "worker dir");
            counters = new WorkerCounters(new File(workerDir, WorkerCounters.FILE_NAME), context.workerId());
            final WorkerCounters errorSink = counters;
            latency = new CallLatency(workerDir, context.workerId());
            driverWatch = new DriverWatch(errorSink::onError, context.aeronDirectoryName());
            transport = "external".equals(context.driver()) ?
                Transport.external(context.aeronDirectoryName(), driverWatch) :
                Transport.embedded("worker-" + context.workerId(), context.driverIdleStrategy(), context.termLength(),
                    driverWatch);
            driverWatch.directory(transport.aeronDirectoryName());
            store = context.openStore(context.workerId());
            if (null != store.lossAtOpen())
            {
                System.err.println("shawarma worker " + context.workerId() + ": " + store.lossAtOpen());
            }
            counters.storeLoss(store.recordsLostAtOpen(), store.chunksLostAtOpen());
            final UdfRegistry udfs = UdfRegistry.load(context.udfClassLoader());
            commands = new WorkerCommands(context, udfs, errorSink::onError);
            localInvoker = new LocalInvoker(store, udfs, context.maxPayloadBytes(), errorSink::onError)
                .replicaId(context.workerId());
            agent = new WorkerAgent(context, transport.aeron(), store, localInvoker, commands, counters, latency);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(commands, transport, store, counters, latency);
            if (context.isWorkerDirOwned())
            {
                // A worker that did not start leaves no empty directory under /dev/shm for stat and clean to find.
                IoUtil.delete(new File(context.workerDir()), true);
            }
            throw ex;
        }
        this.commands = commands;
        this.transport = transport;
        this.counters = counters;
        this.store = store;
        this.latency = latency;

        final WorkerCounters errorSink = counters;
        if (context.useAgentInvoker())
        {
            runner = null;
            invoker = new AgentInvoker(errorSink::onError, null, agent);
            invoker.start();
        }
        else
        {
            invoker = null;
            runner = new AgentRunner(IdleStrategies.of(context.idleStrategy()), errorSink::onError, null, agent);
            AgentRunner.startOnThread(runner);
        }
    }

    /**
     * Starts a worker.
     *
     * @param context its settings; concluded here.
     * @return the running worker.
     */
    public static Worker launch(final Context context)
    {
        return new Worker(context.conclude());
    }

    /**
     * Runs an action once the Aeron client has lost its media driver (the driver stopped or was killed, so its
     * heartbeat went stale) and closed itself: the worker can no longer send or receive and should be closed.
     *
     * @param action run on the Aeron client's thread, or at once if the driver is already lost; keep it short.
     */
    public void onDriverLost(final Runnable action)
    {
        driverWatch.onLost(action);
    }

    /**
     * @return null while the media driver is there, else one line for an operator: which driver was lost, why the
     * Aeron client gave it up, and what to do.
     */
    public String driverLost()
    {
        return driverWatch.lost();
    }

    /**
     * @return this worker's id.
     */
    public int id()
    {
        return context.workerId();
    }

    /**
     * @return the concluded settings.
     */
    public Context context()
    {
        return context;
    }

    /**
     * @return the counters and error log.
     */
    public WorkerCounters counters()
    {
        return counters;
    }

    /**
     * @return the agent invoker to drive the worker with, when {@link Context#useAgentInvoker()} is set; else null.
     */
    public AgentInvoker invoker()
    {
        return invoker;
    }

    /**
     * Runs calls directly on this worker's vertices. Only from the thread that drives {@link #invoker()}: the
     * owning thread is the single writer of the vertices.
     *
     * @return the local invoker.
     */
    public LocalInvoker localInvoker()
    {
        if (null == invoker)
        {
            throw new IllegalStateException("local calls need " +
                "useAgentInvoker(true): the agent thread owns the vertices");
        }
        return localInvoker;
    }

    /**
     * @return the channel this worker serves calls on, with the port its driver bound (a configured port 0 is
     * resolved); null until bound.
     */
    public String servedChannel()
    {
        return agent.servedChannel();
    }

    WorkerAgent agent()
    {
        return agent;
    }

    /**
     * @return the media driver directory the worker uses.
     */
    public String aeronDirectoryName()
    {
        return transport.aeronDirectoryName();
    }

    /**
     * Switches where calls on other workers' vertices run, while the worker runs (benchmarks compare policies on
     * one fabric). Copies already borrowed are used until their leases end.
     *
     * @param policy model, forward or borrow.
     */
    public void schedulerPolicy(final String policy)
    {
        agent.schedulerPolicy(io.shawarma.fabric.borrow.CostModel.Context.policyOf(policy));
    }

    /**
     * @return true when every other worker of the fabric is reachable.
     */
    public boolean isFabricConnected()
    {
        return agent.isFabricConnected();
    }

    /**
     * Stops the agent, closes the plug-ins (e.g. the WebAssembly UDFs' watchdog), the store (kept on disk when
     * file-backed), the transport and the counters file.
     */
    public void close()
    {
        CloseHelper.closeAll(runner, invoker, commands, latency, store, transport, counters);
        if (context.isWorkerDirOwned())
        {
            IoUtil.delete(new File(context.workerDir()), true);
        }
    }

    /**
     * A worker's settings, each defaulted from its system property (see {@link Configuration}); the store's are in
     * {@link StoreContext}.
     */
    public static final class Context extends StoreContext<Context>
    {
        private int workerId = integer(WORKER_ID_PROP, -1);
        private int cpu = integer(CPU_PROP, -1);
        private String workerDir = string(WORKER_DIR_PROP, null);
        private boolean workerDirOwned;
        private long heartbeatIntervalNs =
            durationNs(PEER_HEARTBEAT_INTERVAL_MS_PROP, PEER_HEARTBEAT_INTERVAL_MS_DEFAULT);
        private boolean useAgentInvoker;
        private String schedulerPolicy = string(SCHEDULER_POLICY_PROP, SCHEDULER_POLICY_DEFAULT);
        private long borrowLeaseNs = durationNs(BORROW_LEASE_MS_PROP, BORROW_LEASE_MS_DEFAULT);
        private int borrowSlots = integer(BORROW_SLOTS_PROP, BORROW_SLOTS_DEFAULT);
        private ClassLoader udfClassLoader = Thread.currentThread().getContextClassLoader();
        private WorkerExtension.Factory extension;

        /**
         * Validates the settings and fills derived ones.
         *
         * @return this.
         * @throws IllegalArgumentException naming the property and the bad value.
         */
        public Context conclude()
        {
            check(workerId >= 0 && workerId < MAX_WORKER_ID, WORKER_ID_PROP, workerId,
                "required, in [0, " + MAX_WORKER_ID + ")");
            concludeShared(null == channel() ? null : workerId + "@" + channel());
            final String listed = members().channelOf(workerId);
            check(null != listed, FABRIC_PROP, members(), "does not list this worker's id " + workerId);
            if (null == channel())
            {
                channel(listed);
            }
            concludeStore();
            check(heartbeatIntervalNs > 0, PEER_HEARTBEAT_INTERVAL_MS_PROP, heartbeatIntervalNs / 1_000_000.0,
                "positive");
            check("model".equals(schedulerPolicy) || "forward".equals(schedulerPolicy) ||
                "borrow".equals(schedulerPolicy), SCHEDULER_POLICY_PROP, schedulerPolicy, "model, forward or borrow");
            check(borrowLeaseNs >= 1_000_000L, BORROW_LEASE_MS_PROP, borrowLeaseNs / 1_000_000.0, "at least 1");
            check(borrowSlots > 0 && (long)borrowSlots * storeValueMaxBytes() <= Integer.MAX_VALUE, BORROW_SLOTS_PROP,
                borrowSlots, "positive, and slots times the max value size below 2 GiB");
            check(cpu >= -1 && cpu < Runtime.getRuntime().availableProcessors(), CPU_PROP, cpu,
                "-1 (no pinning) or a CPU id below " + Runtime.getRuntime().availableProcessors());
            if (null == workerDir)
            {
                workerDir = CountersFile.newDirectory(workerId).getPath();
                workerDirOwned = true;
            }
            return this;
        }

        /** @return the worker's id. */
        public int workerId()
        {
            return workerId;
        }

        /** @param workerId the worker's id, in [0, 1_000_000). @return this. */
        public Context workerId(final int workerId)
        {
            this.workerId = workerId;
            return this;
        }

        /** @return CPU the agent thread is pinned to, or -1. */
        public int cpu()
        {
            return cpu;
        }

        /** @param cpu to pin the agent thread to, -1 for none. @return this. */
        public Context cpu(final int cpu)
        {
            this.cpu = cpu;
            return this;
        }

        /** @return directory of the counters file. */
        public String workerDir()
        {
            return workerDir;
        }

        /** @param workerDir directory of the counters file; default a new one under /dev/shm. @return this. */
        public Context workerDir(final String workerDir)
        {
            this.workerDir = workerDir;
            return this;
        }

        boolean isWorkerDirOwned()
        {
            return workerDirOwned;
        }

        /** @return interval between heartbeats. */
        public long heartbeatIntervalNs()
        {
            return heartbeatIntervalNs;
        }

        /** @param heartbeatIntervalNs interval between heartbeats. @return this. */
        public Context heartbeatIntervalNs(final long heartbeatIntervalNs)
        {
            this.heartbeatIntervalNs = heartbeatIntervalNs;
            return this;
        }

        /** @return true when the caller drives the agent through {@link Worker#invoker()}. */
        public boolean useAgentInvoker()
        {
            return useAgentInvoker;
        }

        /** @param useAgentInvoker drive the agent from the caller's thread instead of its own. @return this. */
        public Context useAgentInvoker(final boolean useAgentInvoker)
        {
            this.useAgentInvoker = useAgentInvoker;
            return this;
        }

        /** @return where calls on other workers' vertices run: model, forward or borrow. */
        public String schedulerPolicy()
        {
            return schedulerPolicy;
        }

        /** @param schedulerPolicy model (the cost model), forward or borrow (fixed policies). @return this. */
        public Context schedulerPolicy(final String schedulerPolicy)
        {
            this.schedulerPolicy = schedulerPolicy;
            return this;
        }

        /** @return how long a borrowed vertex's lease lasts. */
        public long borrowLeaseNs()
        {
            return borrowLeaseNs;
        }

        /** @param borrowLeaseNs how long a borrowed vertex's lease lasts, at least 1 ms. @return this. */
        public Context borrowLeaseNs(final long borrowLeaseNs)
        {
            this.borrowLeaseNs = borrowLeaseNs;
            return this;
        }

        /** @return most vertices held borrowed at once. */
        public int borrowSlots()
        {
            return borrowSlots;
        }

        /** @param borrowSlots most vertices held borrowed at once. @return this. */
        public Context borrowSlots(final int borrowSlots)
        {
            this.borrowSlots = borrowSlots;
            return this;
        }

        /** @return creates the worker's extension, or null for a plain worker. */
        public WorkerExtension.Factory extension()
        {
            return extension;
        }

        /**
         * @param extension creates a layer's part of the worker (its own ownership, duty-cycle work and frames), run
         *                  on the worker's agent thread; null for a plain worker of a static fabric.
         * @return this.
         */
        public Context extension(final WorkerExtension.Factory extension)
        {
            this.extension = extension;
            return this;
        }

        /** @return class loader UDFs are loaded from. */
        public ClassLoader udfClassLoader()
        {
            return udfClassLoader;
        }

        /** @param udfClassLoader class loader UDFs are loaded from. @return this. */
        public Context udfClassLoader(final ClassLoader udfClassLoader)
        {
            this.udfClassLoader = udfClassLoader;
            return this;
        }
    }
}
