package io.shawarma.fabric.grid;

import io.shawarma.fabric.Configuration;

/**
 * The grid's property names and defaults (see {@link Configuration} for how properties are read). Every cluster
 * member, worker and client of one grid must agree on the host, port base and member count: the ports of member
 * {@code i} are {@code portBase + 10 * i + offset}.
 */
public final class GridConfiguration
{
    /** Host the cluster members listen on (one machine for now). */
    public static final String HOST_PROP = "shawarma.grid.host";
    public static final String HOST_DEFAULT = "127.0.0.1";

    /** First port of the cluster's port range; member i uses ten ports from {@code base + 10 * i}. */
    public static final String PORT_BASE_PROP = "shawarma.grid.port.base";
    public static final int PORT_BASE_DEFAULT = 20100;

    /** Number of cluster members: 1, or 3 to survive the loss of one. */
    public static final String MEMBERS_PROP = "shawarma.grid.members";
    public static final int MEMBERS_DEFAULT = 3;

    /**
     * How long a worker or client ({@code status}, {@code submit}, {@code worker --cluster}) waits for any cluster
     * member to answer before it stops with one line naming the addresses it tried; also the time each connect attempt
     * waits for a leader's answer while the cluster elects one.
     */
    public static final String CONNECT_TIMEOUT_MS_PROP = "shawarma.grid.connect.timeout.ms";
    public static final long CONNECT_TIMEOUT_MS_DEFAULT = 3000;

    /** This cluster member's id, in [0, members), for a member started on its own. */
    public static final String MEMBER_ID_PROP = "shawarma.grid.member.id";

    /** Directory the cluster members keep their log, snapshots and archive under (one subdirectory each). */
    public static final String DIR_PROP = "shawarma.grid.dir";
    public static final String DIR_DEFAULT = "shawarma-grid";

    /** A worker silent for longer is declared dead: its slots and tasks go to the others. */
    public static final String HEARTBEAT_TIMEOUT_MS_PROP = "shawarma.grid.heartbeat.timeout.ms";
    public static final long HEARTBEAT_TIMEOUT_MS_DEFAULT = 1000;

    /** Interval of a worker's heartbeats to the cluster. */
    public static final String HEARTBEAT_INTERVAL_MS_PROP = "shawarma.grid.heartbeat.interval.ms";
    public static final long HEARTBEAT_INTERVAL_MS_DEFAULT = 100;

    /** Number of hash slots placed on workers; fixed for the life of the cluster's data. */
    public static final String SLOTS_PROP = "shawarma.grid.slots";
    public static final int SLOTS_DEFAULT = 256;

    /**
     * Synchronous backups of every slot on other workers, 0 to 2: a write is acknowledged once each backup applied it,
     * and a dead owner's slots go to their backups with their data. Read by the cluster; workers learn it from their
     * view. Fewer live workers than {@code backups + 1} means fewer backups.
     */
    public static final String BACKUPS_PROP = "shawarma.grid.backups";
    public static final int BACKUPS_DEFAULT = 1;
    public static final int BACKUPS_MAX = 2;

    /**
     * The most backups in all ({@code backups * slots}): the backups view is one cluster message, at most an eighth of
     * a client's egress term.
     */
    static final int MAX_BACKUP_ENTRIES = 32768;

    /** Tasks one worker runs at once; a worker running this many is overloaded and gets no more. */
    public static final String MAX_TASKS_PER_WORKER_PROP = "shawarma.grid.max.tasks.per.worker";
    public static final int MAX_TASKS_PER_WORKER_DEFAULT = 4;

    /** Finished DAGs the cluster keeps for status queries. */
    public static final String MAX_FINISHED_DAGS_PROP = "shawarma.grid.max.finished.dags";
    public static final int MAX_FINISHED_DAGS_DEFAULT = 256;

    /** A worker holds each task's result this long before reporting it: simulated work, for demos and tests. */
    public static final String TASK_DELAY_MS_PROP = "shawarma.grid.task.delay.ms";

    /** How long a closing worker waits for its slots to move to the others (with their data) before it stops. */
    public static final String LEAVE_TIMEOUT_MS_PROP = "shawarma.grid.leave.timeout.ms";
    public static final long LEAVE_TIMEOUT_MS_DEFAULT = 5000;

    /**
     * Load points (a worker's load is the share of its time spent serving calls and running tasks, 0-100) by which the
     * most loaded worker may exceed the least loaded before slots move between them; 0 turns rebalancing on load off.
     */
    public static final String SKEW_THRESHOLD_PROP = "shawarma.grid.skew.threshold";
    public static final int SKEW_THRESHOLD_DEFAULT = 50;

    /** How long the load must stay skewed beyond the threshold before slots move. */
    public static final String SKEW_SUSTAIN_MS_PROP = "shawarma.grid.skew.sustain.ms";
    public static final long SKEW_SUSTAIN_MS_DEFAULT = 10_000;

    /** The least time between two rebalances on load. */
    public static final String SKEW_COOLDOWN_MS_PROP = "shawarma.grid.skew.cooldown.ms";
    public static final long SKEW_COOLDOWN_MS_DEFAULT = 30_000;

    /**
     * A mergeable UDF (e.g. {@code gcounter}) whose merge reconciles a vertex a restarted worker brings back with the
     * copy the slot's interim owner holds; unset, the interim owner's copy (the newer) wins.
     */
    public static final String MERGE_UDF_PROP = "shawarma.grid.merge.udf";

    static final int ARCHIVE_CONTROL_PORT_OFFSET = 1;
    static final int INGRESS_PORT_OFFSET = 2;
    static final int CONSENSUS_PORT_OFFSET = 3;
    static final int LOG_PORT_OFFSET = 4;
    static final int CATCHUP_PORT_OFFSET = 5;
    static final int LOG_CONTROL_PORT_OFFSET = 6;
    static final int PORTS_PER_MEMBER = 10;

    private GridConfiguration()
    {
    }

    static int port(final int portBase, final int memberId, final int offset)
    {
        return portBase + PORTS_PER_MEMBER * memberId + offset;
    }

    /**
     * @return the members' ingress endpoints in Aeron Cluster's form, {@code 0=host:port,1=host:port,...}.
     */
    static String ingressEndpoints(final String host, final int portBase, final int members)
    {
        final StringBuilder endpoints = new StringBuilder();
        for (int i = 0; i < members; i++)
        {
            endpoints.append(i == 0 ? "" : ",").append(i).append('=').append(host).append(':')
                .append(port(portBase, i, INGRESS_PORT_OFFSET));
        }
        return endpoints.toString();
    }

    /**
     * @return the cluster members in Aeron Cluster's form: id,ingress,consensus,log,catchup,archive per member.
     */
    static String clusterMembers(final String host, final int portBase, final int members)
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < members; i++)
        {
            out.append(i == 0 ? "" : "|").append(i);
            for (final int offset : new int[]{ INGRESS_PORT_OFFSET, CONSENSUS_PORT_OFFSET, LOG_PORT_OFFSET,
                CATCHUP_PORT_OFFSET, ARCHIVE_CONTROL_PORT_OFFSET })
            {
                out.append(',').append(host).append(':').append(port(portBase, i, offset));
            }
        }
        return out.toString();
    }
}
