package io.shawarma.fabric;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The worker's side of its {@link WorkerExtension}: its vertices, its worker peers (through {@link PeerSessions}),
 * its counters and error log, and the channel it serves on once bound.
 */
final class ExtensionPort implements WorkerPort
{
    private final int workerId;
    private final Aeron aeron;
    private final Subscription subscription;
    private final FabricProxy proxy;
    private final VertexStore store;
    private final LocalInvoker invoker;
    private final WorkerCounters counters;
    private PeerSessions sessions;
    private HeldReplies held;
    private volatile String servedChannel;

    ExtensionPort(
        final int workerId, final Aeron aeron, final Subscription subscription, final FabricProxy proxy,
        final VertexStore store, final LocalInvoker invoker, final WorkerCounters counters)
    {
        this.workerId = workerId;
        this.aeron = aeron;
        this.subscription = subscription;
        this.proxy = proxy;
        this.store = store;
        this.invoker = invoker;
        this.counters = counters;
    }

    void sessions(final PeerSessions sessions)
    {
        this.sessions = sessions;
    }

    void held(final HeldReplies held)
    {
        this.held = held;
    }

    public boolean releaseHeld(final long sequence)
    {
        return held.release(sequence);
    }

    public boolean failHeld(final long sequence, final Status status, final int ownerId, final DirectBuffer text)
    {
        return held.fail(sequence, status, ownerId, text);
    }

    /**
     * Resolves the served channel until the driver has bound it; from the agent thread, once per duty cycle.
     *
     * @return true when it got bound in this call.
     */
    boolean bind()
    {
        if (null == servedChannel)
        {
            servedChannel = subscription.tryResolveChannelEndpointPort();
            return null != servedChannel;
        }
        return false;
    }

    public int workerId()
    {
        return workerId;
    }

    public VertexStore store()
    {
        return store;
    }

    public LocalInvoker invoker()
    {
        return invoker;
    }

    public String servedChannel()
    {
        return servedChannel;
    }

    public String aeronDirectoryName()
    {
        return aeron.context().aeronDirectoryName();
    }

    public void workerPeers(final FabricMembers members)
    {
        sessions.workerPeers(members);
    }

    public boolean send(final int workerId, final DirectBuffer buffer, final int offset, final int length)
    {
        final Peer peer = sessions.peer(workerId);
        return null != peer && peer.isWorker && sessions.isReachable(peer) &&
            proxy.outbound().offerOnce(peer.publication, buffer, offset, length);
    }

    public AtomicCounter newCounter(final String label)
    {
        return counters.counter(label);
    }

    public void counterRole(final int role)
    {
        counters.role(role);
    }

    public void onError(final Throwable error)
    {
        counters.onError(error);
    }
}
