package io.shawarma.fabric.grid;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.Role;
import io.shawarma.codecs.SlotChunkDecoder;
import io.shawarma.codecs.SlotChunkEncoder;
import io.shawarma.fabric.CallerHandshakes;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.Handshake;
import io.shawarma.fabric.Handshakes;
import io.shawarma.fabric.LocalInvoker;
import io.shawarma.fabric.SharedSecret;
import io.shawarma.messaging.FabricAdapter;
import io.shawarma.messaging.FabricHandler;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.messaging.Outbound;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A grid worker's data plane: serves Hello, Invoke, PutVertex and GetVertex on its own vertices by the slot
 * placement of {@link SlotMigration} (MOVED with the owner and epoch for a slot it does not own; BACK_PRESSURED,
 * retryable, naming the target, for a write to a slot it is moving away, and naming this worker for any call on a
 * slot whose data is still on its way here), streams moving slots to their targets
 * (SlotChunk) and hands received chunks to the migration. Every inbound frame ends in a reply or a count.
 * <p>
 * With the grid's shared secret, callers prove it with the fabric's Hello handshake ({@link Handshakes}: Hello,
 * Challenge, Authenticate, welcome) and are bound to the Aeron session they proved it on; calls from anyone else are
 * dropped and counted ({@link #authFailures()}), and answered UNAUTHENTICATED when the sender is mid-handshake. A
 * slot's stream is taken only from a worker authenticated that way: before it streams, a source worker says Hello to
 * its target ({@link CallerHandshakes}), so each checks the other's proof. A refused chunk is answered
 * UNAUTHENTICATED to the worker it names, which then proves itself again (the target may have restarted).
 */
final class GridDataPlane implements FabricHandler, AutoCloseable
{
    private static final int FRAGMENT_LIMIT = 16;
    private static final int MAX_CLIENTS = 1024;
    private static final int NO_OWNER = -1;
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);
    private static final UnsafeBuffer SLOT_MOVING = ascii("slot moving to another worker; retry shortly");
    private static final UnsafeBuffer SLOT_ARRIVING = ascii("slot's data on its way to this worker; retry shortly");
    private static final long HANDSHAKE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long HANDSHAKE_SWEEP_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long HELLO_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final int workerId;
    private final int streamBase;
    private final Aeron aeron;
    private final Subscription subscription;
    private final LocalInvoker invoker;
    private final FabricAdapter adapter = new FabricAdapter(this);
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    private final FabricProxy proxy;
    private final Outbound outbound;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SlotChunkDecoder chunkDecoder = new SlotChunkDecoder();
    private final SlotChunkEncoder chunkEncoder = new SlotChunkEncoder();
    private final ExpandableDirectByteBuffer chunkBuffer =
        new ExpandableDirectByteBuffer(SlotMigration.CHUNK_BYTES + 4096);
    private final Int2ObjectHashMap<Caller> clients = new Int2ObjectHashMap<>();
    // With a secret: callers proving it (they join clients once they have), and the Challenges owed to them.
    private final Handshakes<Caller> handshakes;
    private final ArrayList<Caller> challengesOwed = new ArrayList<>();
    private final Consumer<Caller> onHandshakeExpired = this::release;
    // With a secret: this worker's own handshakes with the targets of its moves.
    private final CallerHandshakes targetHandshakes;
    private final IntHashSet welcomedTargets = new IntHashSet();
    private final Long2LongHashMap helloSentNs = new Long2LongHashMap(Long.MIN_VALUE);
    private final UnsafeBuffer proof = new UnsafeBuffer(new byte[FabricHandler.PROOF_LENGTH]);
    private String servedChannel;
    private long nextSweepNs;
    private final Int2ObjectHashMap<ExclusivePublication> workers = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<String> workerChannels = new Int2ObjectHashMap<>();
    private SlotMigration migration;
    private String targetChannels = "";
    private long placementEpoch;
    private long refusedFrames;
    private long malformedChunks;
    private volatile long authFailures;

    /**
     * @param workerId      this worker.
     * @param aeron         client of this worker's media driver.
     * @param channel       to serve calls on.
     * @param streamBase    a participant's stream is the base plus its id.
     * @param invoker       runs calls on this worker's vertices.
     * @param retryIdle     while a reply or chunk is back pressured.
     * @param offerTimeoutNs how long a send may stay back pressured.
     * @param maxPayloadBytes largest argument, value or result.
     */
    GridDataPlane(
        final int workerId, final Aeron aeron, final String channel, final int streamBase, final LocalInvoker invoker,
        final IdleStrategy retryIdle, final long offerTimeoutNs,
        final int maxPayloadBytes)
    {
        this(workerId, aeron, channel, streamBase, invoker, retryIdle, offerTimeoutNs, maxPayloadBytes, null);
    }

    /**
     * As above, and
     *
     * @param secret the grid's shared secret: callers and the sources of slot streams must prove it; null for none.
     */
    GridDataPlane(
        final int workerId, final Aeron aeron, final String channel, final int streamBase, final LocalInvoker invoker,
        final IdleStrategy retryIdle, final long offerTimeoutNs, final int maxPayloadBytes, final SharedSecret secret)
    {
        this.handshakes = new Handshakes<>(secret, workerId, HANDSHAKE_TIMEOUT_NS);
        this.targetHandshakes = new CallerHandshakes(secret, workerId);
        this.workerId = workerId;
        this.streamBase = streamBase;
        this.aeron = aeron;
        this.invoker = invoker;
        this.outbound = new Outbound(retryIdle, offerTimeoutNs);
        this.proxy = new FabricProxy(maxPayloadBytes, outbound);
        this.subscription = aeron.addSubscription(channel, streamBase + workerId);
    }

    void migration(final SlotMigration migration)
    {
        this.migration = migration;
    }

    /**
     * @return the channel this worker serves on, with the port the driver bound; null until bound.
     */
    String resolvedChannel()
    {
        return subscription.tryResolveChannelEndpointPort();
    }

    void placementEpoch(final long epoch)
    {
        placementEpoch = epoch;
    }

    /**
     * Where the other workers serve calls, as the cluster last said ({@code id@channel,...}).
     */
    void targetChannels(final String spec)
    {
        if (spec.isEmpty() || spec.equals(targetChannels))
        {
            return;
        }
        targetChannels = spec;
        final FabricMembers members = FabricMembers.parse(spec, "targetChannels");
        for (int i = 0; i < members.size(); i++)
        {
            final int id = members.idAt(i);
            final String channel = members.channelAt(i);
            if (!channel.equals(workerChannels.get(id)))
            {
                CloseHelper.quietClose(workers.remove(id));
                forgetTarget(id);
                workers.put(id, aeron.addExclusivePublication(channel, streamBase + id));
                workerChannels.put(id, channel);
            }
        }
    }

    int poll()
    {
        int work = subscription.poll(assembler, FRAGMENT_LIMIT);
        if (handshakes.pendingCount() > 0)
        {
            work += sendChallengesOwed();
            final long nowNs = System.nanoTime();
            if (nowNs - nextSweepNs >= 0)
            {
                nextSweepNs = nowNs + HANDSHAKE_SWEEP_NS;
                handshakes.expire(nowNs, onHandshakeExpired);
            }
        }
        return work;
    }

    long refusedFrames()
    {
        return refusedFrames;
    }

    long malformedChunks()
    {
        return malformedChunks;
    }

    /**
     * @return frames refused because their sender had not proved the secret on the session they came on, and
     * handshakes failed or refused (read from any thread).
     */
    long authFailures()
    {
        return authFailures;
    }

    public void close()
    {
        clients.values().forEach(this::release);
        handshakes.clear(onHandshakeExpired);
        CloseHelper.quietCloseAll(workers.values());
        CloseHelper.quietClose(subscription);
    }

    /** Sends one chunk of a moving slot to its target: see {@link SlotMigration.Link#sendChunk}. */
    boolean sendChunk(
        final int targetId, final long moveId, final long epoch, final int slot, final int sequence, final boolean last,
        final int vertexCount, final DirectBuffer vertices, final int length)
    {
        final ExclusivePublication publication = workers.get(targetId);
        if (null == publication || !publication.isConnected())
        {
            forgetTarget(targetId);
            return false;
        }
        if (targetHandshakes.isAuthenticating() && !welcomedTargets.contains(targetId))
        {
            sayHello(targetId, publication);
            return false;
        }
        chunkEncoder.wrapAndApplyHeader(chunkBuffer, 0, headerEncoder).session()
            .senderId(workerId).correlationId(0).epoch(epoch);
        chunkEncoder.moveId(moveId).slot(slot).sequence(sequence).last((short)(last ? 1 : 0)).vertexCount(vertexCount)
            .putVertices(vertices, 0, length);
        return outbound.offer(
            publication, chunkBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + chunkEncoder.encodedLength());
    }

    /** One reassembled frame; package-private for the fuzz target (GridDataPlaneFuzzTest). */
    void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header frameHeader)
    {
        if (length >= MessageHeaderDecoder.ENCODED_LENGTH)
        {
            header.wrap(buffer, offset);
            if (header.schemaId() == MessageHeaderDecoder.SCHEMA_ID &&
                header.templateId() == SlotChunkDecoder.TEMPLATE_ID)
            {
                onChunk(buffer, offset, length, frameHeader.sessionId());
                return;
            }
        }
        adapter.onFragment(buffer, offset, length, frameHeader);
    }

    private void onChunk(final DirectBuffer buffer, final int offset, final int length, final int sessionId)
    {
        final int fixedEnd = offset + MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength();
        if (header.blockLength() < SlotChunkDecoder.BLOCK_LENGTH || fixedEnd + Integer.BYTES > offset + length)
        {
            malformedChunks++;
            return;
        }
        chunkDecoder.wrapAndApplyHeader(buffer, offset, header);
        final int verticesLength = chunkDecoder.verticesLength();
        final int verticesOffset = chunkDecoder.limit() + SlotChunkDecoder.verticesHeaderLength();
        if (verticesLength < 0 || verticesOffset + verticesLength > offset + length)
        {
            malformedChunks++;
            return;
        }
        final int senderId = chunkDecoder.session().senderId();
        if (!handshakes.isAuthentic(clients.get(senderId), sessionId))
        {
            refuseChunk(senderId);
            return;
        }
        migration.onChunk(chunkDecoder.moveId(), chunkDecoder.session().epoch(), chunkDecoder.slot(),
            chunkDecoder.sequence(),
            1 == chunkDecoder.last(), chunkDecoder.vertexCount(), buffer, verticesOffset, verticesLength);
    }

    public void onHello(
        final int senderId, final long correlationId, final long epoch, final int role, final int replyStreamId,
        final long nonce, final DirectBuffer buffer, final int channelOffset, final int channelLength)
    {
        final String replyChannel = buffer.getStringWithoutLengthAscii(channelOffset, channelLength);
        if (handshakes.isAuthenticating())
        {
            // A handshake on the side: an authenticated caller of this id keeps its address until this one proves.
            openHandshake(senderId, correlationId, replyStreamId, nonce, replyChannel);
            return;
        }
        Caller caller = clients.get(senderId);
        if (null == caller || !caller.isAt(replyChannel, replyStreamId))
        {
            if (null == caller && clients.size() >= MAX_CLIENTS)
            {
                refusedFrames++;
                return;
            }
            release(clients.remove(senderId));
            caller = newCaller(senderId, replyChannel, replyStreamId);
            if (null == caller)
            {
                return;
            }
            clients.put(senderId, caller);
        }
        // Answered once the caller's subscription is connected; the caller says Hello again until answered.
        if (caller.publication.isConnected())
        {
            proxy.heartbeat(caller.publication, workerId, correlationId, placementEpoch, System.nanoTime(), 0);
        }
    }

    public void onAuthenticate(
        final int senderId, final long correlationId, final long epoch, final DirectBuffer buffer,
        final int proofOffset)
    {
        if (!handshakes.isAuthenticating())
        {
            refusedFrames++;
            return;
        }
        final Caller pending = handshakes.pending(senderId);
        if (!clients.containsKey(senderId) && clients.size() >= MAX_CLIENTS ||
            !handshakes.prove(pending, adapter.sessionId(), buffer, proofOffset))
        {
            refuse(pending, correlationId);
            return;
        }
        handshakes.removePending(pending);
        release(clients.put(senderId, pending));
        // The welcome: the caller's calls are served from now on.
        proxy.heartbeat(pending.publication, workerId, correlationId, placementEpoch, System.nanoTime(), 0);
    }

    public void onInvoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId,
        final int routing, final DirectBuffer buffer, final int argsOffset, final int argsLength)
    {
        final Caller caller = caller(senderId, correlationId);
        if (null == caller)
        {
            return;
        }
        final Udf udf = invoker.udf(udfId);
        if (isServed(caller, correlationId, vertexId, null != udf && udf.isReadOnly()))
        {
            final Status status = invoker.invoke(vertexId, udfId, buffer, argsOffset, argsLength);
            reply(caller, correlationId, status, NO_OWNER, invoker.result(), invoker.resultLength());
        }
    }

    public void onPutVertex(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final DirectBuffer buffer,
        final int valueOffset, final int valueLength)
    {
        final Caller caller = caller(senderId, correlationId);
        if (null != caller && isServed(caller, correlationId, vertexId, false))
        {
            final Status status = invoker.put(vertexId, buffer, valueOffset, valueLength);
            reply(caller, correlationId, status, NO_OWNER, invoker.result(), invoker.resultLength());
        }
    }

    public void onGetVertex(final int senderId, final long correlationId, final long epoch, final long vertexId)
    {
        final Caller caller = caller(senderId, correlationId);
        if (null != caller && isServed(caller, correlationId, vertexId, true))
        {
            final Status status = invoker.get(vertexId);
            reply(caller, correlationId, status, NO_OWNER, invoker.result(), invoker.resultLength());
        }
    }

    /**
     * A target's Challenge to this worker's Hello (this worker streams a slot to it): answered with this worker's
     * proof only when the target proved the secret.
     */
    public void onChallenge(
        final int senderId, final long correlationId, final long epoch, final long nonce, final DirectBuffer buffer,
        final int proofOffset)
    {
        final ExclusivePublication target = workers.get(senderId);
        if (!targetHandshakes.isAuthenticating() || null == target)
        {
            refusedFrames++;
        }
        else if (!targetHandshakes.onChallenge(senderId, nonce, buffer, proofOffset, adapter.sessionId(), proof))
        {
            authFailures++;
        }
        else
        {
            proxy.authenticate(target, workerId, correlationId, placementEpoch, proof);
        }
    }

    /**
     * A target's welcome (answering this worker's Authenticate, on the session it proved the secret on): this worker
     * streams slots to it from now on.
     */
    public void onHeartbeat(
        final int senderId, final long correlationId, final long epoch, final long timestampNs, final int pendingCalls)
    {
        if (targetHandshakes.isAuthenticating() && 0 != correlationId &&
            correlationId == targetHandshakes.lastHelloNonce(senderId) &&
            targetHandshakes.isAuthentic(senderId, adapter.sessionId()))
        {
            welcomedTargets.add(senderId);
        }
    }

    /**
     * Only a target's refusal is expected here (UNAUTHENTICATED: it does not know this worker, e.g. it restarted):
     * this worker proves itself again before its next chunk.
     */
    public void onInvokeResult(
        final int senderId, final long correlationId, final long epoch, final int status, final int ownerId,
        final DirectBuffer buffer, final int resultOffset, final int resultLength)
    {
        if (io.shawarma.codecs.Status.UNAUTHENTICATED.value() == status && welcomedTargets.contains(senderId))
        {
            forgetTarget(senderId);
            return;
        }
        refusedFrames++;
    }

    public void onMalformed(final int senderId, final long correlationId, final int reason)
    {
        final Caller caller = FabricHandler.NO_SENDER == senderId ? null : clients.get(senderId);
        refusedFrames++;
        if (null != caller && handshakes.isAuthentic(caller, adapter.sessionId()))
        {
            reply(caller, correlationId, Status.MALFORMED, NO_OWNER, EMPTY, 0);
        }
    }

    /**
     * Whether this worker serves the call; when not, the caller is told where to go (MOVED) or to retry (the slot is
     * moving away and the call writes, or the slot's data has not arrived here yet: not NO_SUCH_VERTEX).
     */
    private boolean isServed(final Caller caller, final long correlationId, final long vertexId, final boolean read)
    {
        final int route = migration.route(vertexId);
        if (SlotMigration.LOCAL == route || SlotMigration.FROZEN == route && read)
        {
            return true;
        }
        if (SlotMigration.FROZEN == route)
        {
            reply(caller, correlationId, Status.BACK_PRESSURED, migration.targetOf(vertexId), SLOT_MOVING,
                SLOT_MOVING.capacity());
        }
        else if (SlotMigration.ARRIVING == route)
        {
            reply(caller, correlationId, Status.BACK_PRESSURED, workerId, SLOT_ARRIVING, SLOT_ARRIVING.capacity());
        }
        else
        {
            reply(caller, correlationId, Status.MOVED, migration.ownerOf(vertexId), EMPTY, 0);
        }
        return false;
    }

    /**
     * @return the caller that sent the frame being handled, or null when the frame is refused: no Hello from it yet
     * (no address to answer on), or, with a secret, not on the session it proved the secret on (counted, and
     * answered UNAUTHENTICATED when the sender is mid-handshake).
     */
    private Caller caller(final int senderId, final long correlationId)
    {
        final Caller caller = clients.get(senderId);
        if (handshakes.isAuthentic(caller, adapter.sessionId()))
        {
            if (null == caller)
            {
                refusedFrames++;
            }
            return caller;
        }
        final Caller pending = handshakes.pending(senderId);
        if (null == caller && null == pending)
        {
            refusedFrames++;
        }
        else
        {
            refuse(pending, correlationId);
        }
        return null;
    }

    private void refuse(final Caller pending, final long correlationId)
    {
        authFailures++;
        if (null != pending && pending.publication.isConnected())
        {
            reply(pending, correlationId, Status.UNAUTHENTICATED, NO_OWNER, Handshakes.NOT_AUTHENTICATED,
                Handshakes.NOT_AUTHENTICATED.capacity());
        }
    }

    /**
     * A chunk from a worker that has not proved the secret on the session it came on: dropped, and the worker it
     * names is told, so that it proves itself (again) before it streams on.
     */
    private void refuseChunk(final int senderId)
    {
        authFailures++;
        final ExclusivePublication source = workers.get(senderId);
        if (null != source && source.isConnected())
        {
            proxy.invokeResult(source, workerId, 0, placementEpoch, io.shawarma.codecs.Status.UNAUTHENTICATED,
                NO_OWNER, Handshakes.NOT_AUTHENTICATED, 0, Handshakes.NOT_AUTHENTICATED.capacity());
        }
    }

    private void openHandshake(
        final int senderId, final long correlationId, final int replyStreamId, final long nonce,
        final String replyChannel)
    {
        Caller pending = handshakes.pending(senderId);
        if (null == pending || !pending.isAt(replyChannel, replyStreamId))
        {
            if (null != pending)
            {
                handshakes.removePending(pending);
                release(pending);
            }
            if (handshakes.isFull())
            {
                authFailures++;
                return;
            }
            pending = newCaller(senderId, replyChannel, replyStreamId);
            if (null == pending)
            {
                return;
            }
            handshakes.addPending(pending);
        }
        handshakes.open(pending, nonce, adapter.sessionId(), System.nanoTime());
        // Answered once the caller's subscription is connected.
        if (0 == pending.challengeOwed)
        {
            challengesOwed.add(pending);
        }
        pending.challengeOwed = 0 == correlationId ? Long.MIN_VALUE : correlationId;
    }

    private int sendChallengesOwed()
    {
        int sent = 0;
        for (int i = challengesOwed.size() - 1; i >= 0; i--)
        {
            final Caller pending = challengesOwed.get(i);
            if (handshakes.pending(pending.id) != pending)
            {
                challengesOwed.remove(i);
            }
            else if (pending.publication.isConnected())
            {
                final long correlationId = Long.MIN_VALUE == pending.challengeOwed ? 0 : pending.challengeOwed;
                handshakes.challengeProof(pending, proof);
                if (proxy.challenge(pending.publication, workerId, correlationId, placementEpoch,
                    handshakes.challengeNonce(pending), proof))
                {
                    pending.challengeOwed = 0;
                    challengesOwed.remove(i);
                    sent++;
                }
            }
        }
        return sent;
    }

    /**
     * This worker's Hello to a target it streams to, at most once per interval: the target challenges, this worker
     * checks its proof and proves itself, the target welcomes it.
     */
    private void sayHello(final int targetId, final ExclusivePublication target)
    {
        final long nowNs = System.nanoTime();
        if (helloSentNs.containsKey(targetId) && nowNs - helloSentNs.get(targetId) < HELLO_INTERVAL_NS)
        {
            return;
        }
        if (null == servedChannel)
        {
            servedChannel = resolvedChannel();
        }
        final long nonce = targetHandshakes.helloNonce(targetId, nowNs, HANDSHAKE_TIMEOUT_NS);
        if (null != servedChannel && proxy.hello(
            target, workerId, nonce, placementEpoch, Role.WORKER, streamBase + workerId, nonce, servedChannel))
        {
            helloSentNs.put(targetId, nowNs);
        }
    }

    private void forgetTarget(final int targetId)
    {
        welcomedTargets.remove(targetId);
        targetHandshakes.forget(targetId);
    }

    private Caller newCaller(final int callerId, final String replyChannel, final int replyStreamId)
    {
        try
        {
            return new Caller(callerId, aeron.addExclusivePublication(replyChannel, replyStreamId));
        }
        catch (final RuntimeException ex)
        {
            // A Hello naming a channel Aeron refuses: nothing to answer on.
            refusedFrames++;
            return null;
        }
    }

    private void release(final Caller caller)
    {
        if (null != caller)
        {
            CloseHelper.quietClose(caller.publication);
        }
    }

    private void reply(
        final Caller caller, final long correlationId, final Status status, final int ownerId,
        final DirectBuffer result, final int resultLength)
    {
        if (!proxy.invokeResult(caller.publication, workerId, correlationId, placementEpoch,
            io.shawarma.codecs.Status.get((short)status.code()), ownerId, result, 0, resultLength))
        {
            // The caller's deadline turns this into TIMEOUT on its side.
            refusedFrames++;
        }
    }

    private static UnsafeBuffer ascii(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A caller of this worker (a client, or a worker streaming a slot here) and the publication that answers it. */
    static final class Caller extends Handshake
    {
        final ExclusivePublication publication;
        long challengeOwed;

        Caller(final int id, final ExclusivePublication publication)
        {
            super(id);
            this.publication = publication;
        }

        boolean isAt(final String channel, final int streamId)
        {
            return publication.streamId() == streamId && channel.equals(publication.channel());
        }
    }
}
