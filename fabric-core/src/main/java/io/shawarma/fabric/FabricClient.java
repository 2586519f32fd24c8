package io.shawarma.fabric;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.shawarma.codecs.Routing;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Outbound;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

import static io.shawarma.fabric.Configuration.*;

/**
 * Calls vertices on a fabric's workers: synchronous calls that wait with the idle strategy up to the call timeout,
 * and asynchronous ones completed through {@link #poll()} and a {@link ResultHandler}. Routes each call to the
 * vertex's owner by the same placement the workers use, and follows MOVED once on synchronous calls. A caller with
 * its own routing (the grid's slot table) calls chosen workers ({@code invokeAt}, {@link #putAt}, {@link #getAt}) and
 * adds workers as it learns of them ({@link #worker(int, String)}); a worker that answers UNAUTHENTICATED (it no
 * longer knows this client), does not answer in time or disconnects hears Hello again before the next synchronous
 * call: so a restarted worker (same channel) is welcomed again on its own, its first call after the restart
 * answered TIMEOUT. A call to a worker that is not connected is answered OWNER_UNREACHABLE, naming it, unsent.
 * <p>
 * Not thread safe: one thread per client. Allocation free per call after {@link #connect(Context)}.
 */
public final class FabricClient implements AutoCloseable
{
    /** Receives the answers to asynchronous calls, and TIMEOUT for those that expire. */
    @FunctionalInterface
    public interface ResultHandler
    {
        /**
         * @param correlationId the call's, as returned when it was sent.
         * @param status        the outcome.
         * @param ownerId       with MOVED, the vertex's owner; else -1.
         * @param buffer        holding the result, or the error text when not OK; valid during the call only.
         * @param offset        of the result.
         * @param length        of the result.
         */
        void onResult(long correlationId, Status status, int ownerId, DirectBuffer buffer, int offset, int length);
    }

    private static final int FRAGMENT_LIMIT = 16;
    private static final int MAX_MOVED_FOLLOWS = 1;

    private final Context context;
    private final int clientId;
    private final Transport transport;
    private final Subscription subscription;
    private final PeersById<ExclusivePublication> workers = new PeersById<>();
    private final Placement placement;
    private final FabricProxy proxy;
    private final ClientReceiver receiver;
    private final PendingCalls pending;
    // Messages longer than the MTU arrive in fragments: reassembled before decoding.
    private final FragmentAssembler assembler;
    private final NanoClock clock;
    private final IdleStrategy idle;
    private final UnsafeBuffer putResult;
    private final Aeron aeron;
    private final ClientHellos hellos;
    private final ClientCalls calls;

    private FabricClient(final Context context)
    {
        this.context = context;
        this.clientId = context.clientId();
        this.clock = context.nanoClock();
        this.idle = IdleStrategies.of(context.idleStrategy());
        this.putResult = new UnsafeBuffer(new byte[context.maxPayloadBytes()]);
        this.placement = new Placement(context.members(), 1);
        this.proxy = new FabricProxy(
            context.maxPayloadBytes(),
            new Outbound(IdleStrategies.of(context.idleStrategy()), context.offerTimeoutNs()));
        this.receiver = new ClientReceiver(context, proxy, placement, workers);
        this.pending = receiver.pending;
        this.assembler = new FragmentAssembler(receiver.adapter());

        Transport transport = null;
        Subscription subscription = null;
        Aeron aeron = null;
        try
        {
            if (null == context.aeron())
            {
                transport = "external".equals(context.driver()) ?
                    Transport.external(context.aeronDirectoryName(), context.errorHandler()) :
                    Transport.embedded("client-" + clientId, context.driverIdleStrategy(), context.termLength(),
                        context.errorHandler());
            }
            aeron = null != transport ? transport.aeron() : context.aeron();
            subscription = aeron.addSubscription(context.channel(), context.streamBase() + clientId);
            final FabricMembers members = context.members();
            for (int i = 0; i < members.size(); i++)
            {
                final int workerId = members.idAt(i);
                workers.put(workerId,
                    aeron.addExclusivePublication(members.channelAt(i), context.streamBase() + workerId));
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(subscription, transport);
            throw ex;
        }
        this.transport = transport;
        this.aeron = aeron;
        this.subscription = subscription;
        this.hellos = new ClientHellos(context, clientId, receiver, proxy, placement, workers, subscription, idle);
        this.calls = new ClientCalls(context, receiver, proxy, placement, workers, hellos, idle, this::poll);
    }

    /**
     * Connects to every worker of the fabric: says Hello with this client's reply address and waits for each
     * worker's answer, up to {@link Context#connectTimeoutNs()}. With {@link Context#partialConnect(boolean)} one
     * answer is enough; {@link #unreachableWorkers()} names the rest.
     *
     * @param context the client's settings; concluded here.
     * @return the connected client.
     * @throws IllegalStateException naming exactly the workers that did not answer in time (all of them, with a
     *                               partial connect).
     */
    public static FabricClient connect(final Context context)
    {
        final FabricClient client = new FabricClient(context.conclude());
        try
        {
            if (context.helloOnFirstCall())
            {
                client.hellos.bind(client.clock.nanoTime() + context.connectTimeoutNs());
            }
            else
            {
                client.hellos.sayHello(client.calls.poller());
            }
            return client;
        }
        catch (final RuntimeException ex)
        {
            client.close();
            throw ex;
        }
    }

    /**
     * @return the concluded settings.
     */
    public Context context()
    {
        return context;
    }

    /**
     * @return this client's id.
     */
    public int id()
    {
        return clientId;
    }

    /**
     * @return the placement this client routes by.
     */
    public Placement placement()
    {
        return placement;
    }

    /**
     * Runs a UDF on a vertex at its owner and waits for the answer.
     *
     * @param vertexId   the vertex.
     * @param udfId      the UDF's wire id, {@link Udf#idOf(CharSequence)} of its name.
     * @param args       argument bytes.
     * @param argsOffset of the arguments.
     * @param argsLength of the arguments.
     * @param result     receives the result (or the error text) at offset 0; see {@link #resultLength()}.
     * @return the outcome.
     */
    public Status invoke(
        final long vertexId, final int udfId, final DirectBuffer args, final int argsOffset, final int argsLength,
        final MutableDirectBuffer result)
    {
        Status status = Status.MOVED;
        for (int attempt = 0; attempt <= MAX_MOVED_FOLLOWS && Status.MOVED == status; attempt++)
        {
            status = calls.callAt(
                ClientCalls.INVOKE, placement.ownerOf(vertexId), Routing.DIRECT, vertexId, udfId, args, argsOffset,
                argsLength, result);
            followMoved(status, vertexId);
        }
        return status;
    }

    /**
     * Runs a UDF on a vertex through a chosen worker, which runs it if it owns the vertex or else forwards it to
     * the owner and relays the answer (the worker's scheduler decides). Waits for the answer.
     *
     * @param workerId the worker to send the call to.
     * @return the outcome.
     * @see #invoke(long, int, DirectBuffer, int, int, MutableDirectBuffer)
     */
    public Status invokeVia(
        final int workerId, final long vertexId, final int udfId, final DirectBuffer args, final int argsOffset,
        final int argsLength, final MutableDirectBuffer result)
    {
        return calls.callAt(
            ClientCalls.INVOKE, workerId, Routing.ANY, vertexId, udfId, args, argsOffset, argsLength, result);
    }

    /**
     * Runs a UDF on a vertex at a chosen worker, which answers MOVED if it does not own the vertex. Waits.
     *
     * @param workerId the worker to send the call to.
     * @return the outcome.
     */
    public Status invokeAt(
        final int workerId, final long vertexId, final int udfId, final DirectBuffer args, final int argsOffset,
        final int argsLength, final MutableDirectBuffer result)
    {
        return calls.callAt(
            ClientCalls.INVOKE, workerId, Routing.DIRECT, vertexId, udfId, args, argsOffset, argsLength, result);
    }

    /**
     * Creates or replaces a vertex's value at its owner and waits for the acknowledgement.
     *
     * @return OK once the owner stored it; otherwise the owner's error text is in {@link #putResult()}.
     */
    public Status put(final long vertexId, final DirectBuffer value, final int offset, final int length)
    {
        Status status = Status.MOVED;
        for (int attempt = 0; attempt <= MAX_MOVED_FOLLOWS && Status.MOVED == status; attempt++)
        {
            status = putAt(placement.ownerOf(vertexId), vertexId, value, offset, length);
            followMoved(status, vertexId);
        }
        return status;
    }

    /**
     * Creates or replaces a vertex's value at a chosen worker, which answers MOVED if it does not own it. Waits.
     */
    public Status putAt(
        final int workerId, final long vertexId, final DirectBuffer value, final int offset, final int length)
    {
        return calls.callAt(ClientCalls.PUT, workerId, Routing.DIRECT, vertexId, 0, value, offset, length, putResult);
    }

    /**
     * @return the error text of the last {@link #put}, {@link #resultLength()} bytes from offset 0; valid until the
     * next call.
     */
    public DirectBuffer putResult()
    {
        return putResult;
    }

    /**
     * Reads a vertex's value from its owner.
     *
     * @param value receives the value at offset 0; see {@link #resultLength()}.
     * @return OK with the value, or NO_SUCH_VERTEX.
     */
    public Status get(final long vertexId, final MutableDirectBuffer value)
    {
        Status status = Status.MOVED;
        for (int attempt = 0; attempt <= MAX_MOVED_FOLLOWS && Status.MOVED == status; attempt++)
        {
            status = getAt(placement.ownerOf(vertexId), vertexId, value);
            followMoved(status, vertexId);
        }
        return status;
    }

    /**
     * Reads a vertex's value at a chosen worker, which answers MOVED if it does not own it. Waits.
     */
    public Status getAt(final int workerId, final long vertexId, final MutableDirectBuffer value)
    {
        return calls.callAt(ClientCalls.GET, workerId, Routing.DIRECT, vertexId, 0, Replies.EMPTY, 0, 0, value);
    }

    /**
     * Adds a worker to call, or moves a known one to a new channel (it hears Hello there before the next call).
     */
    public void worker(final int workerId, final String channel)
    {
        final ExclusivePublication known = workers.get(workerId);
        if (null == known || !known.channel().equals(channel))
        {
            CloseHelper.quietClose(known);
            receiver.forget(workerId);
            workers.put(workerId, aeron.addExclusivePublication(channel, context.streamBase() + workerId));
        }
    }

    /**
     * @return true when the client knows where the worker serves calls.
     */
    public boolean hasWorker(final int workerId)
    {
        return workers.containsKey(workerId);
    }

    /**
     * @return true when the worker welcomed this client's Hello and was not forgotten since: a TIMEOUT from a call to
     * a worker not welcomed means the call was not sent.
     */
    public boolean isWelcomed(final int workerId)
    {
        return receiver.isWelcomed(workerId);
    }

    /**
     * @return the fabric's workers that have not welcomed this client: after a {@link ClientSettings#partialConnect
     * partial connect}, the ones that were down; later, also those that went away or may have restarted (a call to
     * them timed out, or their publication disconnected), until a call says Hello to them again.
     */
    public List<Integer> unreachableWorkers()
    {
        return hellos.unreachable();
    }

    /**
     * Sends a call to the vertex's owner without waiting. The answer reaches the {@link ResultHandler} from a
     * later {@link #poll()}. An owner that has not welcomed this client (it restarted, or was down at connect) is
     * said Hello to just before the call.
     *
     * @return the call's correlation id ({@code > 0}); {@code -Status.OWNER_UNREACHABLE.code()} when the owner's
     * publication is not connected (it is down); or {@code -Status.BACK_PRESSURED.code()} when the call could not be
     * sent (too many in flight, or the publication stayed back pressured).
     */
    public long sendInvoke(
        final long vertexId, final int udfId, final DirectBuffer args, final int argsOffset, final int argsLength)
    {
        final int ownerId = placement.ownerOf(vertexId);
        final ExclusivePublication owner = workers.get(ownerId);
        if (!owner.isConnected())
        {
            return -Status.OWNER_UNREACHABLE.code();
        }
        final long nowNs = clock.nanoTime();
        hellos.helloAhead(ownerId, owner, nowNs);
        final long correlationId = pending.add(nowNs + context.callTimeoutNs(), ownerId, 0);
        if (0 == correlationId || !proxy.invoke(owner, clientId, correlationId, placement.epoch(),
            vertexId, udfId, Routing.DIRECT, args, argsOffset, argsLength))
        {
            receiver.sendFailed(correlationId);
            return -Status.BACK_PRESSURED.code();
        }
        return correlationId;
    }

    /**
     * Polls for answers and expires calls past their deadline.
     *
     * @return the amount of work done.
     */
    public int poll()
    {
        final int polled = subscription.poll(assembler, FRAGMENT_LIMIT);
        // The clock is read only while calls are in flight: an idle client's poll costs one subscription poll.
        return 0 == pending.size() ? polled : polled + receiver.expire(clock.nanoTime());
    }

    /**
     * @return length of the last synchronous call's result or error text.
     */
    public int resultLength()
    {
        return receiver.resultLength();
    }

    /**
     * @return the placement epoch of the last synchronous call's answer.
     */
    public long lastEpoch()
    {
        return receiver.lastEpoch();
    }

    /**
     * @return the owner named by the last MOVED answer, or -1.
     */
    public int lastOwnerId()
    {
        return receiver.lastOwnerId();
    }

    /**
     * @return number of calls in flight.
     */
    public int pendingCalls()
    {
        return pending.size();
    }

    /**
     * @return answers that arrived after their call had expired, or for no call of this client.
     */
    public long lateResults()
    {
        return receiver.lateResults();
    }

    /**
     * @return frames a client never expects (calls addressed to it, Hello, malformed frames), counted and dropped.
     */
    public long unexpectedFrames()
    {
        return receiver.unexpectedFrames();
    }

    /**
     * Closes the client's publications and subscription, and its media driver if it has its own.
     */
    public void close()
    {
        final List<AutoCloseable> closeables = new ArrayList<>();
        workers.forEach(closeables::add);
        closeables.add(subscription);
        closeables.add(transport);
        CloseHelper.quietCloseAll(closeables);
    }

    private void followMoved(final Status status, final long vertexId)
    {
        final int ownerId = receiver.lastOwnerId();
        if (Status.MOVED == status && workers.containsKey(ownerId))
        {
            // The answer carries the answering worker's placement epoch: the client moves up to it.
            placement.override(vertexId, ownerId, receiver.lastEpoch());
        }
    }

    /**
     * A client's settings, each defaulted from its system property (see {@link Configuration} and
     * {@link ClientSettings}).
     */
    public static final class Context extends ClientSettings<Context>
    {
    }
}
