package io.shawarma.fabric;

import io.aeron.Aeron;
import io.shawarma.codecs.Role;
import io.shawarma.messaging.FabricHandler;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.udf.Status;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A worker's peers: the fabric's other workers (from configuration) and its clients (from their Hello), with the
 * publication that reaches each. Runs the Hello handshake (with a shared secret: Challenge, Authenticate, welcome)
 * in both directions, keeps workers alive with heartbeats, and decides whether a frame's sender may be answered.
 * Worker peers come from configuration or, in a layer whose membership changes (the grid), from
 * {@link #workerPeers(FabricMembers)} at run time.
 */
final class PeerSessions
{
    private final int workerId;
    private final int streamBase;
    private final int streamId;
    private final long heartbeatIntervalNs;
    private final long helloRetryNs;
    private final Aeron aeron;
    private final FabricProxy proxy;
    private final Ownership placement;
    private final WorkerCounters counters;
    private final Replies replies;
    private final SharedSecret secret;
    private final PeersById<Peer> peerById = new PeersById<>();
    private final List<Peer> peers = new ArrayList<>();
    // Clients mid-handshake (only with a shared secret): they join peerById once they prove the secret.
    private final Handshakes<Peer> handshakes;
    private final Consumer<Peer> onHandshakeExpired = this::dropPeer;
    private final UnsafeBuffer proof = new UnsafeBuffer(new byte[FabricHandler.PROOF_LENGTH]);
    private int helloAnswersPending;
    private long nextHeartbeatNs;
    private String servedChannel;
    // A worker peer has not been sent its Hello yet (not connected, or our channel not bound yet).
    private boolean hellosOwed = true;

    PeerSessions(
        final Worker.Context context, final Aeron aeron, final FabricProxy proxy, final Ownership placement,
        final WorkerCounters counters, final Replies replies)
    {
        this.workerId = context.workerId();
        this.streamBase = context.streamBase();
        this.streamId = streamBase + workerId;
        this.heartbeatIntervalNs = context.heartbeatIntervalNs();
        this.helloRetryNs = Math.max(1_000_000_000L, 4 * heartbeatIntervalNs);
        this.aeron = aeron;
        this.proxy = proxy;
        this.placement = placement;
        this.counters = counters;
        this.replies = replies;
        this.secret = context.secret();
        this.handshakes = new Handshakes<>(secret, workerId, context.callTimeoutNs());

        workerPeers(context.members());
    }

    /**
     * @param servedChannel where this worker serves calls, its port resolved: named in its Hellos to worker peers.
     */
    void servedChannel(final String servedChannel)
    {
        this.servedChannel = servedChannel;
    }

    /**
     * Adds worker peers, or moves known ones to a new channel; peers not listed stay. A worker that said Hello before
     * it was listed keeps what it proved on its session.
     */
    void workerPeers(final FabricMembers members)
    {
        for (int i = 0; i < members.size(); i++)
        {
            final int peerId = members.idAt(i);
            final String peerChannel = members.channelAt(i);
            final Peer known = peerById.get(peerId);
            if (peerId == workerId || null != known && known.isWorker && known.channel.equals(peerChannel))
            {
                continue;
            }
            final int peerStreamId = streamBase + peerId;
            final Peer peer = new Peer(peerId, true, peerChannel, peerStreamId,
                aeron.addExclusivePublication(peerChannel, peerStreamId));
            if (null != known)
            {
                if (!known.isWorker && known.authenticated)
                {
                    peer.authenticate(known.sessionId);
                }
                removePeer(known);
            }
            addPeer(peer);
        }
    }

    /**
     * @return the peer with this id, or null.
     */
    Peer peer(final int peerId)
    {
        return peerById.get(peerId);
    }

    /**
     * @return true when every worker peer's publication is connected (and, with a secret, the peer welcomed us).
     */
    boolean isFabricConnected()
    {
        for (int i = 0; i < peers.size(); i++)
        {
            final Peer peer = peers.get(i);
            if (peer.isWorker && !isReachable(peer))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return true when the peer takes our calls now.
     */
    boolean isReachable(final Peer peer)
    {
        return peer.isConnected() && (null == secret || peer.welcomed);
    }

    void onHello(
        final int senderId, final long correlationId, final int replyStreamId, final long nonce,
        final DirectBuffer buffer, final int channelOffset, final int channelLength, final int sessionId,
        final long nowNs)
    {
        counters.hellos.incrementRelease();
        Peer peer = peerById.get(senderId);
        if (null != secret && !isAuthentic(peer, sessionId))
        {
            peer = handshakePeer(peer, senderId, replyStreamId, buffer, channelOffset, channelLength);
            if (null == peer)
            {
                return;
            }
            handshakes.open(peer, nonce, sessionId, nowNs);
        }
        else if (null == peer || !peer.isWorker)
        {
            final String replyChannel = buffer.getStringWithoutLengthAscii(channelOffset, channelLength);
            if (null == peer || peer.streamId != replyStreamId || !peer.channel.equals(replyChannel))
            {
                peer = replaceClient(peer, senderId, replyChannel, replyStreamId);
                if (null == peer)
                {
                    return;
                }
            }
        }
        peer.lastHeardNs = nowNs;
        answerHello(peer, correlationId);
    }

    void onChallenge(
        final int senderId, final long correlationId, final long nonce, final DirectBuffer buffer,
        final int proofOffset)
    {
        final Peer worker = peerById.get(senderId);
        if (null == secret || null == worker || !worker.isWorker || 0 == worker.ownHelloNonce ||
            !secret.isWorkerProof(workerId, senderId, worker.ownHelloNonce, nonce, buffer, proofOffset))
        {
            counters.authFailures.incrementRelease();
            return;
        }
        secret.callerProof(workerId, senderId, worker.ownHelloNonce, nonce, proof);
        proxy.authenticate(worker.publication, workerId, correlationId, placement.epoch(), proof);
    }

    void onAuthenticate(
        final int senderId, final long correlationId, final DirectBuffer buffer, final int proofOffset,
        final int sessionId, final long nowNs)
    {
        final Peer known = peerById.get(senderId);
        final Peer peer = null != known && known.isWorker ? known : handshakes.pending(senderId);
        if (!handshakes.prove(peer, sessionId, buffer, proofOffset))
        {
            refuse(null == peer || peer.authenticated ? null : peer, correlationId);
            return;
        }
        if (!peer.isWorker)
        {
            handshakes.removePending(peer);
            if (null != known)
            {
                removePeer(known);
            }
            peerById.put(senderId, peer);
        }
        peer.lastHeardNs = nowNs;
        answerHello(peer, correlationId);
    }

    /**
     * @return true when the heartbeat came from a peer that may speak on this session (its load then counts).
     */
    boolean onHeartbeat(final int senderId, final long correlationId, final int sessionId, final long nowNs)
    {
        counters.heartbeats.incrementRelease();
        final Peer peer = peerById.get(senderId);
        if (null == peer)
        {
            return false;
        }
        if (peer.isWorker && 0 != correlationId && correlationId == peer.ownHelloNonce)
        {
            // The answer to our Hello (after our Authenticate, when the fabric authenticates).
            peer.welcomed = true;
        }
        if (null == secret || isAuthentic(peer, sessionId))
        {
            peer.lastHeardNs = nowNs;
            return true;
        }
        return false;
    }

    /**
     * @return the peer that sent the frame being handled, or null when the frame is refused: no Hello from it yet
     * (no address to answer on: counted), or, with a shared secret, not from its authenticated session (counted,
     * and answered UNAUTHENTICATED when the sender is mid-handshake; a frame claiming an authenticated peer's id
     * from another session is only dropped, so it cannot answer that peer's calls).
     */
    Peer caller(final int senderId, final long correlationId, final int sessionId)
    {
        final Peer peer = peerById.get(senderId);
        if (null == secret || isAuthentic(peer, sessionId))
        {
            if (null == peer)
            {
                counters.unknownPeerFrames.incrementRelease();
            }
            return peer;
        }
        final Peer unproven = null != peer && !peer.authenticated ? peer : handshakes.pending(senderId);
        if (null == peer && null == unproven)
        {
            counters.unknownPeerFrames.incrementRelease();
        }
        else
        {
            refuse(unproven, correlationId);
        }
        return null;
    }

    /**
     * @return the known peer that sent the frame, when it may be answered on this session (else null, uncounted).
     */
    Peer answerable(final int senderId, final int sessionId)
    {
        final Peer peer = knownSender(senderId);
        return null != peer && (null == secret || isAuthentic(peer, sessionId)) ? peer : null;
    }

    /**
     * @return true when the frame comes from an authenticated session of its sender (always without a secret);
     * else counted as an authentication failure.
     */
    boolean isFromAuthentic(final int senderId, final int sessionId)
    {
        if (null != secret && !isAuthentic(peerById.get(senderId), sessionId))
        {
            counters.authFailures.incrementRelease();
            return false;
        }
        return true;
    }

    /**
     * Only the fabric's workers lend and borrow: a client (or an unknown sender) speaking the borrowing protocol
     * is counted and ignored, so it can neither hold a lease nor merge a value into a vertex.
     */
    boolean isWorkerPeer(final int senderId, final int sessionId)
    {
        final Peer peer = peerById.get(senderId);
        if (null == peer || !peer.isWorker)
        {
            counters.unknownPeerFrames.incrementRelease();
            return false;
        }
        return isFromAuthentic(senderId, sessionId);
    }

    /**
     * Answers Hellos and, when due, heartbeats the worker peers and expires stale handshakes.
     *
     * @param nowNs        this duty cycle's time.
     * @param pendingCalls this worker's load, told to its peers.
     * @return work done.
     */
    int keepAlive(final long nowNs, final int pendingCalls)
    {
        final boolean heartbeatDue = nowNs - nextHeartbeatNs >= 0;
        if (0 == helloAnswersPending && !heartbeatDue && !hellosOwed)
        {
            return 0;
        }
        int work = 0;
        boolean owed = false;
        if (heartbeatDue)
        {
            nextHeartbeatNs = nowNs + heartbeatIntervalNs;
            handshakes.expire(nowNs, onHandshakeExpired);
        }
        for (int i = peers.size() - 1; i >= 0; i--)
        {
            final Peer peer = peers.get(i);
            if (!peer.isConnected())
            {
                owed |= peer.isWorker && !peer.helloSent;
                continue;
            }
            if (0 != peer.helloToAnswer)
            {
                final long correlationId = peer.helloToAnswer == Long.MIN_VALUE ? 0 : peer.helloToAnswer;
                peer.helloToAnswer = 0;
                helloAnswersPending--;
                if (0 != peer.challengeNonce)
                {
                    handshakes.challengeProof(peer, proof);
                    proxy.challenge(peer.publication, workerId, correlationId, placement.epoch(), peer.challengeNonce,
                        proof);
                }
                else
                {
                    proxy.heartbeat(peer.publication, workerId, correlationId, placement.epoch(), nowNs, pendingCalls);
                }
                work++;
            }
            if (null != servedChannel && peer.isHelloDue(nowNs, heartbeatDue ? helloRetryNs : Long.MAX_VALUE))
            {
                peer.ownHelloNonce = null == secret ? 0 : secret.nonce();
                peer.helloSent(nowNs, proxy.hello(peer.publication, workerId, peer.ownHelloNonce, placement.epoch(),
                    Role.WORKER, streamId, peer.ownHelloNonce, servedChannel));
                owed |= !peer.helloSent;
                work++;
            }
            else if (peer.isWorker && heartbeatDue)
            {
                proxy.heartbeat(peer.publication, workerId, 0, placement.epoch(), nowNs, pendingCalls);
                work++;
            }
            owed |= peer.isWorker && !peer.helloSent && null == servedChannel;
        }
        hellosOwed = owed;
        return work;
    }

    void close()
    {
        for (int i = 0; i < peers.size(); i++)
        {
            CloseHelper.quietClose(peers.get(i).publication);
        }
    }

    private Peer knownSender(final int senderId)
    {
        return FabricHandler.NO_SENDER == senderId ? null : peerById.get(senderId);
    }

    private void refuse(final Peer unproven, final long correlationId)
    {
        counters.authFailures.incrementRelease();
        if (null != unproven && unproven.isConnected())
        {
            replies.send(unproven, correlationId, Status.UNAUTHENTICATED, Replies.NO_OWNER,
                Handshakes.NOT_AUTHENTICATED);
        }
    }

    private boolean isAuthentic(final Peer peer, final int sessionId)
    {
        return null != peer && peer.isAuthenticOn(sessionId);
    }

    /**
     * The peer a Hello's handshake runs on: a worker's own record (its current authentication stands until the new
     * handshake succeeds), or a client's pending record, bounded in number.
     */
    private Peer handshakePeer(
        final Peer known, final int senderId, final int replyStreamId, final DirectBuffer buffer,
        final int channelOffset, final int channelLength)
    {
        if (null != known && known.isWorker)
        {
            if (known.authenticated)
            {
                // An authenticated worker saying Hello from a new session has restarted (or someone claims its
                // id): say Hello back, so that a restarted worker authenticates us again.
                known.helloSent = false;
                known.welcomed = false;
                hellosOwed = true;
            }
            return known;
        }
        final String replyChannel = buffer.getStringWithoutLengthAscii(channelOffset, channelLength);
        final Peer pending = handshakes.pending(senderId);
        if (null != pending && pending.streamId == replyStreamId && pending.channel.equals(replyChannel))
        {
            return pending;
        }
        if (null != pending)
        {
            handshakes.removePending(pending);
            dropPeer(pending);
        }
        if (handshakes.isFull())
        {
            counters.authFailures.incrementRelease();
            return null;
        }
        final Peer peer = newClient(senderId, replyChannel, replyStreamId);
        if (null != peer)
        {
            handshakes.addPending(peer);
            peers.add(peer);
        }
        return peer;
    }

    private void answerHello(final Peer peer, final long correlationId)
    {
        if (0 == peer.helloToAnswer)
        {
            helloAnswersPending++;
        }
        peer.helloToAnswer = correlationId == 0 ? Long.MIN_VALUE : correlationId;
    }

    private Peer replaceClient(final Peer old, final int clientId, final String replyChannel, final int replyStreamId)
    {
        if (null != old)
        {
            removePeer(old);
        }
        final Peer peer = newClient(clientId, replyChannel, replyStreamId);
        if (null != peer)
        {
            addPeer(peer);
        }
        return peer;
    }

    private Peer newClient(final int clientId, final String replyChannel, final int replyStreamId)
    {
        try
        {
            return new Peer(
                clientId, false, replyChannel, replyStreamId,
                aeron.addExclusivePublication(replyChannel, replyStreamId));
        }
        catch (final RuntimeException ex)
        {
            // A Hello naming a channel Aeron refuses: nothing to answer on.
            counters.malformedFrames.incrementRelease();
            counters.onError(ex);
            return null;
        }
    }

    private void addPeer(final Peer peer)
    {
        hellosOwed |= peer.isWorker;
        peerById.put(peer.id, peer);
        peers.add(peer);
    }

    private void removePeer(final Peer peer)
    {
        peerById.remove(peer.id);
        dropPeer(peer);
    }

    private void dropPeer(final Peer peer)
    {
        peers.remove(peer);
        if (0 != peer.helloToAnswer)
        {
            helloAnswersPending--;
        }
        CloseHelper.quietClose(peer.publication);
    }
}
