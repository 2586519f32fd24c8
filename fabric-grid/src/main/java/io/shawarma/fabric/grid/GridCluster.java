package io.shawarma.fabric.grid;

import io.aeron.CommonContext;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.NanosecondClusterClock;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.messaging.IdleStrategies;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.NoOpLock;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.aeron.cluster.ConsensusModule.Configuration.ELECTION_TIMEOUT_PROP_NAME;
import static io.aeron.cluster.ConsensusModule.Configuration.LEADER_HEARTBEAT_INTERVAL_PROP_NAME;
import static io.aeron.cluster.ConsensusModule.Configuration.LEADER_HEARTBEAT_TIMEOUT_PROP_NAME;
import static io.aeron.cluster.ConsensusModule.Configuration.MAX_CONCURRENT_SESSIONS_PROP_NAME;
import static io.shawarma.fabric.Configuration.IDLE_DEFAULT;
import static io.shawarma.fabric.Configuration.IDLE_PROP;
import static io.shawarma.fabric.Configuration.SECRET_FILE_PROP;
import static io.shawarma.fabric.Configuration.check;
import static io.shawarma.fabric.Configuration.integer;
import static io.shawarma.fabric.Configuration.number;
import static io.shawarma.fabric.Configuration.string;
import static io.shawarma.fabric.grid.GridConfiguration.*;

/**
 * One member of the grid's Aeron Cluster: an embedded media driver, archive and consensus module
 * ({@link ClusteredMediaDriver}) and the {@link GridService} in a {@link ClusteredServiceContainer}, with its log,
 * snapshots and archive under {@code dir/member-N}. Restarted on the same directory, it recovers the grid's state
 * from its snapshot and log. Leader loss is detected in about a second (heartbeat timeout 1 s, interval 100 ms,
 * election timeout 250 ms): the defaults of ten seconds are too slow for a grid. Aeron's own properties
 * ({@code aeron.cluster.leader.heartbeat.timeout}, {@code aeron.cluster.leader.heartbeat.interval},
 * {@code aeron.cluster.election.timeout}), when set, win over these, e.g. for tighter failover on a quiet network.
 */
public final class GridCluster implements AutoCloseable
{
    private static final long LEADER_HEARTBEAT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final long LEADER_HEARTBEAT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long ELECTION_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long STARTUP_CANVASS_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    /**
     * Every worker, client and status probe holds a session, and a worker that reconnects holds two until the old
     * one times out: Aeron's default of 10 refused worker reconnects in a grid of a handful of workers.
     */
    private static final int MAX_SESSIONS = 1_024;

    private final Context context;
    private final ClusteredMediaDriver driver;
    private final ClusteredServiceContainer container;

    private GridCluster(final Context context)
    {
        this.context = context;
        final int id = context.memberId;
        final String host = context.host;
        final File memberDir = new File(context.dir, "member-" + id);
        final File clusterDir = new File(memberDir, "cluster");
        final File archiveDir = new File(memberDir, "archive");
        // Under aeron.dir's base (a launcher that sets it for its children can remove them all, even after kill -9).
        final String aeronDir = CommonContext.getAeronDirectoryName() + "-shawarma-grid-" + id + "-" +
            ProcessHandle.current().pid() + "-" + System.nanoTime();
        final ErrorHandler errors = context.errorHandler;

        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(IdleStrategies.of(context.idleStrategy))
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errors);

        final String replicationChannel = "aeron:udp?endpoint=" + host + ":0";
        final Archive.Context archiveContext = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(archiveDir)
            .archiveId(id)
            .controlChannel(archiveControlChannel(context, host, id))
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel(replicationChannel)
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel(replicationChannel))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(() -> IdleStrategies.of(context.idleStrategy))
            .errorHandler(errors);

        final AeronArchive.Context localArchive = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archiveContext.localControlChannel())
            .controlRequestStreamId(archiveContext.localControlStreamId())
            .controlResponseChannel(archiveContext.localControlChannel())
            .aeronDirectoryName(aeronDir);

        final ConsensusModule.Context consensusContext = new ConsensusModule.Context()
            .clusterMemberId(id)
            .clusterMembers(clusterMembers(host, context.portBase, context.members))
            .clusterDir(clusterDir)
            .aeronDirectoryName(aeronDir)
            .archiveContext(localArchive.clone())
            .ingressChannel("aeron:udp?term-length=4m")
            .isIpcIngressAllowed(true)
            .consensusChannel("aeron:udp?term-length=64k")
            .logChannel(logChannel(context, host, id))
            .replicationChannel(replicationChannel)
            .leaderHeartbeatTimeoutNs(aeronOrGrid(LEADER_HEARTBEAT_TIMEOUT_PROP_NAME, LEADER_HEARTBEAT_TIMEOUT_NS))
            .leaderHeartbeatIntervalNs(aeronOrGrid(LEADER_HEARTBEAT_INTERVAL_PROP_NAME, LEADER_HEARTBEAT_INTERVAL_NS))
            .electionTimeoutNs(aeronOrGrid(ELECTION_TIMEOUT_PROP_NAME, ELECTION_TIMEOUT_NS))
            .startupCanvassTimeoutNs(STARTUP_CANVASS_TIMEOUT_NS)
            .maxConcurrentSessions(Integer.getInteger(MAX_CONCURRENT_SESSIONS_PROP_NAME, MAX_SESSIONS))
            .clusterClock(new NanosecondClusterClock())
            .idleStrategySupplier(() -> IdleStrategies.of(context.idleStrategy))
            .errorHandler(errors);

        final UdfRegistry udfs = UdfRegistry.load(context.udfClassLoader);
        final List<String> udfNames = udfs.names();
        final ClusteredServiceContainer.Context serviceContext = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(localArchive.clone())
            .clusterDir(clusterDir)
            .clusteredService(gridService(context, udfNames))
            .idleStrategySupplier(() -> IdleStrategies.of(context.idleStrategy))
            .errorHandler(errors);

        ClusteredMediaDriver driver = null;
        try
        {
            final String secretFile = string(SECRET_FILE_PROP, null);
            if (null != secretFile)
            {
                consensusContext.authenticatorSupplier(ClusterAuthentication.authenticators(Path.of(secretFile)));
            }
            MemberMarkFiles.reclaim(memberDir, clusterDir, archiveDir);
            driver = ClusteredMediaDriver.launch(driverContext, archiveContext, consensusContext);
            container = ClusteredServiceContainer.launch(serviceContext);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
        this.driver = driver;
    }

    /**
     * Starts a member.
     *
     * @param context its settings; concluded here.
     * @return the running member.
     */
    public static GridCluster launch(final Context context)
    {
        return new GridCluster(context.conclude());
    }

    /** @return the concluded settings. */
    public Context context()
    {
        return context;
    }

    /**
     * Asks this member's consensus module to take a snapshot of the cluster (all members snapshot at the same log
     * position), as Aeron's ClusterTool does.
     *
     * @return true when the request was accepted (no other control action was pending).
     */
    public boolean takeSnapshot()
    {
        return ClusterControl.ToggleState.SNAPSHOT.toggle(driver.consensusModule().context().controlToggleCounter());
    }

    /** @return snapshots this member has taken since start. */
    public long snapshotCount()
    {
        return driver.consensusModule().context().snapshotCounter().get();
    }

    /**
     * Stops the service, consensus module, archive and driver; the member's directory is kept.
     */
    public void close()
    {
        CloseHelper.closeAll(container, driver);
    }

    /**
     * A cluster member's settings, each defaulted from its property (see {@link GridConfiguration}).
     */
    public static final class Context
    {
        private int memberId = integer(MEMBER_ID_PROP, 0);
        private int members = integer(MEMBERS_PROP, MEMBERS_DEFAULT);
        private String host = string(HOST_PROP, HOST_DEFAULT);
        private int portBase = integer(PORT_BASE_PROP, PORT_BASE_DEFAULT);
        private String dir = string(DIR_PROP, DIR_DEFAULT);
        private long heartbeatTimeoutNs = TimeUnit.MILLISECONDS.toNanos(
            number(HEARTBEAT_TIMEOUT_MS_PROP, HEARTBEAT_TIMEOUT_MS_DEFAULT));
        private int slots = integer(SLOTS_PROP, SLOTS_DEFAULT);
        private int backups = integer(BACKUPS_PROP, BACKUPS_DEFAULT);
        private int maxTasksPerWorker = integer(MAX_TASKS_PER_WORKER_PROP, MAX_TASKS_PER_WORKER_DEFAULT);
        private int maxFinishedDags = integer(MAX_FINISHED_DAGS_PROP, MAX_FINISHED_DAGS_DEFAULT);
        private int skewThreshold = integer(SKEW_THRESHOLD_PROP, SKEW_THRESHOLD_DEFAULT);
        private long skewSustainNs = TimeUnit.MILLISECONDS.toNanos(
            number(SKEW_SUSTAIN_MS_PROP, SKEW_SUSTAIN_MS_DEFAULT));
        private long skewCooldownNs = TimeUnit.MILLISECONDS.toNanos(
            number(SKEW_COOLDOWN_MS_PROP, SKEW_COOLDOWN_MS_DEFAULT));
        private String idleStrategy = string(IDLE_PROP, IDLE_DEFAULT);
        private ClassLoader udfClassLoader = Thread.currentThread().getContextClassLoader();
        private ErrorHandler errorHandler = Throwable::printStackTrace;

        /**
         * Validates the settings.
         *
         * @return this.
         * @throws IllegalArgumentException naming the property and the bad value.
         */
        public Context conclude()
        {
            check(members == 1 || members == 3 || members == 5, MEMBERS_PROP, members, "1, 3 or 5");
            check(memberId >= 0 && memberId < members, MEMBER_ID_PROP, memberId,
                "in [0, " + members + ")");
            check(portBase > 0 && portBase + PORTS_PER_MEMBER * members < 65536, PORT_BASE_PROP, portBase,
                "a port with room for " + PORTS_PER_MEMBER + " ports per member below 65536");
            check(heartbeatTimeoutNs > 0, HEARTBEAT_TIMEOUT_MS_PROP, heartbeatTimeoutNs / 1_000_000, "positive");
            check(slots > 0 && slots <= 65536, SLOTS_PROP, slots, "in [1, 65536]");
            check(backups >= 0 && backups <= BACKUPS_MAX, BACKUPS_PROP, backups, "in [0, " + BACKUPS_MAX + "]");
            check((long)backups * slots <= MAX_BACKUP_ENTRIES, BACKUPS_PROP, backups, "at most " +
                MAX_BACKUP_ENTRIES + " backups in all with " + SLOTS_PROP + "=" + slots + " (the backups view is one " +
                "message): lower one of them");
            check(maxTasksPerWorker > 0, MAX_TASKS_PER_WORKER_PROP, maxTasksPerWorker, "positive");
            check(maxFinishedDags > 0, MAX_FINISHED_DAGS_PROP, maxFinishedDags, "positive");
            check(skewThreshold >= 0 && skewThreshold < 100, SKEW_THRESHOLD_PROP, skewThreshold,
                "load points in [0, 100), 0 for off");
            check(skewSustainNs >= 0, SKEW_SUSTAIN_MS_PROP, skewSustainNs / 1_000_000, "not negative");
            check(skewCooldownNs >= 0, SKEW_COOLDOWN_MS_PROP, skewCooldownNs / 1_000_000, "not negative");
            IdleStrategies.of(idleStrategy);
            return this;
        }

        /** @param memberId this member's id in [0, members). @return this. */
        public Context memberId(final int memberId)
        {
            this.memberId = memberId;
            return this;
        }

        /** @return this member's id. */
        public int memberId()
        {
            return memberId;
        }

        /** @param members number of members: 1, 3 or 5. @return this. */
        public Context members(final int members)
        {
            this.members = members;
            return this;
        }

        /** @param host the members listen on. @return this. */
        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        /** @param portBase first port of the cluster's range. @return this. */
        public Context portBase(final int portBase)
        {
            this.portBase = portBase;
            return this;
        }

        /** @param dir directory for the members' data. @return this. */
        public Context dir(final String dir)
        {
            this.dir = dir;
            return this;
        }

        /** @return directory for the members' data. */
        public String dir()
        {
            return dir;
        }

        /** @param heartbeatTimeoutNs a worker silent this long is declared dead. @return this. */
        public Context heartbeatTimeoutNs(final long heartbeatTimeoutNs)
        {
            this.heartbeatTimeoutNs = heartbeatTimeoutNs;
            return this;
        }

        /** @param slots hash slots placed on workers, fixed for the life of the grid's data. @return this. */
        public Context slots(final int slots)
        {
            this.slots = slots;
            return this;
        }

        /** @param backups synchronous backups per slot, in [0, 2]. @return this. */
        public Context backups(final int backups)
        {
            this.backups = backups;
            return this;
        }

        /** @return synchronous backups per slot. */
        public int backups()
        {
            return backups;
        }

        /** @param maxTasksPerWorker tasks one worker runs at once. @return this. */
        public Context maxTasksPerWorker(final int maxTasksPerWorker)
        {
            this.maxTasksPerWorker = maxTasksPerWorker;
            return this;
        }

        /**
         * @param threshold load points the most loaded worker may exceed the least loaded by; 0 for no rebalancing
         *                  on load.
         * @param sustainNs how long the skew must last before slots move.
         * @param cooldownNs the least time between two rebalances on load.
         * @return this.
         */
        public Context loadSkew(final int threshold, final long sustainNs, final long cooldownNs)
        {
            this.skewThreshold = threshold;
            this.skewSustainNs = sustainNs;
            this.skewCooldownNs = cooldownNs;
            return this;
        }

        /** @param idleStrategy of the member's threads (see IdleStrategies). @return this. */
        public Context idleStrategy(final String idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /** @param errorHandler for errors of the member's components. @return this. */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }
    }

    /**
     * @return the Aeron property's duration when it is set (with Aeron's suffixes: 500ms, 1s), else the grid's default.
     */
    private static long aeronOrGrid(final String aeronProperty, final long gridDefaultNs)
    {
        return SystemUtil.getDurationInNanos(aeronProperty, gridDefaultNs);
    }

    private static String logChannel(final Context context, final String host, final int id)
    {
        return "aeron:udp?term-length=4m|control-mode=manual|control=" + host + ":" +
            port(context.portBase, id, LOG_CONTROL_PORT_OFFSET);
    }

    private static GridService gridService(final Context context, final List<String> udfNames)
    {
        return new GridService(context.slots, context.heartbeatTimeoutNs, context.maxTasksPerWorker,
            context.maxFinishedDags, udfNames::contains,
            new LoadSkew(context.skewThreshold, context.skewSustainNs, context.skewCooldownNs), context.backups);
    }

    private static String archiveControlChannel(final Context context, final String host, final int id)
    {
        return "aeron:udp?endpoint=" + host + ":" + port(context.portBase, id, ARCHIVE_CONTROL_PORT_OFFSET);
    }
}
