package io.shawarma.fabric;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.shawarma.codecs.Role;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.udf.Status;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A client's Hellos. On connect: binds its reply channel, then says Hello to every worker of the fabric at once and
 * waits for each to answer (and, with a shared secret, to prove it), up to the connect timeout. With
 * {@link FabricClient.Context#helloOnFirstCall(boolean)}: says Hello to one worker before the first call to it, and
 * again once it reconnects (a restarted worker has to hear Hello again).
 */
final class ClientHellos
{
    private static final long HELLO_RETRY_NS = TimeUnit.SECONDS.toNanos(2);

    // How long a call waits for a worker's publication to connect before it counts the worker unreachable.
    private static final long CONNECT_WAIT_NS = 100_000_000L;

    private final FabricClient.Context context;
    private final int clientId;
    private final ClientReceiver receiver;
    private final FabricProxy proxy;
    private final Placement placement;
    private final PeersById<ExclusivePublication> workers;
    private final Subscription subscription;
    private final IdleStrategy idle;
    private final NanoClock clock;
    // The Hello said ahead of an asynchronous call, per worker, while it is in flight.
    private final Long2LongHashMap helloAhead = new Long2LongHashMap(0);
    private String replyChannel;

    ClientHellos(
        final FabricClient.Context context, final int clientId, final ClientReceiver receiver, final FabricProxy proxy,
        final Placement placement, final PeersById<ExclusivePublication> workers,
        final Subscription subscription, final IdleStrategy idle)
    {
        this.context = context;
        this.clientId = clientId;
        this.receiver = receiver;
        this.proxy = proxy;
        this.placement = placement;
        this.workers = workers;
        this.subscription = subscription;
        this.idle = idle;
        this.clock = context.nanoClock();
    }

    /**
     * Says Hello to every worker at once (each as soon as its publication connects) and waits for their answers
     * until the connect deadline; the error names only the workers that did not answer. With
     * {@link ClientSettings#partialConnect(boolean)}, one worker answering is enough: the others hear Hello again
     * before the first call to them.
     */
    void sayHello(final IntSupplier poll)
    {
        final long deadlineNs = clock.nanoTime() + context.connectTimeoutNs();
        bind(deadlineNs);
        final FabricMembers members = context.members();
        final long[] hellos = new long[members.size()];
        int welcomed = 0;
        idle.reset();
        while (welcomed < members.size() && clock.nanoTime() - deadlineNs < 0)
        {
            welcomed = 0;
            for (int i = 0; i < members.size(); i++)
            {
                final int workerId = members.idAt(i);
                final ExclusivePublication publication = workers.get(workerId);
                if (receiver.isWelcomed(workerId))
                {
                    welcomed++;
                }
                else if (!receiver.isInFlight(hellos[i]) && publication.isConnected())
                {
                    // A Hello not welcomed in time is said again: it, or a frame of the handshake after it, may have
                    // been lost while the worker's publication back to this client was still connecting.
                    hellos[i] = receiver.addHello(workerId, Math.min(deadlineNs, clock.nanoTime() + HELLO_RETRY_NS));
                    if (0 != hellos[i] && !proxy.hello(publication, clientId, hellos[i], placement.epoch(),
                        Role.CLIENT, context.streamBase() + clientId, receiver.helloNonce(workerId), replyChannel))
                    {
                        receiver.sendFailed(hellos[i]);
                    }
                }
            }
            idle.idle(poll.getAsInt());
            if (null != receiver.handshakeError())
            {
                throw new IllegalStateException(receiver.handshakeError());
            }
        }
        final List<Integer> missing = unreachable();
        if (!missing.isEmpty() && (!context.partialConnect() || missing.size() == members.size()))
        {
            throw new IllegalStateException((missing.size() == 1 ? "worker " : "workers ") + missing + " of " +
                members + " did not answer within " + context.connectTimeoutNs() / 1_000_000 + " ms (" +
                Configuration.CONNECT_TIMEOUT_MS_PROP + "): " + (missing.size() == 1 ? "is it" : "are they") +
                " running? (scripts/shawarma stat lists this machine's workers)");
        }
    }

    /**
     * @return the fabric's workers that have not welcomed this client (down, or not answered yet), in member order.
     */
    List<Integer> unreachable()
    {
        final FabricMembers members = context.members();
        final List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < members.size(); i++)
        {
            if (!receiver.isWelcomed(members.idAt(i)))
            {
                missing.add(members.idAt(i));
            }
        }
        return missing;
    }

    /**
     * Waits until the reply channel is bound: the Hellos name it, with its port resolved.
     */
    void bind(final long deadlineNs)
    {
        while (null == (replyChannel = subscription.tryResolveChannelEndpointPort()))
        {
            if (clock.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("could not bind " + context.channel());
            }
            idle.idle();
        }
    }

    /**
     * Says Hello ahead of an asynchronous call to a worker that has not welcomed this client (a restarted one, or one
     * down at connect), unless a Hello to it is in flight. The worker handles a client's frames in order, so without a
     * shared secret it knows this client when the call arrives; with one, the call is answered UNAUTHENTICATED while
     * the handshake completes. Allocation free.
     */
    void helloAhead(final int workerId, final ExclusivePublication publication, final long nowNs)
    {
        if (receiver.isWelcomed(workerId) || receiver.isInFlight(helloAhead.get(workerId)))
        {
            return;
        }
        final long correlationId = receiver.addHello(workerId, nowNs + context.callTimeoutNs());
        if (0 != correlationId && !proxy.hello(publication, clientId, correlationId, placement.epoch(), Role.CLIENT,
            context.streamBase() + clientId, receiver.helloNonce(workerId), replyChannel))
        {
            receiver.sendFailed(correlationId);
            return;
        }
        helloAhead.put(workerId, correlationId);
    }

    /**
     * Says Hello to one worker, unless it welcomed this client already (and, saying Hello on first call, is still
     * connected), and waits for its welcome up to the deadline.
     *
     * @return OK once welcomed; OWNER_UNREACHABLE when the worker's publication is not connected, TIMEOUT when it did
     * not answer the Hello (either way no call went to it);
     * UNAUTHENTICATED when either side did not prove the shared secret; BACK_PRESSURED when the Hello was not sent.
     */
    Status welcome(final int workerId, final long deadlineNs, final IntSupplier poll)
    {
        final ExclusivePublication publication = workers.get(workerId);
        if (receiver.isWelcomed(workerId))
        {
            if (publication.isConnected())
            {
                return Status.OK;
            }
            // Gone, or restarting: a new process must hear Hello again.
            receiver.forget(workerId);
        }
        final long connectDeadlineNs = Math.min(deadlineNs, clock.nanoTime() + CONNECT_WAIT_NS);
        idle.reset();
        while (!publication.isConnected())
        {
            if (clock.nanoTime() - connectDeadlineNs >= 0)
            {
                return Status.OWNER_UNREACHABLE;
            }
            idle.idle();
        }
        receiver.clearHandshakeError();
        final long correlationId = receiver.addHello(workerId, deadlineNs);
        if (0 == correlationId || !proxy.hello(publication, clientId, correlationId, placement.epoch(), Role.CLIENT,
            context.streamBase() + clientId, receiver.helloNonce(workerId), replyChannel))
        {
            receiver.sendFailed(correlationId);
            return Status.BACK_PRESSURED;
        }
        idle.reset();
        while (!receiver.isWelcomed(workerId) && receiver.isInFlight(correlationId))
        {
            idle.idle(poll.getAsInt());
        }
        if (receiver.isWelcomed(workerId))
        {
            return Status.OK;
        }
        return null != receiver.handshakeError() ? Status.UNAUTHENTICATED : Status.TIMEOUT;
    }
}
