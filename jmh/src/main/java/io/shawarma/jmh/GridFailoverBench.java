package io.shawarma.jmh;

import io.aeron.cluster.ConsensusModule;
import io.shawarma.fabric.grid.GridClient;
import io.shawarma.fabric.grid.GridListener;
import io.shawarma.messaging.Transport;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.shawarma.jmh.GridRig.require;

/**
 * Leader failover of a three-member cluster with tuned Aeron Cluster timeouts: the leader killed with kill -9, and
 * the time from the kill until a ping (the cluster's echo) sent after it is answered, by the new leader. A fresh
 * cluster for every kill (a restarted member must catch up before it can vote again); no workers.
 * <p>
 * A follower notices the leader's loss after {@code aeron.cluster.leader.heartbeat.timeout}; the canvass for a new one
 * then lasts {@code aeron.cluster.election.timeout} (not every member answers), the nomination waits a random part of
 * half of it, and the vote, the new leader's log replay and its NewLeader event to the client follow.
 */
final class GridFailoverBench
{
    /** The tuned timeouts, as Aeron's own properties (GridCluster lets them win over its defaults). */
    static final Map<String, String> TIMEOUTS = Map.of(
        ConsensusModule.Configuration.LEADER_HEARTBEAT_TIMEOUT_PROP_NAME, "500ms",
        ConsensusModule.Configuration.LEADER_HEARTBEAT_INTERVAL_PROP_NAME, "50ms",
        ConsensusModule.Configuration.ELECTION_TIMEOUT_PROP_NAME, "100ms",
        ConsensusModule.Configuration.ELECTION_STATUS_INTERVAL_PROP_NAME, "20ms");

    private static final int MEMBERS = 3;
    private static final int WARMUP_PINGS = 200;
    private static final long PING_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final GridBenchmark.Options options;
    private final List<Result> results;
    private final Map<String, String> config;
    private final Histogram failover = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final Pings pings = new Pings();

    GridFailoverBench(final GridBenchmark.Options options, final List<Result> results, final Map<String, String> config)
    {
        this.options = options;
        this.results = results;
        this.config = config;
    }

    void run(final Transport transport)
    {
        final int kills = options.quick ? 2 : 5;
        final StringBuilder each = new StringBuilder();
        for (int round = 1; round <= kills; round++)
        {
            System.out.println("bench grid: leader failover, kill " + round + " of " + kills);
            try (GridRig rig = new GridRig("grid-failover", transport, MEMBERS, options.idle, TIMEOUTS))
            {
                final long failoverNs = killLeader(rig.start(0));
                failover.recordValue(failoverNs);
                each.append(each.length() == 0 ? "" : ", ").append(String.format("%.0f ms", failoverNs / 1e6));
            }
        }
        results.add(Result.latency("grid_leader_failover", failover));
        config.put("failover", "3 members, idle " + options.idle + ", a fresh cluster per kill (kill -9 of the " +
            "leader), until a ping sent after the kill is echoed; Aeron Cluster timeouts " + TIMEOUTS + "; " + each);
    }

    /** @return from the leader's kill until a ping sent after it came back. */
    private long killLeader(final GridRig rig)
    {
        try (GridClient client = rig.connect(pings))
        {
            for (int i = 0; i < WARMUP_PINGS; i++)
            {
                require(awaitPing(client, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)) > 0, "echo");
            }
            final int leader = client.leaderMemberId();
            final long killNs = System.nanoTime();
            rig.killMember(leader);
            final long answeredNs = awaitPing(client, killNs + GridRig.TIMEOUT_NS);
            require(answeredNs > 0, "a ping answered after the leader's kill");
            require(client.leaderMemberId() != leader, "a new leader");
            return answeredNs - killNs;
        }
    }

    /**
     * Sends pings, a new one every few milliseconds, until one sent now or later comes back.
     *
     * @return when it came back, or 0 at the deadline.
     */
    private long awaitPing(final GridClient client, final long deadlineNs)
    {
        final long sinceNs = System.nanoTime();
        pings.answeredSince = sinceNs;
        pings.answeredAtNs = 0;
        long nextPingNs = sinceNs;
        while (0 == pings.answeredAtNs && System.nanoTime() - deadlineNs < 0)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - nextPingNs >= 0)
            {
                // Refused while no leader takes ingress: the next one goes out a moment later.
                client.ping(nowNs);
                nextPingNs = nowNs + PING_INTERVAL_NS;
            }
            if (0 == client.poll())
            {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
            }
        }
        return pings.answeredAtNs;
    }

    /** Notes the first ping back that was sent after a moment. */
    private static final class Pings implements GridListener
    {
        long answeredSince;
        long answeredAtNs;

        public void onPing(final long timestampNs)
        {
            if (0 == answeredAtNs && timestampNs - answeredSince >= 0)
            {
                answeredAtNs = System.nanoTime();
            }
        }
    }
}
