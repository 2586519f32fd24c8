package io.shawarma.fabric;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.shawarma.fabric.borrow.CostModel;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.Replication;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.messaging.FabricAdapter;
import io.shawarma.messaging.FabricHandler;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.messaging.Malformed;
import io.shawarma.messaging.OfferRetries;
import io.shawarma.messaging.Outbound;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The worker's thread: reads the injected clock once per duty cycle (and passes that time down), offers again the
 * messages back pressure held ({@link OfferRetries}: the agent never idles inside a cycle), polls the worker's
 * subscription and hands each frame to the collaborator that owns it ({@link PeerSessions} for handshakes and
 * heartbeats, {@link CallDispatch} for calls, {@link Forwarding} for owners' answers, {@link Borrowing} for the
 * borrowing protocol), then does their timed work. Single writer of the worker's vertices. Every inbound frame ends in
 * a reply or a counter; nothing throws out of {@link #doWork()}. A layer's {@link WorkerExtension} gives the ownership
 * calls are served by (the static {@link Placement} without one), does its share of each duty cycle and takes the
 * frames of its own templates.
 */
final class WorkerAgent implements Agent, FabricHandler
{
    private static final int FRAGMENT_LIMIT = 16;
    private static final long COUNTER_PUBLISH_INTERVAL_NS = 1_000_000L;
    private static final long TIMERS_INTERVAL_NS = 50_000L;
    // Messages refused by back pressure wait here for later duty cycles (for shawarma.offer.timeout.ms at most):
    // room for this many bytes (at least two of the largest messages) and messages; beyond that a reply is dropped
    // at once and counted.
    private static final int RETRY_BYTES = 1 << 20;
    private static final int RETRY_MESSAGES = 1024;

    private final int workerId;
    private final int cpu;
    private final NanoClock clock;
    private final CallLatency latency;
    private final Subscription subscription;
    private final FabricAdapter adapter = new FabricAdapter(this);
    // Messages longer than the MTU arrive in fragments: reassembled before decoding.
    private final FragmentAssembler assembler = new FragmentAssembler(adapter);
    private final FabricProxy proxy;
    private final WorkerCounters counters;
    private final PeerSessions sessions;
    private final CallDispatch calls;
    private final Forwarding forwarding;
    private final Borrowing borrowing;
    private final CostModel costModel;
    private final ExtensionPort port;
    private final WorkerExtension extension;
    private final StoreSyncTimer storeSync;
    private long nowNs;
    private long nextCounterPublishNs;
    private long nextTimersNs;

    WorkerAgent(
        final Worker.Context context, final Aeron aeron, final VertexStore store, final LocalInvoker invoker,
        final WorkerCommands commands, final WorkerCounters counters, final CallLatency latency)
    {
        this.latency = latency;
        this.workerId = context.workerId();
        this.cpu = context.cpu();
        this.clock = context.nanoClock();
        this.counters = counters;
        this.subscription = ChannelRefusal.subscribe(
            aeron, workerId, context.channel(), context.streamBase() + workerId);
        this.proxy = new FabricProxy(context.maxPayloadBytes(), new Outbound(new OfferRetries(
            Math.max(RETRY_BYTES, 2 * (context.maxPayloadBytes() + FabricProxy.MAX_OVERHEAD)), RETRY_MESSAGES,
            context.offerTimeoutNs())));
        this.port = new ExtensionPort(workerId, aeron, subscription, proxy, store, invoker, counters);
        this.extension = null == context.extension() ? null : context.extension().create(port);
        final Ownership placement = null == extension ? new Placement(context.members(), 1) : extension.ownership();
        final Replies replies = new Replies(workerId, proxy, placement, counters);
        this.sessions = new PeerSessions(context, aeron, proxy, placement, counters, replies);
        port.sessions(sessions);
        this.borrowing = new Borrowing(context, invoker, placement, sessions, proxy, replies);
        this.costModel = borrowing.costModel();
        this.forwarding = new Forwarding(context, sessions, proxy, placement, replies, counters, costModel);
        final HeldReplies held = new HeldReplies(replies, Replication.MAX_HELD);
        port.held(held);
        if (null != extension)
        {
            invoker.replication(extension.replication());
        }
        this.calls = new CallDispatch(workerId, placement, invoker, commands, replies, held, forwarding, borrowing);
        this.storeSync = new StoreSyncTimer(store,
            "interval".equalsIgnoreCase(context.storeSync()) ? context.storeSyncIntervalNs() : 0, counters::onError);
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
        nowNs = clock.nanoTime();
        final Outbound outbound = proxy.outbound();
        outbound.nowNs(nowNs);
        if (port.bind())
        {
            sessions.servedChannel(port.servedChannel());
        }
        // Held messages go first: a new one to the same peer queues behind them anyway.
        int work = outbound.retry();
        final int polled = subscription.poll(assembler, FRAGMENT_LIMIT);
        work += polled;
        if (null != extension)
        {
            work += extension.doWork(nowNs, polled);
        }
        work += sessions.keepAlive(nowNs, forwarding.inFlight());
        if (nowNs - nextTimersNs >= 0)
        {
            // Deadlines here are milliseconds apart: checking them every cycle would only lengthen the cycle a call
            // waits behind.
            nextTimersNs = nowNs + TIMERS_INTERVAL_NS;
            work += forwarding.expire(nowNs);
            work += borrowing.doWork(nowNs);
            work += storeSync.doWork(nowNs);
            publishCounters(outbound);
        }
        return work;
    }

    private void publishCounters(final Outbound outbound)
    {
        if (nowNs - nextCounterPublishNs >= 0)
        {
            nextCounterPublishNs = nowNs + COUNTER_PUBLISH_INTERVAL_NS;
            borrowing.publish(counters);
        }
        publish(counters.backPressureEvents, outbound.backPressureEvents());
        publish(counters.bytesSent, outbound.bytesSent());
        publish(counters.retriesDropped, outbound.retries().dropped());
        publish(counters.retriesHeld, outbound.retries().size());
        publish(counters.bytesReceived, adapter.bytesReceived());
    }

    public void onClose()
    {
        if (null != extension)
        {
            extension.onClose();
        }
        borrowing.returnAll(clock.nanoTime());
        sessions.close();
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
     * @return the channel this worker serves on, its port resolved, once bound; else null. From any thread.
     */
    String servedChannel()
    {
        return port.servedChannel();
    }

    /**
     * Handles one frame as if the subscription delivered it: for fuzz targets, on the thread that drives the agent.
     */
    void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        adapter.onFragment(buffer, offset, length, header);
    }

    /**
     * @return true when the subscription is bound and every worker peer's publication is connected.
     */
    boolean isFabricConnected()
    {
        return sessions.isFabricConnected();
    }

    public void onHello(
        final int senderId, final long correlationId, final long epoch, final int role, final int replyStreamId,
        final long nonce, final DirectBuffer buffer, final int channelOffset, final int channelLength)
    {
        sessions.onHello(senderId, correlationId, replyStreamId, nonce, buffer, channelOffset, channelLength,
            adapter.sessionId(), nowNs);
    }

    public void onChallenge(
        final int senderId, final long correlationId, final long epoch, final long nonce, final DirectBuffer buffer,
        final int proofOffset)
    {
        sessions.onChallenge(senderId, correlationId, nonce, buffer, proofOffset);
    }

    public void onAuthenticate(
        final int senderId, final long correlationId, final long epoch, final DirectBuffer buffer,
        final int proofOffset)
    {
        sessions.onAuthenticate(senderId, correlationId, buffer, proofOffset, adapter.sessionId(), nowNs);
    }

    public void onHeartbeat(
        final int senderId, final long correlationId, final long epoch, final long timestampNs, final int pendingCalls)
    {
        if (sessions.onHeartbeat(senderId, correlationId, adapter.sessionId(), nowNs))
        {
            costModel.onLoad(senderId, pendingCalls);
        }
    }

    public void onInvoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId,
        final int routing, final DirectBuffer buffer, final int argsOffset, final int argsLength)
    {
        counters.invokesIn.incrementRelease();
        final Peer caller = sessions.caller(senderId, correlationId, adapter.sessionId());
        if (null != caller)
        {
            // Service time needs its own clock reads: nowNs is the duty cycle's, the same for every call in it.
            final long startNs = System.nanoTime();
            calls.onInvoke(caller, correlationId, vertexId, udfId, routing, buffer, argsOffset, argsLength, nowNs);
            latency.record(System.nanoTime() - startNs);
        }
    }

    public void onInvokeResult(
        final int senderId, final long correlationId, final long epoch, final int status, final int ownerId,
        final DirectBuffer buffer, final int resultOffset, final int resultLength)
    {
        if (sessions.isFromAuthentic(senderId, adapter.sessionId()))
        {
            forwarding.onResult(senderId, correlationId, status, ownerId, buffer, resultOffset, resultLength, nowNs);
        }
    }

    public void onPutVertex(
        final int senderId, final long correlationId, final long epoch, final long vertexId,
        final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
        counters.puts.incrementRelease();
        final Peer caller = sessions.caller(senderId, correlationId, adapter.sessionId());
        if (null != caller)
        {
            calls.onPut(caller, correlationId, vertexId, buffer, valueOffset, valueLength);
        }
    }

    public void onGetVertex(final int senderId, final long correlationId, final long epoch, final long vertexId)
    {
        counters.gets.incrementRelease();
        final Peer caller = sessions.caller(senderId, correlationId, adapter.sessionId());
        if (null != caller)
        {
            calls.onGet(caller, correlationId, vertexId);
        }
    }

    public void onMalformed(final int senderId, final long correlationId, final int reason)
    {
        counters.malformedFrames.incrementRelease();
        final Peer caller = sessions.answerable(senderId, adapter.sessionId());
        if (null != caller)
        {
            calls.onMalformed(caller, correlationId, reason);
        }
    }

    public void onOtherMessage(
        final int senderId, final long correlationId, final int templateId, final DirectBuffer buffer,
        final int offset, final int length)
    {
        if (null == extension)
        {
            onMalformed(senderId, correlationId, Malformed.UNKNOWN_TEMPLATE);
        }
        else if (null == sessions.peer(senderId))
        {
            counters.unknownPeerFrames.incrementRelease();
        }
        else if (sessions.isFromAuthentic(senderId, adapter.sessionId()))
        {
            extension.onMessage(senderId, templateId, buffer, offset, length);
        }
    }

    public void onBorrowRequest(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId)
    {
        counters.borrowRequestsIn.incrementRelease();
        if (sessions.isWorkerPeer(senderId, adapter.sessionId()))
        {
            borrowing.onRequest(senderId, correlationId, vertexId, udfId, nowNs);
        }
    }

    public void onBorrowGrant(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int status,
        final int mode, final long leaseId, final long version, final long leaseExpiryNs, final long leaseDurationNs,
        final int ownerId, final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
        if (sessions.isWorkerPeer(senderId, adapter.sessionId()))
        {
            borrowing.onGrant(senderId, correlationId, vertexId, status, mode, leaseId, version, leaseDurationNs,
                buffer, valueOffset, valueLength, nowNs);
        }
    }

    public void onBorrowReturn(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId,
        final boolean changed, final int mode, final int udfId, final DirectBuffer buffer, final int valueOffset,
        final int valueLength)
    {
        if (sessions.isWorkerPeer(senderId, adapter.sessionId()))
        {
            borrowing.onReturn(senderId, correlationId, vertexId, leaseId, changed, mode, udfId, buffer, valueOffset,
                valueLength, nowNs);
        }
    }

    public void onBorrowReturnAck(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId,
        final int status)
    {
        if (sessions.isWorkerPeer(senderId, adapter.sessionId()))
        {
            borrowing.onReturnAck(vertexId, leaseId, status);
        }
    }

    public void onRevoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final long leaseId)
    {
        if (sessions.isWorkerPeer(senderId, adapter.sessionId()))
        {
            borrowing.onRevoke(vertexId, leaseId, nowNs);
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
}
