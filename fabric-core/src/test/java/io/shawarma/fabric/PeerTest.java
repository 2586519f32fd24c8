package io.shawarma.fabric;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a worker sends a peer its Hello again: a Hello frame lost on the way (the peer's image not yet up, a frame
 * dropped) must not leave the peer refusing our calls for ever.
 */
class PeerTest
{
    private static final long RETRY_NS = 1_000_000_000L;

    @Test
    void shouldSendTheFirstHelloAtOnceAndAgainWhenItsOfferFailed()
    {
        final Peer peer = new Peer(2, true, "aeron:ipc", 1001, null);
        assertTrue(peer.isHelloDue(0, RETRY_NS));

        peer.helloSent(10, false);
        assertTrue(peer.isHelloDue(11, RETRY_NS), "an offer that failed is tried at once");
    }

    @Test
    void shouldResendAnUnansweredHelloWithASecretAfterTheRetryPeriod()
    {
        final Peer peer = new Peer(2, true, "aeron:ipc", 1001, null);
        peer.ownHelloNonce = 42;
        peer.helloSent(100, true);

        assertFalse(peer.isHelloDue(100 + RETRY_NS, RETRY_NS), "still within the retry period");
        assertTrue(peer.isHelloDue(101 + RETRY_NS, RETRY_NS), "no welcome: the Hello was lost");

        peer.welcomed = true;
        assertFalse(peer.isHelloDue(100 + 10 * RETRY_NS, RETRY_NS), "welcomed: nothing to resend");
    }

    @Test
    void shouldNotResendAHelloWithoutASecretNorToAClient()
    {
        final Peer worker = new Peer(2, true, "aeron:ipc", 1001, null);
        worker.helloSent(0, true);
        assertFalse(worker.isHelloDue(10 * RETRY_NS, RETRY_NS), "no secret: no welcome to wait for");

        final Peer client = new Peer(3, false, "aeron:ipc", 1002, null);
        assertFalse(client.isHelloDue(0, RETRY_NS));
    }
}
