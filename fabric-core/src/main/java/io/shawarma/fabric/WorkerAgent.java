package io.shawarma.fabric;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.shawarma.codecs.LeaseMode;
import io.shawarma.codecs.Role;
import io.shawarma.codecs.Routing;
import io.shawarma.fabric.borrow.BorrowedCopies;
import io.shawarma.fabric.borrow.Borrower;
import io.shawarma.fabric.borrow.CostModel;
import io.shawarma.fabric.borrow.LeaseTable;
import io.shawarma.fabric.borrow.Lender;
import io.shawarma.messaging.FabricAdapter;
import io.shawarma.messaging.FabricHandler;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Malformed;
import io.shawarma.messaging.Outbound;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The worker's thread: polls its subscription, runs calls on the vertices it owns, answers MOVED for the ones it
 * does not (or forwards them to the owner when the caller asked for any-worker routing), keeps peers alive with
 * heartbeats. Single writer of the worker's vertices. Every inbound frame ends in a reply or a counter; nothing
 * throws out of {@link #doWork()}.
 */
final class WorkerAgent implements Agent, FabricHandler
{
    private static final int FRAGMENT_LIMIT = 16;
    private static final int NO_OWNER = -1;
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);
    private static final UnsafeBuffer[] MALFORMED_TEXT = new UnsafeBuffer[Malformed.REASON_COUNT];
    private static final UnsafeBuffer OWNER_UNREACHABLE = ascii("owner not connected");
    private static final UnsafeBuffer TOO_MANY_PENDING = ascii("too many forwarded calls in flight");
    private static final UnsafeBuffer FORWARD_TIMED_OUT = ascii("owner did not answer in time");
    private static final UnsafeBuffer VERTEX_LENT = ascii("vertex is lent; retry after the lease");
    private static final int MAX_LENT_VERTICES = 4096;
    private static final long COUNTER_PUBLISH_INTERVAL_NS = 1_000_000L;
    private static final int RAN_BORROWED = 0;
    private static final int FORWARD_ONLY = 1;
    private static final int FORWARD_THEN_BORROW = 2;

    static
    {
        for (int i = 0; i < Malformed.REASON_COUNT; i++)
        {
            MALFORMED_TEXT[i] = ascii(Malformed.describe(i));
        }
    }

    private final int workerId;
    private final String channel;
    private final int streamId;
    private final long callTimeoutNs;
    private final long heartbeatIntervalNs;
    private final int cpu;
    private final Aeron aeron;
    private final Subscription subscription;
    private final FabricAdapter adapter = new FabricAdapter(this);
    // Messages longer than the MTU arrive in fragments: reassembled before decoding.
    private final FragmentAssembler assembler = new FragmentAssembler(adapter);
    private final FabricProxy proxy;
    private final Placement placement;
    private final Scheduler scheduler;
    private final LocalInvoker invoker;
    private final WorkerCounters counters;
    private final PendingCalls forwarded;
    private final PendingCalls.ExpiryHandler onForwardExpired = this::onForwardExpired;
    private final Int2ObjectHashMap<Peer> peerById = new Int2ObjectHashMap<>();
    private final List<Peer> peers = new ArrayList<>();
    private final SharedSecret secret;
    // Clients mid-handshake (only with a shared secret): they join peerById once they prove the secret.
    private final Handshakes<Peer> handshakes;
    private final Consumer<Peer> onHandshakeExpired = this::dropPeer;
    private final UnsafeBuffer proof = new UnsafeBuffer(new byte[FabricHandler.PROOF_LENGTH]);
    private int helloAnswersPending;
    private long nowNs;
    private long nextHeartbeatNs;
    private final Lender lender;
    private final Borrower borrower;
    private final CostModel costModel;
    private long nextCounterPublishNs;

    WorkerAgent(
        final Worker.Context context, final Aeron aeron, final LocalInvoker invoker, final WorkerCounters counters)
    {
        this.workerId = context.workerId();
        this.channel = context.channel();
        this.streamId = context.streamBase() + workerId;
        this.callTimeoutNs = context.callTimeoutNs();
        this.heartbeatIntervalNs = context.heartbeatIntervalNs();
        this.cpu = context.cpu();
        this.aeron = aeron;
        this.invoker = invoker;
        this.counters = counters;
        this.secret = context.secret();
        this.handshakes = new Handshakes<>(secret, workerId, callTimeoutNs);
        this.placement = new Placement(context.members(), 1);
        this.scheduler = new Scheduler(workerId, placement);
        this.forwarded = new PendingCalls(context.maxPendingCalls());
        this.proxy = new FabricProxy(
            context.maxPayloadBytes(),
            new Outbound(IdleStrategies.of(context.idleStrategy()), context.offerTimeoutNs()));
        this.subscription = aeron.addSubscription(channel, streamId);

        // Borrowing: this worker lends the vertices it owns and borrows others' when its scheduler says so.
        final long leaseNs = context.borrowLeaseNs();
        final BorrowLink link = new BorrowLink(workerId, proxy, placement, peerById);
        this.lender = new Lender(workerId, invoker,
            new LeaseTable(MAX_LENT_VERTICES, context.members().size(), leaseNs, leaseNs / 4), link);
        this.borrower = new Borrower(invoker, new BorrowedCopies(context.borrowSlots(), context.storeValueMaxBytes()),
            link, leaseNs / 4, leaseNs);
        this.costModel = new CostModel(new CostModel.Context()
            .policy(CostModel.Context.policyOf(context.schedulerPolicy()))
            .leaseDurationNs(leaseNs)
            .maxBorrowBytes(context.storeValueMaxBytes()));

        final FabricMembers members = context.members();
        for (int i = 0; i < members.size(); i++)
        {
            final int peerId = members.idAt(i);
            if (peerId != workerId)
            {
                final int peerStreamId = context.streamBase() + peerId;
                addPeer(new Peer(peerId, true, members.channelAt(i), peerStreamId,
                    aeron.addExclusivePublication(members.channelAt(i), peerStreamId)));
            }
        }
    }

    public String roleName()
    {
        return "shawarma-worker-" + workerId;
    }

    public void onStart()
    {
        if (cpu >= 0)
        {
            net.openhft.affinity.Affinity.setAffinity(cpu);
        }
    }

    public int doWork()
    {
        nowNs = System.nanoTime();
        int work = subscription.poll(assembler, FRAGMENT_LIMIT);
        if (helloAnswersPending > 0 || nowNs - nextHeartbeatNs >= 0)
        {
            work += keepPeersAlive();
        }
        work += forwarded.expire(nowNs, onForwardExpired);
        work += lender.doWork(nowNs) + borrower.doWork(nowNs);
        if (nowNs - nextCounterPublishNs >= 0)
        {
            nextCounterPublishNs = nowNs + COUNTER_PUBLISH_INTERVAL_NS;
            counters.publish(lender, borrower, costModel);
        }
        publish(counters.backPressureEvents, proxy.outbound().backPressureEvents());
        publish(counters.bytesSent, proxy.outbound().bytesSent());
        publish(counters.bytesReceived, adapter.bytesReceived());
        return work;
    }

    public void onClose()
    {
        // Give borrowed copies back so their writes reach the owners; best effort, the owner's expiry covers the rest.
        borrower.returnAll(System.nanoTime());
        for (int i = 0; i < peers.size(); i++)
        {
            CloseHelper.quietClose(peers.get(i).publication);
        }
        CloseHelper.quietClose(subscription);
    }

    /**
     * Switches the scheduler's policy; safe from any thread (the agent sees it on its next decision).
     *
     * @param policy a {@link CostModel} POLICY constant.
     */
    void schedulerPolicy(final int policy)
    {
        costModel.context().policy(policy);
    }

    /**
     * @return true when the subscription is bound and every worker peer's publication is connected.
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

    public void onHello(
        final int senderId, final long correlationId, final long epoch, final int role, final int replyStreamId,
        final long nonce, final DirectBuffer buffer, final int channelOffset, final int channelLength)
    {
        counters.hellos.incrementRelease();
        Peer peer = peerById.get(senderId);
        if (null != secret && !isAuthentic(peer))
        {
            peer = handshakePeer(peer, senderId, replyStreamId, buffer, channelOffset, channelLength);
            if (null == peer)
            {
                return;
            }
            handshakes.open(peer, nonce, adapter.sessionId(), nowNs);
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

    public void onChallenge(
        final int senderId, final long correlationId, final long epoch, final long nonce, final DirectBuffer buffer,
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

    public void onAuthenticate(
        final int senderId, final long correlationId, final long epoch, final DirectBuffer buffer, final int proofOffset)
    {
        final Peer known = peerById.get(senderId);
        final Peer peer = null != known && known.isWorker ? known : handshakes.pending(senderId);
        if (!handshakes.prove(peer, adapter.sessionId(), buffer, proofOffset))
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

    public void onHeartbeat(
        final int senderId, final long correlationId, final long epoch, final long timestampNs, final int pendingCalls)
    {
        counters.heartbeats.incrementRelease();
        final Peer peer = peerById.get(senderId);
        if (null == peer)
        {
            return;
        }
        if (peer.isWorker && 0 != correlationId && correlationId == peer.ownHelloNonce)
        {
            // The answer to our Hello (after our Authenticate, when the fabric authenticates).
            peer.welcomed = true;
        }
        if (null == secret || isAuthentic(peer))
        {
            peer.lastHeardNs = nowNs;
            costModel.onLoad(senderId, pendingCalls);
        }
    }

    public void onInvoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId,
        final int routing, final DirectBuffer buffer, final int argsOffset, final int argsLength)
    {
        counters.invokesIn.incrementRelease();
        final Peer caller = caller(senderId, correlationId);
        if (null == caller)
        {
            return;
        }

        switch (scheduler.decide(vertexId, routing))
        {
            case Scheduler.LOCAL:
                final Udf udf = invoker.udf(udfId);
                if (null != udf && Status.LENT == lender.beforeOwnerCall(vertexId, udfId, udf.isReadOnly(), senderId))
                {
                    reply(caller, correlationId, Status.LENT, NO_OWNER, VERTEX_LENT, VERTEX_LENT.capacity());
                    break;
                }
                final Status status = invoker.invoke(vertexId, udfId, buffer, argsOffset, argsLength);
                reply(caller, correlationId, status, NO_OWNER, invoker.result(), invoker.resultLength());
                break;

            case Scheduler.FORWARD:
                final int borrowed = runBorrowed(caller, correlationId, vertexId, udfId, buffer, argsOffset, argsLength);
                if (RAN_BORROWED != borrowed)
                {
                    final int ownerId = placement.ownerOf(vertexId);
                    forward(caller, correlationId, ownerId, vertexId, udfId, buffer, argsOffset, argsLength);
                    if (FORWARD_THEN_BORROW == borrowed)
                    {
                        // After the call, on the same stream: the owner runs it before it lends the vertex.
                        borrower.request(ownerId, vertexId, udfId, nowNs);
                    }
                }
                break;

            default:
                reply(caller, correlationId, Status.MOVED, placement.ownerOf(vertexId), EMPTY, 0);
        }
    }

    public void onInvokeResult(
        final int senderId, final long correlationId, final long epoch, final int status, final int ownerId,
        final DirectBuffer buffer, final int resultOffset, final int resultLength)
    {
        if (null != secret && !isAuthentic(peerById.get(senderId)))
        {
            counters.authFailures.incrementRelease();
            return;
        }
        final int index = forwarded.indexOf(correlationId);
        if (index < 0)
        {
            counters.lateResults.incrementRelease();
            return;
        }
        final int callerId = forwarded.callerId(index);
        final long callerCorrelationId = forwarded.callerCorrelationId(index);
        costModel.onRoundTrip(senderId, nowNs - (forwarded.deadlineNs(index) - callTimeoutNs));
        costModel.onResult(resultLength);
        forwarded.remove(index);
        final Peer caller = peerById.get(callerId);
        if (null != caller)
        {
            final Status result = Status.of(status);
            counters.onResult(result);
            if (!proxy.invokeResult(caller.publication, workerId, callerCorrelationId, placement.epoch(),
                io.shawarma.codecs.Status.get((short)status), ownerId, buffer, resultOffset, resultLength))
            {
                counters.undeliveredReplies.incrementRelease();
            }
        }
    }

    public void onPutVertex(
        final int senderId, final long correlationId, final long epoch, final long vertexId,
        final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
        counters.puts.incrementRelease();
        final Peer caller = caller(senderId, correlationId);
        if (null != caller && isOwnedOrMoved(caller, correlationId, vertexId) &&
            isNotLent(caller, correlationId, vertexId, false))
        {
            final Status status = invoker.put(vertexId, buffer, valueOffset, valueLength);
            reply(caller, correlationId, status, NO_OWNER, invoker.result(), invoker.resultLength());
        }
    }

    public void onGetVertex(final int senderId, final long correlationId, final long epoch, final long vertexId)
    {
        counters.gets.incrementRelease();
        final Peer caller = caller(senderId, correlationId);
        if (null != caller && isOwnedOrMoved(caller, correlationId, vertexId) &&
            isNotLent(caller, correlationId, vertexId, true))
        {
            final Status status = invoker.get(vertexId);
            reply(caller, correlationId, status, NO_OWNER, invoker.result(), invoker.resultLength());
        }
    }

    public void onMalformed(final int senderId, final long correlationId, final int reason)
    {
        counters.malformedFrames.incrementRelease();
        final Peer caller = NO_SENDER == senderId ? null : peerById.get(senderId);
        if (null != caller && (null == secret || isAuthentic(caller)))
        {
            final UnsafeBuffer text = MALFORMED_TEXT[reason];
            reply(caller, correlationId, Status.MALFORMED, NO_OWNER, text, text.capacity());
        }
    }

    public void onBorrowRequest(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId)
    {
        counters.borrowRequestsIn.incrementRelease();
        if (!isWorkerPeer(senderId))
        {
            return;
        }
        final int ownerId = placement.ownerOf(vertexId);
        if (ownerId != workerId)
        {
            proxyGrantMoved(senderId, correlationId, vertexId, ownerId);
            return;
        }
        lender.onRequest(senderId, correlationId, vertexId, udfId, nowNs);
    }

    public void onBorrowGrant(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int status,
        final int mode, final long leaseId, final long version, final long leaseExpiryNs, final long leaseDurationNs,
        final int ownerId, final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
        if (!isWorkerPeer(senderId))
        {
            return;
        }
        final long requestedNs = borrower.requestedAtNs(vertexId);
        if (requestedNs >= 0)
        {
            costModel.onRoundTrip(senderId, nowNs - requestedNs);
        }
        if (Status.OK.code() == status)
        {
            costModel.onValueSize(vertexId, valueLength);
        }
        else if (Status.LENT.code() == status)
        {
            costModel.onConflict(vertexId, nowNs);
        }
        borrower.onGrant(senderId, correlationId, vertexId, status, LeaseMode.get((short)mode), leaseId, version,
            leaseDurationNs, buffer, valueOffset, valueLength, nowNs);
    }

    public void onBorrowReturn(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId,
        final boolean changed, final int mode, final int udfId, final DirectBuffer buffer, final int valueOffset,
        final int valueLength)
    {
        if (!isWorkerPeer(senderId))
        {
            return;
        }
        lender.onReturn(senderId, correlationId, vertexId, leaseId, changed, LeaseMode.get((short)mode), udfId, buffer,
            valueOffset, valueLength, nowNs);
    }

    public void onBorrowReturnAck(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId,
        final int status)
    {
        if (isWorkerPeer(senderId))
        {
            borrower.onReturnAck(vertexId, leaseId, status);
        }
    }

    public void onRevoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId)
    {
        if (isWorkerPeer(senderId))
        {
            costModel.onConflict(vertexId, nowNs);
            borrower.onRevoke(vertexId, leaseId, nowNs);
        }
    }

    /**
     * Runs a call on a vertex another worker owns here, on a borrowed copy, when the cost model says BORROW and a
     * copy is held.
     *
     * @return {@link #RAN_BORROWED} when the call ran and was answered; else {@link #FORWARD_ONLY} or, when the
     * model says BORROW but no copy is held yet, {@link #FORWARD_THEN_BORROW}.
     */
    private int runBorrowed(
        final Peer caller, final long correlationId, final long vertexId, final int udfId, final DirectBuffer buffer,
        final int argsOffset, final int argsLength)
    {
        final Udf udf = invoker.udf(udfId);
        if (null == udf)
        {
            return FORWARD_ONLY;
        }
        final int ownerId = placement.ownerOf(vertexId);
        final int slot = borrower.usableSlot(vertexId, udfId, nowNs);
        if (CostModel.BORROW != costModel.decide(vertexId, ownerId, !udf.isReadOnly(), argsLength, slot >= 0, nowNs))
        {
            return FORWARD_ONLY;
        }
        if (slot < 0)
        {
            return borrower.isBorrowing(vertexId) ? FORWARD_ONLY : FORWARD_THEN_BORROW;
        }
        final Status status = borrower.invoke(slot, udfId, buffer, argsOffset, argsLength);
        reply(caller, correlationId, status, NO_OWNER, invoker.result(), invoker.resultLength());
        return RAN_BORROWED;
    }

    /**
     * Only the fabric's workers lend and borrow: a client (or an unknown sender) speaking the borrowing protocol
     * is counted and ignored, so it can neither hold a lease nor merge a value into a vertex.
     */
    private boolean isWorkerPeer(final int senderId)
    {
        final Peer peer = peerById.get(senderId);
        if (null == peer || !peer.isWorker)
        {
            counters.unknownPeerFrames.incrementRelease();
            return false;
        }
        if (null != secret && !isAuthentic(peer))
        {
            counters.authFailures.incrementRelease();
            return false;
        }
        return true;
    }

    private boolean isNotLent(final Peer caller, final long correlationId, final long vertexId, final boolean read)
    {
        if (Status.LENT == lender.beforeOwnerCall(vertexId, 0, read, caller.id))
        {
            reply(caller, correlationId, Status.LENT, NO_OWNER, VERTEX_LENT, VERTEX_LENT.capacity());
            return false;
        }
        return true;
    }

    private void proxyGrantMoved(final int borrowerId, final long correlationId, final long vertexId, final int ownerId)
    {
        final Peer peer = peerById.get(borrowerId);
        if (null != peer)
        {
            proxy.borrowGrant(peer.publication, workerId, correlationId, placement.epoch(), vertexId,
                io.shawarma.codecs.Status.MOVED, LeaseMode.READ_ONLY, 0, 0, 0, 0, ownerId, EMPTY, 0, 0);
        }
    }

    /**
     * @return the peer that sent the frame being handled, or null when the frame is refused: no Hello from it yet
     * (no address to answer on: counted), or, with a shared secret, not from its authenticated session (counted,
     * and answered UNAUTHENTICATED when the sender is mid-handshake; a frame claiming an authenticated peer's id
     * from another session is only dropped, so it cannot answer that peer's calls).
     */
    private Peer caller(final int senderId, final long correlationId)
    {
        final Peer peer = peerById.get(senderId);
        if (null == secret || isAuthentic(peer))
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

    private void refuse(final Peer unproven, final long correlationId)
    {
        counters.authFailures.incrementRelease();
        if (null != unproven && unproven.isConnected())
        {
            reply(unproven, correlationId, Status.UNAUTHENTICATED, NO_OWNER, Handshakes.NOT_AUTHENTICATED,
                Handshakes.NOT_AUTHENTICATED.capacity());
        }
    }

    private boolean isReachable(final Peer peer)
    {
        return peer.isConnected() && (null == secret || peer.welcomed);
    }

    private boolean isAuthentic(final Peer peer)
    {
        return null != peer && peer.isAuthenticOn(adapter.sessionId());
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
            dropHandshake(pending);
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

    private void dropHandshake(final Peer pending)
    {
        handshakes.removePending(pending);
        dropPeer(pending);
    }

    private void answerHello(final Peer peer, final long correlationId)
    {
        if (0 == peer.helloToAnswer)
        {
            helloAnswersPending++;
        }
        peer.helloToAnswer = correlationId == 0 ? Long.MIN_VALUE : correlationId;
    }

    private boolean isOwnedOrMoved(final Peer caller, final long correlationId, final long vertexId)
    {
        final int ownerId = placement.ownerOf(vertexId);
        if (ownerId != workerId)
        {
            reply(caller, correlationId, Status.MOVED, ownerId, EMPTY, 0);
            return false;
        }
        return true;
    }

    private void forward(
        final Peer caller, final long callerCorrelationId, final int ownerId, final long vertexId, final int udfId,
        final DirectBuffer buffer, final int argsOffset, final int argsLength)
    {
        final Peer owner = peerById.get(ownerId);
        if (null == owner || !isReachable(owner))
        {
            reply(caller, callerCorrelationId, Status.BACK_PRESSURED, ownerId, OWNER_UNREACHABLE,
                OWNER_UNREACHABLE.capacity());
            return;
        }

        final long correlationId = forwarded.add(nowNs + callTimeoutNs, caller.id, callerCorrelationId);
        if (0 == correlationId)
        {
            reply(caller, callerCorrelationId, Status.BACK_PRESSURED, NO_OWNER, TOO_MANY_PENDING,
                TOO_MANY_PENDING.capacity());
            return;
        }

        counters.invokesForwarded.incrementRelease();
        if (!proxy.invoke(owner.publication, workerId, correlationId, placement.epoch(), vertexId, udfId,
            Routing.DIRECT, buffer, argsOffset, argsLength))
        {
            forwarded.remove(forwarded.indexOf(correlationId));
            reply(caller, callerCorrelationId, Status.BACK_PRESSURED, ownerId, EMPTY, 0);
        }
    }

    private void onForwardExpired(final long correlationId, final int callerId, final long callerCorrelationId)
    {
        final Peer caller = peerById.get(callerId);
        if (null != caller)
        {
            reply(caller, callerCorrelationId, Status.TIMEOUT, NO_OWNER, FORWARD_TIMED_OUT,
                FORWARD_TIMED_OUT.capacity());
        }
    }

    private void reply(
        final Peer caller, final long correlationId, final Status status, final int ownerId,
        final DirectBuffer result, final int resultLength)
    {
        counters.onResult(status);
        if (!proxy.invokeResult(caller.publication, workerId, correlationId, placement.epoch(),
            io.shawarma.codecs.Status.get((short)status.code()), ownerId, result, 0, resultLength))
        {
            // The caller's deadline turns this into TIMEOUT on its side; counted here.
            counters.undeliveredReplies.incrementRelease();
        }
    }

    /**
     * Copies a total kept in a plain field by this thread to its counter, when it changed.
     */
    private static void publish(final AtomicCounter counter, final long total)
    {
        if (counter.getPlain() != total)
        {
            counter.setRelease(total);
        }
    }

    private int keepPeersAlive()
    {
        int work = 0;
        final boolean heartbeatDue = nowNs - nextHeartbeatNs >= 0;
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
                    proxy.heartbeat(
                        peer.publication, workerId, correlationId, placement.epoch(), nowNs, forwarded.size());
                }
                work++;
            }
            if (peer.isWorker && !peer.helloSent)
            {
                peer.ownHelloNonce = null == secret ? 0 : secret.nonce();
                peer.helloSent = proxy.hello(peer.publication, workerId, peer.ownHelloNonce, placement.epoch(),
                    Role.WORKER, streamId, peer.ownHelloNonce, channel);
                work++;
            }
            else if (peer.isWorker && heartbeatDue)
            {
                proxy.heartbeat(peer.publication, workerId, 0, placement.epoch(), nowNs, forwarded.size());
                work++;
            }
        }
        return work;
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
                clientId, false, replyChannel, replyStreamId, aeron.addExclusivePublication(replyChannel, replyStreamId));
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

    private static UnsafeBuffer ascii(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }
}
