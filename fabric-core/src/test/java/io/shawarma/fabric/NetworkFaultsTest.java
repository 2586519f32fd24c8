package io.shawarma.fabric;

import io.shawarma.fabric.ImpairedUdpRelay.Impairment;
import io.shawarma.fabric.process.LoopbackPorts;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two workers and a client over loopback UDP where every worker-bound datagram (calls, forwarded calls, relayed
 * results, Aeron's status messages and NAKs) crosses a relay that loses 5 %, duplicates 2 % and delays and reorders
 * them. Each call adds 1 to its own fresh counter, so the checker can tell, per call, that it completed with the
 * right result or ended in TIMEOUT, and that nothing was applied twice. A short partition of one worker makes calls
 * time out for certain; healing it lets their retransmitted datagrams through, so they may run late, but once.
 */
class NetworkFaultsTest
{
    private static final int CALLS = 200;
    private static final int PARTITION_CALLS = 3;
    private static final long CALL_TIMEOUT_NS = 1_000_000_000L;
    private static final Impairment PARTITIONED = new Impairment(1, 0, 0, 0);
    private static final Impairment LOSSY = new Impairment(
        0.05, 0.02, TimeUnit.MICROSECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(2));

    @Test
    void shouldCompleteOrTimeOutAndApplyNothingTwiceUnderLossDuplicationReorderingAndPartition()
    {
        final List<ImpairedUdpRelay> relays = new ArrayList<>();
        final List<Worker> workers = new ArrayList<>();
        try
        {
            final int[] ports = {LoopbackPorts.freeUdpPort(), LoopbackPorts.freeUdpPort()};
            final StringBuilder members = new StringBuilder();
            for (int i = 0; i < ports.length; i++)
            {
                final ImpairedUdpRelay relay = new ImpairedUdpRelay(
                    new InetSocketAddress("127.0.0.1", ports[i]), LOSSY, 42 + i);
                relays.add(relay);
                members.append(i == 0 ? "" : ",").append(i + 1).append("@aeron:udp?endpoint=127.0.0.1:")
                    .append(relay.port());
            }
            for (int i = 0; i < ports.length; i++)
            {
                workers.add(Worker.launch(new Worker.Context().workerId(i + 1).fabric(members.toString())
                    .channel("aeron:udp?endpoint=127.0.0.1:" + ports[i]).idleStrategy(TestFabric.IDLE)
                    .storeEntries(10_000).callTimeoutNs(CALL_TIMEOUT_NS).heartbeatIntervalNs(100_000_000L)));
            }
            try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(members.toString())
                .idleStrategy(TestFabric.IDLE).callTimeoutNs(CALL_TIMEOUT_NS)))
            {
                final OneShotCounters counters = new OneShotCounters(
                    new Placement(FabricMembers.parse(members.toString(), "members"), 1), CALLS, PARTITION_CALLS, 2);
                counters.create(client);
                counters.callOverLossyNetwork(client);
                // Worker 2 cut off: its calls cannot complete in time (or at all, if the link stayed down).
                relays.get(1).impairment(PARTITIONED);
                counters.callAcrossPartition(client);
                for (final ImpairedUdpRelay relay : relays)
                {
                    relay.impairment(Impairment.NONE);
                }
                System.out.println("network faults: " + counters.check(client));
                assertTrue(relays.get(0).dropped.get() + relays.get(1).dropped.get() > 0, "the relays lost packets");
                assertTrue(relays.get(0).duplicated.get() + relays.get(1).duplicated.get() > 0, "and duplicated some");
                for (final ImpairedUdpRelay relay : relays)
                {
                    System.out.printf("relay %d: forwarded %d, dropped %d, duplicated %d datagrams%n",
                        relay.port(), relay.forwarded.get(), relay.dropped.get(), relay.duplicated.get());
                }
            }
        }
        finally
        {
            CloseHelper.closeAll(workers);
            CloseHelper.closeAll(relays);
        }
    }
}
