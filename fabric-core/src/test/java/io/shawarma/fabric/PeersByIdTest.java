package io.shawarma.fabric;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeersByIdTest
{
    @Test
    void shouldHoldWorkerAndClientIdsAlike()
    {
        final PeersById<String> peers = new PeersById<>();
        final int client = Configuration.MAX_WORKER_ID + 4_242;
        peers.put(3, "worker 3");
        peers.put(40_000, "worker 40000");
        peers.put(client, "client");

        assertEquals("worker 3", peers.get(3));
        assertEquals("worker 40000", peers.get(40_000), "grown to hold it");
        assertEquals("client", peers.get(client));
        assertNull(peers.get(4));
        assertNull(peers.get(60_000), "inside the array's range, beyond its length");
        assertNull(peers.get(-1));
        assertFalse(peers.containsKey(client + 1));

        peers.remove(3);
        peers.remove(client);
        assertFalse(peers.containsKey(3));
        assertFalse(peers.containsKey(client));
        assertTrue(peers.containsKey(40_000));
    }

    @Test
    void shouldVisitEveryPeer()
    {
        final PeersById<String> peers = new PeersById<>();
        peers.put(1, "a");
        peers.put(Configuration.MAX_WORKER_ID, "b");
        final List<String> seen = new ArrayList<>();
        peers.forEach(seen::add);
        assertEquals(List.of("a", "b"), seen);
    }
}
