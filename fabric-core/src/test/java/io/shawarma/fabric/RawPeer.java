package io.shawarma.fabric;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.shawarma.codecs.Role;
import io.shawarma.codecs.Routing;
import io.shawarma.messaging.FabricAdapter;
import io.shawarma.messaging.FabricHandler;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.messaging.Outbound;
import io.shawarma.udf.Status;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hand-driven peer for tests: sends arbitrary bytes to a worker (a fabric worker, or a grid worker's data plane)
 * and records what the worker answers.
 */
public final class RawPeer implements AutoCloseable, FabricHandler
{
    public final int id;
    final Aeron aeron;
    final Subscription subscription;
    public final ExclusivePublication publication;
    public final FabricProxy proxy =
        new FabricProxy(64 * 1024, new Outbound(new SleepingMillisIdleStrategy(1), 1_000_000_000L));
    private final FabricAdapter adapter = new FabricAdapter(this);
    private final int streamBase;
    private long awaitedCorrelationId;
    public Status status;
    public int ownerId;
    public String text;
    final UnsafeBuffer result = new UnsafeBuffer(new byte[64 * 1024]);
    int resultLength;
    public boolean answered;
    /** Every InvokeResult received, awaited or not. */
    public int results;
    public boolean challenged;
    public boolean welcomed;
    private final SharedSecret secret;
    private long helloNonce;

    RawPeer(final Worker worker, final int id)
    {
        this(worker, id, null);
    }

    /**
     * @param secret to answer a worker's Challenge with (perhaps the wrong one), or null to ignore Challenges.
     */
    RawPeer(final Worker worker, final int id, final SharedSecret secret)
    {
        this(worker.aeronDirectoryName(), worker.context().channel(), worker.context().streamBase(), worker.id(), id,
            secret);
    }

    /**
     * @param aeronDirectoryName of a running media driver.
     * @param channel            the worker serves on.
     * @param streamBase         a participant's stream is the base plus its id.
     * @param workerId           the worker's id.
     * @param id                 this peer's id.
     * @param secret             to answer a worker's Challenge with (perhaps the wrong one), or null to ignore them.
     */
    public RawPeer(
        final String aeronDirectoryName, final String channel, final int streamBase, final int workerId, final int id,
        final SharedSecret secret)
    {
        this.secret = secret;
        this.id = id;
        this.streamBase = streamBase;
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectoryName));
        subscription = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", streamBase + id);
        publication = aeron.addExclusivePublication(channel, streamBase + workerId);
    }

    public void hello()
    {
        assertTrue(sayHello(), "worker did not answer Hello");
    }

    /**
     * @return true when the worker welcomed this peer (answered with a Heartbeat), false when it refused or did not
     * answer; {@link #challenged} tells whether it sent a Challenge.
     */
    public boolean sayHello()
    {
        String channel;
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (null == (channel = subscription.tryResolveChannelEndpointPort()) || !publication.isConnected())
        {
            idle.idle();
        }
        awaitedCorrelationId = 77;
        answered = false;
        status = null;
        challenged = false;
        welcomed = false;
        helloNonce = null == secret ? 0 : secret.nonce();
        assertTrue(proxy.hello(publication, id, 77, 0, Role.CLIENT, streamBase + id, helloNonce, channel));
        return awaitAnswer() && welcomed;
    }

    /**
     * Sends an Invoke with one int64 argument, claiming to be {@code senderId}, and expects its answer.
     */
    public void invoke(
        final int senderId, final long correlationId, final long vertexId, final int udfId, final long arg)
    {
        expect(correlationId);
        assertTrue(proxy.invoke(publication, senderId, correlationId, 0, vertexId, udfId, Routing.DIRECT,
            TestFabric.int64(arg), 0, Long.BYTES));
    }

    public void send(final DirectBuffer buffer, final int offset, final int length)
    {
        assertTrue(proxy.outbound().offer(publication, buffer, offset, length));
    }

    public void expect(final long correlationId)
    {
        awaitedCorrelationId = correlationId;
        answered = false;
        status = null;
    }

    public boolean awaitAnswer()
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (!answered && System.nanoTime() < deadline)
        {
            idle.idle(subscription.poll(adapter, 10));
        }
        return answered;
    }

    /**
     * @return fragments read from the worker's answers.
     */
    public int poll()
    {
        return subscription.poll(adapter, 10);
    }

    public void close()
    {
        CloseHelper.closeAll(publication, subscription, aeron);
    }

    public void onHello(
        final int senderId, final long correlationId, final long epoch, final int role, final int replyStreamId,
        final long nonce, final DirectBuffer buffer, final int channelOffset, final int channelLength)
    {
    }

    public void onHeartbeat(
        final int senderId, final long correlationId, final long epoch, final long timestampNs, final int pendingCalls)
    {
        if (correlationId == awaitedCorrelationId)
        {
            welcomed = true;
            answered = true;
        }
    }

    public void onChallenge(
        final int senderId, final long correlationId, final long epoch, final long nonce, final DirectBuffer buffer,
        final int proofOffset)
    {
        challenged = true;
        if (null == secret)
        {
            answered = true;
            return;
        }
        final UnsafeBuffer proof = bytes(PROOF_LENGTH);
        secret.callerProof(id, senderId, helloNonce, nonce, proof);
        assertTrue(proxy.authenticate(publication, id, correlationId, epoch, proof));
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

    public void onInvokeResult(
        final int senderId, final long correlationId, final long epoch, final int status, final int ownerId,
        final DirectBuffer buffer, final int resultOffset, final int resultLength)
    {
        results++;
        if (correlationId == awaitedCorrelationId)
        {
            this.status = Status.of(status);
            this.ownerId = ownerId;
            this.text = buffer.getStringWithoutLengthAscii(resultOffset, resultLength);
            this.result.putBytes(0, buffer, resultOffset, resultLength);
            this.resultLength = resultLength;
            this.answered = true;
        }
    }

    public void onPutVertex(
        final int senderId, final long correlationId, final long epoch, final long vertexId,
        final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
    }

    public void onGetVertex(final int senderId, final long correlationId, final long epoch, final long vertexId)
    {
    }

    public void onMalformed(final int senderId, final long correlationId, final int reason)
    {
    }

    static UnsafeBuffer bytes(final int length)
    {
        return new UnsafeBuffer(new byte[length]);
    }
}
