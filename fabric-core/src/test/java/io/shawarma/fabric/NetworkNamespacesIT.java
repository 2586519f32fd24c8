package io.shawarma.fabric;

import io.shawarma.fabric.ImpairedUdpRelay.Impairment;
import io.shawarma.fabric.process.ChildJvm;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two worker JVMs, each in a network namespace of its own, and a client in this JVM, over UDP on veth pairs
 * ({@link NetworkNamespaces}). The kernel loses 5 % of the UDP datagrams into each namespace (nftables {@code numgen
 * random}: this kernel has no sch_netem, so no tc netem); an {@link ImpairedUdpRelay} in front of each worker adds
 * what nftables cannot: delay, reordering (jitter) and 2 % duplication. Then nftables cuts worker 2 off for a
 * partition. Each call must complete with the right result or end in TIMEOUT, and nothing may be applied twice
 * ({@link OneShotCounters}). Needs root, {@code ip netns} and {@code nft} (CI has them); skips with the reason
 * otherwise.
 */
class NetworkNamespacesIT
{
    private static final int WORKERS = 2;
    private static final int WORKER_PORT = 40_123;
    /** Loss per datagram; {@code -Dshawarma.test.loss.percent=N} tries another rate. */
    private static final int LOSS_PERCENT = Integer.getInteger(TestProperties.LOSS_PERCENT_PROP, 5);
    private static final int CALLS = 200;
    private static final int PARTITION_CALLS = 3;
    private static final long CALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final Impairment DELAYED = new Impairment(
        0, 0.02, TimeUnit.MICROSECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(2));

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldCompleteOrTimeOutAndApplyNothingTwiceAcrossNamespacesWithKernelLoss()
    {
        final String unavailable = NetworkNamespaces.unavailableReason();
        assumeTrue(null == unavailable, unavailable);

        final List<ImpairedUdpRelay> relays = new ArrayList<>();
        final List<ChildJvm> workers = new ArrayList<>();
        final String dirs = "/dev/shm/shawarma-netns-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NetworkNamespaces network = new NetworkNamespaces(WORKERS))
        {
            try
            {
                final StringBuilder members = new StringBuilder();
                for (int id = 1; id <= WORKERS; id++)
                {
                    final ImpairedUdpRelay relay = new ImpairedUdpRelay(network.rootAddress(),
                        new InetSocketAddress(network.hostAddress(id), WORKER_PORT), DELAYED, 42 + id);
                    relays.add(relay);
                    members.append(id == 1 ? "" : ",").append(id).append("@aeron:udp?endpoint=")
                        .append(network.rootAddress().getHostAddress()).append(':').append(relay.port());
                }
                network.loseUdp(LOSS_PERCENT);
                for (int id = 1; id <= WORKERS; id++)
                {
                    workers.add(startWorker(network, id, members.toString(), dirs));
                }
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                for (final ChildJvm worker : workers)
                {
                    worker.awaitReady(deadlineNs);
                }
                exercise(network, relays, members.toString());
            }
            catch (final AssertionError | RuntimeException ex)
            {
                for (final ChildJvm worker : workers)
                {
                    System.out.print(worker.lastLines());
                }
                throw ex;
            }
            finally
            {
                CloseHelper.closeAll(workers);
                CloseHelper.closeAll(relays);
                removeDirectories(dirs);
            }
        }
    }

    private static void exercise(
        final NetworkNamespaces network, final List<ImpairedUdpRelay> relays, final String members)
    {
        try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(members)
            .channel("aeron:udp?endpoint=" + network.rootAddress().getHostAddress() + ":0")
            .idleStrategy(TestFabric.IDLE).callTimeoutNs(CALL_TIMEOUT_NS)))
        {
            final OneShotCounters counters = new OneShotCounters(
                new Placement(FabricMembers.parse(members, "members"), 1), CALLS, PARTITION_CALLS, 2);
            counters.create(client);
            counters.callOverLossyNetwork(client);
            network.partition(2);
            counters.callAcrossPartition(client);
            network.heal(2);
            final long lost = network.datagramsLost();
            System.out.println("network namespaces, " + LOSS_PERCENT + " % kernel loss: " + counters.check(client) +
                "; nftables dropped " + lost + " datagrams at random");
            assertTrue(lost > 0, "the kernel lost datagrams");
            long duplicated = 0;
            for (final ImpairedUdpRelay relay : relays)
            {
                duplicated += relay.duplicated.get();
                System.out.printf("relay %d: forwarded %d, duplicated %d datagrams%n",
                    relay.port(), relay.forwarded.get(), relay.duplicated.get());
            }
            assertTrue(duplicated > 0, "the relays duplicated datagrams");
        }
    }

    private static ChildJvm startWorker(
        final NetworkNamespaces network, final int id, final String members, final String dirs)
    {
        final Map<String, String> properties = new LinkedHashMap<>();
        properties.put(Configuration.WORKER_ID_PROP, Integer.toString(id));
        properties.put(Configuration.FABRIC_PROP, members);
        properties.put(Configuration.CHANNEL_PROP, "aeron:udp?endpoint=" + network.hostAddress(id) + ":" + WORKER_PORT);
        properties.put(Configuration.IDLE_PROP, TestFabric.IDLE);
        properties.put(Configuration.STORE_ENTRIES_PROP, "10000");
        properties.put(Configuration.TERM_LENGTH_PROP, Integer.toString(1 << 20));
        properties.put(Configuration.CALL_TIMEOUT_MS_PROP,
            Long.toString(TimeUnit.NANOSECONDS.toMillis(CALL_TIMEOUT_NS)));
        properties.put(Configuration.PEER_HEARTBEAT_INTERVAL_MS_PROP, "100");
        properties.put(Configuration.AERON_DIR_PROP, dirs + "-aeron");
        properties.put(Configuration.WORKER_DIR_PROP, dirs + "-worker-" + id);
        return new ChildJvm(network.launcher(id), "worker " + id, WorkerMain.class.getName(), properties, List.of(),
            "shawarma worker " + id + " ready", null);
    }

    /**
     * Removes what a killed worker could not: its counters directory and its media driver's directory.
     */
    private static void removeDirectories(final String prefix)
    {
        final File base = new File(prefix);
        final File[] found = base.getParentFile().listFiles((dir, name) -> name.startsWith(base.getName()));
        if (null != found)
        {
            for (final File dir : found)
            {
                IoUtil.delete(dir, true);
            }
        }
    }
}
