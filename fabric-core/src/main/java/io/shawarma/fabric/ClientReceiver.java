package io.shawarma.fabric;

import io.aeron.ExclusivePublication;
import io.shawarma.messaging.FabricAdapter;
import io.shawarma.messaging.FabricHandler;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import static io.shawarma.fabric.Configuration.SECRET_FILE_PROP;

/**
 * A client's side of the wire: the frames its workers send it (answers, Hello answers, Challenges) matched to the
 * calls in flight. The one synchronous call being awaited gets its outcome here; asynchronous ones go to the
 * {@link FabricClient.ResultHandler}. Frames a client never expects are counted and dropped.
 */
final class ClientReceiver implements FabricHandler
{
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);
    // Marks a pending call as a Hello (in PendingCalls' caller correlation field): its answer welcomes a worker.
    private static final long HELLO = 1;

    private final int clientId;
    private final FabricProxy proxy;
    private final Placement placement;
    private final PeersById<ExclusivePublication> workers;
    private final SharedSecret secret;
    // With a shared secret: each worker's Aeron session, learnt from its proven Challenge; its frames must come on it.
    private final CallerHandshakes handshakes;
    private final UnsafeBuffer proof = new UnsafeBuffer(new byte[PROOF_LENGTH]);
    private final FabricClient.ResultHandler resultHandler;
    private final FabricAdapter adapter = new FabricAdapter(this);
    final PendingCalls pending;
    private final PendingCalls.ExpiryHandler onExpired = this::onExpired;
    private final IntHashSet welcomed = new IntHashSet();

    private long awaitedCorrelationId;
    private Status awaitedStatus;
    private MutableDirectBuffer awaitedResult;
    private String handshakeError;
    private int resultLength;
    private int lastOwnerId;
    private long lastEpoch;
    private long lateResults;
    private long unexpectedFrames;

    ClientReceiver(
        final FabricClient.Context context, final FabricProxy proxy, final Placement placement,
        final PeersById<ExclusivePublication> workers)
    {
        this.clientId = context.clientId();
        this.proxy = proxy;
        this.placement = placement;
        this.workers = workers;
        this.secret = context.secret();
        this.handshakes = new CallerHandshakes(secret, clientId);
        this.resultHandler = context.resultHandler();
        this.pending = new PendingCalls(context.maxPendingCalls());
    }

    FabricAdapter adapter()
    {
        return adapter;
    }

    long helloNonce(final int workerId)
    {
        return handshakes.helloNonce(workerId);
    }

    /**
     * Registers a Hello to a worker, answered by {@link #isWelcomed(int)} turning true.
     *
     * @return its correlation id, or 0 when too many calls are in flight.
     */
    long addHello(final int workerId, final long deadlineNs)
    {
        return pending.add(deadlineNs, workerId, HELLO);
    }

    /**
     * @return true when the call is still waiting for its answer.
     */
    boolean isInFlight(final long correlationId)
    {
        return 0 != correlationId && pending.indexOf(correlationId) >= 0;
    }

    /**
     * @return true when the worker answered this client's Hello (after its proof, with a secret).
     */
    boolean isWelcomed(final int workerId)
    {
        return welcomed.contains(workerId);
    }

    /**
     * Forgets a worker's welcome (it went away, or no longer knows this client): Hello again before the next call.
     */
    void forget(final int workerId)
    {
        welcomed.remove(workerId);
        handshakes.forget(workerId);
    }

    void clearHandshakeError()
    {
        handshakeError = null;
    }

    /**
     * Makes a call the one being awaited: its answer is copied into {@code result}.
     */
    void await(final long correlationId, final MutableDirectBuffer result)
    {
        awaitedCorrelationId = correlationId;
        awaitedResult = result;
        awaitedStatus = null;
        lastOwnerId = -1;
        resultLength = 0;
    }

    /**
     * @return the awaited call's outcome, or null while it has none.
     */
    Status awaitedStatus()
    {
        return awaitedStatus;
    }

    void endAwait()
    {
        awaitedCorrelationId = 0;
        awaitedResult = null;
    }

    /**
     * The outcome of a call decided here, without an answer: names the worker it was for, and copies the text.
     *
     * @param text the error text, or null for none.
     */
    void localOutcome(final int workerId, final MutableDirectBuffer result, final DirectBuffer text)
    {
        lastOwnerId = workerId;
        resultLength = 0;
        if (null != text && null != result)
        {
            resultLength = Math.min(text.capacity(), result.capacity());
            result.putBytes(0, text, 0, resultLength);
        }
    }

    /**
     * Forgets a call that could not be sent.
     */
    void sendFailed(final long correlationId)
    {
        if (0 != correlationId)
        {
            pending.remove(pending.indexOf(correlationId));
        }
        resultLength = 0;
    }

    int expire(final long nowNs)
    {
        return pending.expire(nowNs, onExpired);
    }

    String handshakeError()
    {
        return handshakeError;
    }

    int resultLength()
    {
        return resultLength;
    }

    int lastOwnerId()
    {
        return lastOwnerId;
    }

    long lastEpoch()
    {
        return lastEpoch;
    }

    long lateResults()
    {
        return lateResults;
    }

    long unexpectedFrames()
    {
        return unexpectedFrames;
    }

    public void onInvokeResult(
        final int senderId, final long correlationId, final long epoch, final int status, final int ownerId,
        final DirectBuffer buffer, final int resultOffset, final int resultLength)
    {
        if (!isAuthentic(senderId))
        {
            unexpectedFrames++;
            return;
        }
        final int index = pending.indexOf(correlationId);
        if (index < 0)
        {
            lateResults++;
            return;
        }
        final boolean hello = isHello(index);
        pending.remove(index);
        final Status outcome = Status.of(status);
        if (hello)
        {
            if (Status.UNAUTHENTICATED == outcome)
            {
                handshakeError = "worker " + senderId + " refused this client's proof of the shared secret: is " +
                    SECRET_FILE_PROP + " the same file there?";
            }
        }
        else if (correlationId == awaitedCorrelationId)
        {
            awaitedStatus = outcome;
            lastOwnerId = ownerId;
            lastEpoch = epoch;
            this.resultLength = resultLength;
            if (null != awaitedResult)
            {
                awaitedResult.putBytes(0, buffer, resultOffset, Math.min(resultLength, awaitedResult.capacity()));
            }
        }
        else if (null != resultHandler)
        {
            resultHandler.onResult(correlationId, outcome, ownerId, buffer, resultOffset, resultLength);
        }
    }

    public void onHeartbeat(
        final int senderId, final long correlationId, final long epoch, final long timestampNs, final int pendingCalls)
    {
        final int index = pending.indexOf(correlationId);
        if (index >= 0 && isHello(index) && pending.callerId(index) == senderId)
        {
            if (!isAuthentic(senderId))
            {
                failHandshake(correlationId, "worker " + senderId + " answered without authenticating; set " +
                    SECRET_FILE_PROP + " on the workers too, or remove it here");
                return;
            }
            pending.remove(index);
            welcomed.add(senderId);
        }
    }

    public void onChallenge(
        final int senderId, final long correlationId, final long epoch, final long nonce, final DirectBuffer buffer,
        final int proofOffset)
    {
        final ExclusivePublication worker = workers.get(senderId);
        final int index = pending.indexOf(correlationId);
        if (null == worker || index < 0 || !isHello(index) || pending.callerId(index) != senderId)
        {
            unexpectedFrames++;
        }
        else if (null == secret)
        {
            failHandshake(correlationId, "worker " + senderId + " requires authentication: set " + SECRET_FILE_PROP +
                " to the file of the fabric's shared secret");
        }
        else if (!handshakes.onChallenge(senderId, nonce, buffer, proofOffset, adapter.sessionId(), proof))
        {
            failHandshake(correlationId, "worker " + senderId + " did not prove the shared secret: is " +
                SECRET_FILE_PROP + " the same file there?");
        }
        else if (!proxy.authenticate(worker, clientId, correlationId, placement.epoch(), proof))
        {
            failHandshake(correlationId, "could not send Authenticate to worker " + senderId + " (back pressure)");
        }
    }

    public void onAuthenticate(
        final int senderId, final long correlationId, final long epoch, final DirectBuffer buffer,
        final int proofOffset)
    {
        unexpectedFrames++;
    }

    public void onHello(
        final int senderId, final long correlationId, final long epoch, final int role, final int replyStreamId,
        final long nonce, final DirectBuffer buffer, final int channelOffset, final int channelLength)
    {
        unexpectedFrames++;
    }

    public void onInvoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId,
        final int routing, final DirectBuffer buffer, final int argsOffset, final int argsLength)
    {
        unexpectedFrames++;
    }

    public void onPutVertex(
        final int senderId, final long correlationId, final long epoch, final long vertexId,
        final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
        unexpectedFrames++;
    }

    public void onGetVertex(final int senderId, final long correlationId, final long epoch, final long vertexId)
    {
        unexpectedFrames++;
    }

    public void onMalformed(final int senderId, final long correlationId, final int reason)
    {
        unexpectedFrames++;
    }

    private boolean isAuthentic(final int workerId)
    {
        return handshakes.isAuthentic(workerId, adapter.sessionId());
    }

    private boolean isHello(final int index)
    {
        return HELLO == pending.callerCorrelationId(index);
    }

    private void failHandshake(final long correlationId, final String error)
    {
        handshakeError = error;
        pending.remove(pending.indexOf(correlationId));
    }

    private void onExpired(final long correlationId, final int workerId, final long marker)
    {
        if (HELLO == marker)
        {
            return;
        }
        // The worker may have restarted and dropped the call: Hello again before the next synchronous call to it.
        forget(workerId);
        if (correlationId == awaitedCorrelationId)
        {
            awaitedStatus = Status.TIMEOUT;
        }
        else if (null != resultHandler)
        {
            resultHandler.onResult(correlationId, Status.TIMEOUT, -1, EMPTY, 0, 0);
        }
    }
}
