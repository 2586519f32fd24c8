package io.shawarma.fabric.grid;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.shawarma.codecs.Role;
import io.shawarma.codecs.Routing;
import io.shawarma.fabric.CallerHandshakes;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.Placement;
import io.shawarma.fabric.SharedSecret;
import io.shawarma.messaging.FabricAdapter;
import io.shawarma.messaging.FabricHandler;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Outbound;
import io.shawarma.udf.Status;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.shawarma.fabric.Configuration.STREAM_BASE_DEFAULT;

/**
 * Calls vertices on a grid's workers while slots move between them. Routes each call by the owner it last learnt
 * for the vertex's slot; a MOVED answer names the owner and the placement epoch, and the newer epoch wins (a MOVED
 * from a worker that has not yet seen the commit is older, and is retried after a pause). A write to a slot that is
 * moving is answered BACK_PRESSURED: it was not applied, so it is retried after a pause, until the call's deadline.
 * A call that got no answer returns TIMEOUT: it may or may not have been applied, and is not retried.
 * <p>
 * Says Hello to a worker the first time it calls it. With the grid's shared secret, the Hello is the fabric's
 * handshake ({@link CallerHandshakes}): the worker proves the secret first, then this client; answers from any other
 * session than the one the worker proved it on are dropped, and a call to a worker that refuses the proof (or does
 * not prove the secret) ends in UNAUTHENTICATED. Not thread safe: one thread per client.
 */
public final class GridDataClient implements AutoCloseable, FabricHandler
{
    private static final int FRAGMENT_LIMIT = 16;
    private static final long HELLO_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long HANDSHAKE_WINDOW_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long MIN_BACKOFF_NS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int INVOKE = 0;
    private static final int PUT = 1;
    private static final int GET = 2;

    private final int clientId;
    private final int slotCount;
    private final long callTimeoutNs;
    private final IdleStrategy idle;
    private final Subscription subscription;
    private final FabricMembers members;
    private final Int2ObjectHashMap<ExclusivePublication> workers = new Int2ObjectHashMap<>();
    private final IntHashSet welcomed = new IntHashSet();
    private final FabricAdapter adapter = new FabricAdapter(this);
    private final FragmentAssembler assembler = new FragmentAssembler(adapter);
    private final FabricProxy proxy;
    private final int[] slotOwners;
    private final long[] slotEpochs;
    private final UnsafeBuffer empty = new UnsafeBuffer(new byte[0]);
    private final CallerHandshakes handshakes;
    private final UnsafeBuffer proof = new UnsafeBuffer(new byte[PROOF_LENGTH]);
    private String replyChannel;
    private long nextCorrelationId = 1;
    private long awaitedCorrelationId;
    private Status awaitedStatus;
    private int awaitedOwner;
    private long awaitedEpoch;
    private MutableDirectBuffer awaitedResult;
    private int resultLength;
    private long movedFollowed;
    private long retries;
    private long refusedFrames;

    /**
     * @param aeron         client of this process's media driver.
     * @param clientId      put in every message; unique among the grid's callers.
     * @param replyChannel  where the workers answer, e.g. {@code aeron:udp?endpoint=127.0.0.1:0}.
     * @param workers       the workers that may own slots, {@code id@channel,...} (a worker not started yet is fine).
     * @param slotCount     the grid's slot count.
     * @param callTimeoutNs how long one call may take, retries included.
     * @param idleStrategy  while waiting for an answer.
     * @throws IllegalArgumentException when {@code shawarma.secret.file} names an unusable secret file.
     */
    public GridDataClient(
        final Aeron aeron, final int clientId, final String replyChannel, final String workers, final int slotCount,
        final long callTimeoutNs, final String idleStrategy)
    {
        this(aeron, clientId, replyChannel, workers, slotCount, callTimeoutNs, idleStrategy,
            ClusterAuthentication.configuredSecret());
    }

    /**
     * As above, with the secret given rather than read from {@code shawarma.secret.file}.
     *
     * @param secret the grid's shared secret, or null when the grid does not authenticate.
     */
    public GridDataClient(
        final Aeron aeron, final int clientId, final String replyChannel, final String workers, final int slotCount,
        final long callTimeoutNs, final String idleStrategy, final SharedSecret secret)
    {
        this.handshakes = new CallerHandshakes(secret, clientId);
        this.clientId = clientId;
        this.slotCount = slotCount;
        this.callTimeoutNs = callTimeoutNs;
        this.idle = IdleStrategies.of(idleStrategy);
        this.members = FabricMembers.parse(workers, "workers");
        this.proxy = new FabricProxy(64 * 1024, new Outbound(IdleStrategies.of(idleStrategy), callTimeoutNs));
        this.slotOwners = new int[slotCount];
        this.slotEpochs = new long[slotCount];
        Arrays.fill(slotOwners, SlotTable.NO_OWNER);
        Arrays.fill(slotEpochs, -1);
        this.subscription = aeron.addSubscription(replyChannel, STREAM_BASE_DEFAULT + clientId);
        for (int i = 0; i < members.size(); i++)
        {
            this.workers.put(members.idAt(i),
                aeron.addExclusivePublication(members.channelAt(i), STREAM_BASE_DEFAULT + members.idAt(i)));
        }
    }

    /**
     * Runs a UDF on a vertex at its owner.
     *
     * @return the outcome; the result (or error text) is in {@code result} for {@link #resultLength()} bytes.
     */
    public Status invoke(
        final long vertexId, final int udfId, final DirectBuffer args, final int argsOffset, final int argsLength,
        final MutableDirectBuffer result)
    {
        return call(INVOKE, vertexId, udfId, args, argsOffset, argsLength, result);
    }

    /** Creates or replaces a vertex's value at its owner. */
    public Status put(final long vertexId, final DirectBuffer value, final int offset, final int length)
    {
        return call(PUT, vertexId, 0, value, offset, length, null);
    }

    /** Reads a vertex's value from its owner into {@code value}, {@link #resultLength()} bytes. */
    public Status get(final long vertexId, final MutableDirectBuffer value)
    {
        return call(GET, vertexId, 0, empty, 0, 0, value);
    }

    /** @return the length of the last call's result. */
    public int resultLength()
    {
        return resultLength;
    }

    /** @return the worker that last served a call on the vertex's slot, or -1 when none has yet. */
    public int ownerOf(final long vertexId)
    {
        return slotOwners[Placement.slotOf(vertexId, slotCount)];
    }

    /** @return MOVED answers that sent a call to a new owner. */
    public long movedFollowed()
    {
        return movedFollowed;
    }

    /** @return calls sent again: refused while their slot moved, or MOVED from a worker behind. */
    public long retries()
    {
        return retries;
    }

    /** @return answers dropped: not on the session their worker proved the secret on. */
    public long refusedFrames()
    {
        return refusedFrames;
    }

    public void close()
    {
        CloseHelper.quietCloseAll(workers.values());
        CloseHelper.quietClose(subscription);
    }

    private Status call(
        final int kind, final long vertexId, final int udfId, final DirectBuffer buffer, final int offset,
        final int length, final MutableDirectBuffer result)
    {
        final long deadlineNs = System.nanoTime() + callTimeoutNs;
        final int slot = Placement.slotOf(vertexId, slotCount);
        long backoffNs = MIN_BACKOFF_NS;
        int guess = 0;
        resultLength = 0;
        while (System.nanoTime() - deadlineNs < 0)
        {
            final int ownerId = workers.containsKey(slotOwners[slot]) ? slotOwners[slot] : members.idAt(guess);
            final Status welcome = sayHello(ownerId, deadlineNs);
            if (Status.UNAUTHENTICATED == welcome)
            {
                return welcome;
            }
            if (Status.OK != welcome)
            {
                // Not reachable (not started, or gone): ask another worker where the slot is.
                slotOwners[slot] = SlotTable.NO_OWNER;
                guess = (guess + 1) % members.size();
                continue;
            }
            final long correlationId = nextCorrelationId++;
            if (!send(kind, workers.get(ownerId), correlationId, vertexId, udfId, buffer, offset, length))
            {
                backoffNs = pause(backoffNs);
                continue;
            }
            final Status status = await(correlationId, result, deadlineNs);
            if (Status.MOVED == status)
            {
                if (awaitedEpoch >= slotEpochs[slot] && workers.containsKey(awaitedOwner))
                {
                    slotOwners[slot] = awaitedOwner;
                    slotEpochs[slot] = awaitedEpoch;
                    movedFollowed++;
                    continue;
                }
                retries++;
                backoffNs = pause(backoffNs);
            }
            else if (Status.BACK_PRESSURED == status)
            {
                retries++;
                backoffNs = pause(backoffNs);
            }
            else if (Status.UNAUTHENTICATED == status)
            {
                // The worker no longer knows this client (it restarted, say): prove the secret again next time.
                forget(ownerId);
                return status;
            }
            else
            {
                slotOwners[slot] = ownerId;
                slotEpochs[slot] = Math.max(slotEpochs[slot], awaitedEpoch);
                return status;
            }
        }
        return Status.TIMEOUT;
    }

    private boolean send(
        final int kind, final ExclusivePublication worker, final long correlationId, final long vertexId,
        final int udfId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (kind)
        {
            case INVOKE:
                return proxy.invoke(worker, clientId, correlationId, 0, vertexId, udfId, Routing.DIRECT, buffer,
                    offset, length);
            case PUT:
                return proxy.putVertex(worker, clientId, correlationId, 0, vertexId, buffer, offset, length);
            default:
                return proxy.getVertex(worker, clientId, correlationId, 0, vertexId);
        }
    }

    /**
     * @return OK once the worker welcomed this client; UNAUTHENTICATED when either side did not prove the secret;
     * TIMEOUT when the worker did not answer (not reachable yet, or gone).
     */
    private Status sayHello(final int workerId, final long deadlineNs)
    {
        final ExclusivePublication worker = workers.get(workerId);
        if (welcomed.contains(workerId))
        {
            if (worker.isConnected())
            {
                return Status.OK;
            }
            // Gone, or restarted: a new process must hear Hello again.
            forget(workerId);
        }
        if (null == replyChannel)
        {
            replyChannel = subscription.tryResolveChannelEndpointPort();
        }
        final long helloDeadlineNs = Math.min(deadlineNs, System.nanoTime() + HELLO_INTERVAL_NS);
        if (null == replyChannel || !worker.isConnected())
        {
            idle.reset();
            while (System.nanoTime() - helloDeadlineNs < 0 && !worker.isConnected())
            {
                idle.idle();
            }
            return Status.TIMEOUT;
        }
        // With a secret, a Hello not answered yet is repeated as it was (same nonce, and the nonce as correlation id),
        // so that a slow answer to an earlier copy still completes the handshake.
        final long nonce = handshakes.helloNonce(workerId, System.nanoTime(), HANDSHAKE_WINDOW_NS);
        final long correlationId = 0 != nonce ? nonce : nextCorrelationId++;
        if (!proxy.hello(worker, clientId, correlationId, 0, Role.CLIENT, STREAM_BASE_DEFAULT + clientId, nonce,
            replyChannel))
        {
            return Status.TIMEOUT;
        }
        final Status status = await(correlationId, null, helloDeadlineNs);
        if (Status.OK == status || Status.UNAUTHENTICATED == status)
        {
            handshakes.forget(workerId);
        }
        if (Status.OK == status)
        {
            welcomed.add(workerId);
        }
        return Status.OK == status || Status.UNAUTHENTICATED == status ? status : Status.TIMEOUT;
    }

    private void forget(final int workerId)
    {
        welcomed.remove(workerId);
        handshakes.forget(workerId);
    }

    private Status await(final long correlationId, final MutableDirectBuffer result, final long deadlineNs)
    {
        awaitedCorrelationId = correlationId;
        awaitedResult = result;
        awaitedStatus = null;
        idle.reset();
        while (null == awaitedStatus && System.nanoTime() - deadlineNs < 0)
        {
            idle.idle(subscription.poll(assembler, FRAGMENT_LIMIT));
        }
        awaitedCorrelationId = 0;
        awaitedResult = null;
        return null == awaitedStatus ? Status.TIMEOUT : awaitedStatus;
    }

    private static long pause(final long backoffNs)
    {
        LockSupport.parkNanos(backoffNs);
        return Math.min(MAX_BACKOFF_NS, backoffNs * 2);
    }

    public void onInvokeResult(
        final int senderId, final long correlationId, final long epoch, final int status, final int ownerId,
        final DirectBuffer buffer, final int resultOffset, final int resultLength)
    {
        if (!handshakes.isAuthentic(senderId, adapter.sessionId()))
        {
            refusedFrames++;
            return;
        }
        if (correlationId != awaitedCorrelationId || 0 == correlationId)
        {
            return;
        }
        awaitedStatus = Status.of(status);
        awaitedOwner = ownerId;
        awaitedEpoch = epoch;
        this.resultLength = resultLength;
        if (null != awaitedResult)
        {
            awaitedResult.putBytes(0, buffer, resultOffset, Math.min(resultLength, awaitedResult.capacity()));
        }
    }

    public void onHeartbeat(
        final int senderId, final long correlationId, final long epoch, final long timestampNs, final int pendingCalls)
    {
        if (0 == correlationId)
        {
            return;
        }
        final boolean authentic = handshakes.isAuthentic(senderId, adapter.sessionId());
        if (handshakes.isAuthenticating() && authentic && correlationId == handshakes.lastHelloNonce(senderId))
        {
            // Also a welcome that comes after its Hello's wait: the handshake is complete all the same.
            welcomed.add(senderId);
        }
        if (correlationId == awaitedCorrelationId)
        {
            // A welcome from another session than the one the worker proved the secret on: it does not authenticate.
            awaitedStatus = authentic ? Status.OK : Status.UNAUTHENTICATED;
        }
    }

    public void onHello(
        final int senderId, final long correlationId, final long epoch, final int role, final int replyStreamId,
        final long nonce, final DirectBuffer buffer, final int channelOffset, final int channelLength)
    {
    }

    public void onChallenge(
        final int senderId, final long correlationId, final long epoch, final long nonce, final DirectBuffer buffer,
        final int proofOffset)
    {
        final ExclusivePublication worker = workers.get(senderId);
        final boolean awaited = 0 != correlationId && correlationId == awaitedCorrelationId;
        // Answered also after its Hello's wait (its Hello has the nonce as correlation id): a slow round trip counts.
        if (null == worker || 0 == correlationId ||
            !awaited && correlationId != handshakes.lastHelloNonce(senderId))
        {
            refusedFrames++;
        }
        else if (!handshakes.onChallenge(senderId, nonce, buffer, proofOffset, adapter.sessionId(), proof))
        {
            // The worker did not prove the secret (or this client has none): no call goes to it.
            if (awaited)
            {
                awaitedStatus = Status.UNAUTHENTICATED;
            }
            else
            {
                refusedFrames++;
            }
        }
        else
        {
            // Back pressured: no welcome comes, and the Hello is made again.
            proxy.authenticate(worker, clientId, correlationId, 0, proof);
        }
    }

    public void onAuthenticate(
        final int senderId, final long correlationId, final long epoch, final DirectBuffer buffer,
        final int proofOffset)
    {
    }

    public void onInvoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId,
        final int routing, final DirectBuffer buffer, final int argsOffset, final int argsLength)
    {
    }

    public void onPutVertex(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final DirectBuffer buffer,
        final int valueOffset, final int valueLength)
    {
    }

    public void onGetVertex(final int senderId, final long correlationId, final long epoch, final long vertexId)
    {
    }

    public void onMalformed(final int senderId, final long correlationId, final int reason)
    {
    }
}
