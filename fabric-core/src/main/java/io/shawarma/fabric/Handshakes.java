package io.shawarma.fabric;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * The side that answers Hello, when the fabric has a shared secret ({@link SharedSecret}): opens a handshake for
 * each Hello (a fresh Challenge nonce, bound to the Aeron session the Hello came on, with a deadline), makes the
 * Challenge's proof, checks the caller's proof in Authenticate on that same session and binds the caller to it.
 * Callers not yet known are kept apart while they prove the secret, at most {@link #MAX_PENDING} at once, each
 * dropped at its deadline, so a flood of Hellos cannot grow memory.
 * <p>
 * Used by the fabric's workers and by the grid's data plane. Not thread safe: one per agent.
 *
 * @param <P> the participant's record of a peer.
 */
public final class Handshakes<P extends Handshake>
{
    /** Callers mid-handshake at most; a Hello beyond is refused (and counted by the participant). */
    public static final int MAX_PENDING = 64;

    /** The error text of an UNAUTHENTICATED answer to a call from a sender still mid-handshake. */
    public static final DirectBuffer NOT_AUTHENTICATED =
        new UnsafeBuffer("not authenticated: complete the Hello handshake".getBytes(StandardCharsets.US_ASCII));

    private final SharedSecret secret;
    private final int ownId;
    private final long timeoutNs;
    private final Int2ObjectHashMap<P> pending = new Int2ObjectHashMap<>();

    /**
     * @param secret    the fabric's shared secret; null when it does not authenticate (nothing is then pending).
     * @param ownId     the id of the participant that answers Hello.
     * @param timeoutNs a handshake not completed this long after its Hello is dropped.
     */
    public Handshakes(final SharedSecret secret, final int ownId, final long timeoutNs)
    {
        this.secret = secret;
        this.ownId = ownId;
        this.timeoutNs = timeoutNs;
    }

    /**
     * @return true when peers must prove the secret.
     */
    public boolean isAuthenticating()
    {
        return null != secret;
    }

    /**
     * @return the caller with this id that is proving the secret, or null.
     */
    public P pending(final int peerId)
    {
        return pending.get(peerId);
    }

    /**
     * @return true when {@link #MAX_PENDING} callers are proving the secret: another Hello is refused.
     */
    public boolean isFull()
    {
        return pending.size() >= MAX_PENDING;
    }

    /**
     * Keeps a caller apart until it proves the secret; check {@link #isFull()} first.
     */
    public void addPending(final P peer)
    {
        pending.put(peer.id, peer);
    }

    /**
     * @return true when the peer was pending (and no longer is).
     */
    public boolean removePending(final P peer)
    {
        return pending.remove(peer.id, peer);
    }

    /**
     * @return callers proving the secret now.
     */
    public int pendingCount()
    {
        return pending.size();
    }

    /**
     * Opens a handshake for a Hello. A new Hello replaces the open handshake (its Challenge no longer counts); the same
     * Hello repeated (same nonce, same session, while open) keeps it, so that an answer to any copy of its Challenge
     * completes it even when the round trip is slower than the caller's repeats.
     *
     * @param peer       who said Hello.
     * @param helloNonce the Hello's nonce.
     * @param sessionId  the Aeron session the Hello came on: its Authenticate must come on it too.
     * @param nowNs      now; the handshake expires a timeout later.
     */
    public void open(final P peer, final long helloNonce, final int sessionId, final long nowNs)
    {
        if (0 != peer.challengeNonce && peer.helloNonce == helloNonce && peer.challengeSessionId == sessionId)
        {
            return;
        }
        peer.openHandshake(helloNonce, secret.nonce(), sessionId, nowNs + timeoutNs);
    }

    /**
     * @return the nonce of the Challenge that answers the peer's open handshake; 0 when none is open.
     */
    public long challengeNonce(final P peer)
    {
        return peer.challengeNonce;
    }

    /**
     * Writes the proof of the Challenge that answers the peer's open handshake.
     */
    public void challengeProof(final P peer, final MutableDirectBuffer proof)
    {
        secret.workerProof(peer.id, ownId, peer.helloNonce, peer.challengeNonce, proof);
    }

    /**
     * Checks an Authenticate: the peer's handshake is open, the proof came on the session its Hello came on, and it
     * proves the secret for both nonces. Then the peer is authenticated on that session.
     *
     * @return true when the peer proved the secret.
     */
    public boolean prove(final P peer, final int sessionId, final DirectBuffer buffer, final int proofOffset)
    {
        if (null == secret || null == peer || 0 == peer.challengeNonce || peer.challengeSessionId != sessionId ||
            !secret.isCallerProof(peer.id, ownId, peer.helloNonce, peer.challengeNonce, buffer, proofOffset))
        {
            return false;
        }
        peer.authenticate(sessionId);
        return true;
    }

    /**
     * Drops the pending handshakes past their deadline.
     *
     * @param nowNs     now.
     * @param onExpired given each dropped peer (to release what it holds).
     * @return handshakes dropped.
     */
    public int expire(final long nowNs, final Consumer<P> onExpired)
    {
        int expired = 0;
        if (!pending.isEmpty())
        {
            final Iterator<P> peers = pending.values().iterator();
            while (peers.hasNext())
            {
                final P peer = peers.next();
                if (nowNs - peer.handshakeDeadlineNs > 0)
                {
                    peers.remove();
                    onExpired.accept(peer);
                    expired++;
                }
            }
        }
        return expired;
    }

    /**
     * Drops every pending handshake (on close).
     *
     * @param onDropped given each dropped peer (to release what it holds).
     */
    public void clear(final Consumer<P> onDropped)
    {
        pending.values().forEach(onDropped);
        pending.clear();
    }

    /**
     * @return true when the frame on {@code sessionId} comes from the peer, proven: or when there is no secret.
     */
    public boolean isAuthentic(final P peer, final int sessionId)
    {
        return null == secret || null != peer && peer.isAuthenticOn(sessionId);
    }
}
