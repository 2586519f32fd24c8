package io.shawarma.fabric.grid;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.SlotChunkDecoder;
import io.shawarma.codecs.SlotChunkEncoder;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.LocalInvoker;
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
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A grid worker's data plane: serves Hello, Invoke, PutVertex and GetVertex on its own vertices by the slot
 * placement of {@link SlotMigration} (MOVED with the owner and epoch for a slot it does not own; BACK_PRESSURED,
 * retryable, naming the target, for a write to a slot it is moving away), streams moving slots to their targets
 * (SlotChunk) and hands received chunks to the migration. No authentication (the grid's data plane trusts its
 * network; the cluster's control plane authenticates). Every inbound frame ends in a reply or a count.
 */
final class GridDataPlane implements FabricHandler, AutoCloseable
{
    private static final int FRAGMENT_LIMIT = 16;
    private static final int MAX_CLIENTS = 1024;
    private static final int NO_OWNER = -1;
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);
    private static final UnsafeBuffer SLOT_MOVING = ascii("slot moving to another worker; retry shortly");

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
    private final Int2ObjectHashMap<ExclusivePublication> clients = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<ExclusivePublication> workers = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<String> workerChannels = new Int2ObjectHashMap<>();
    private SlotMigration migration;
    private String targetChannels = "";
    private long placementEpoch;
    private long refusedFrames;
    private long malformedChunks;

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
                workers.put(id, aeron.addExclusivePublication(channel, streamBase + id));
                workerChannels.put(id, channel);
            }
        }
    }

    int poll()
    {
        return subscription.poll(assembler, FRAGMENT_LIMIT);
    }

    long refusedFrames()
    {
        return refusedFrames;
    }

    long malformedChunks()
    {
        return malformedChunks;
    }

    public void close()
    {
        CloseHelper.quietCloseAll(clients.values());
        CloseHelper.quietCloseAll(workers.values());
        CloseHelper.quietClose(subscription);
    }

    /** Sends one chunk of a moving slot to its target: see {@link SlotMigration.Link#sendChunk}. */
    boolean sendChunk(
        final int targetId, final long moveId, final int slot, final int sequence, final boolean last,
        final int vertexCount, final DirectBuffer vertices, final int length)
    {
        final ExclusivePublication publication = workers.get(targetId);
        if (null == publication || !publication.isConnected())
        {
            return false;
        }
        chunkEncoder.wrapAndApplyHeader(chunkBuffer, 0, headerEncoder).session()
            .senderId(workerId).correlationId(0).epoch(placementEpoch);
        chunkEncoder.moveId(moveId).slot(slot).sequence(sequence).last((short)(last ? 1 : 0)).vertexCount(vertexCount)
            .putVertices(vertices, 0, length);
        return outbound.offer(
            publication, chunkBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + chunkEncoder.encodedLength());
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header frameHeader)
    {
        if (length >= MessageHeaderDecoder.ENCODED_LENGTH)
        {
            header.wrap(buffer, offset);
            if (header.schemaId() == MessageHeaderDecoder.SCHEMA_ID &&
                header.templateId() == SlotChunkDecoder.TEMPLATE_ID)
            {
                onChunk(buffer, offset, length);
                return;
            }
        }
        adapter.onFragment(buffer, offset, length, frameHeader);
    }

    private void onChunk(final DirectBuffer buffer, final int offset, final int length)
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
        migration.onChunk(chunkDecoder.moveId(), chunkDecoder.slot(), chunkDecoder.sequence(),
            1 == chunkDecoder.last(), chunkDecoder.vertexCount(), buffer, verticesOffset, verticesLength);
    }

    public void onHello(
        final int senderId, final long correlationId, final long epoch, final int role, final int replyStreamId,
        final long nonce, final DirectBuffer buffer, final int channelOffset, final int channelLength)
    {
        final String replyChannel = buffer.getStringWithoutLengthAscii(channelOffset, channelLength);
        ExclusivePublication publication = clients.get(senderId);
        if (null == publication || publication.streamId() != replyStreamId ||
            !replyChannel.equals(publication.channel()))
        {
            if (null == publication && clients.size() >= MAX_CLIENTS)
            {
                refusedFrames++;
                return;
            }
            CloseHelper.quietClose(publication);
            try
            {
                publication = aeron.addExclusivePublication(replyChannel, replyStreamId);
            }
            catch (final RuntimeException ex)
            {
                // A Hello naming a channel Aeron refuses: nothing to answer on.
                clients.remove(senderId);
                refusedFrames++;
                return;
            }
            clients.put(senderId, publication);
        }
        // Answered once the caller's subscription is connected; the caller says Hello again until answered.
        if (publication.isConnected())
        {
            proxy.heartbeat(publication, workerId, correlationId, placementEpoch, System.nanoTime(), 0);
        }
    }

    public void onInvoke(
        final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId,
        final int routing, final DirectBuffer buffer, final int argsOffset, final int argsLength)
    {
        final ExclusivePublication caller = caller(senderId);
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
        final ExclusivePublication caller = caller(senderId);
        if (null != caller && isServed(caller, correlationId, vertexId, false))
        {
            final Status status = invoker.put(vertexId, buffer, valueOffset, valueLength);
            reply(caller, correlationId, status, NO_OWNER, invoker.result(), invoker.resultLength());
        }
    }

    public void onGetVertex(final int senderId, final long correlationId, final long epoch, final long vertexId)
    {
        final ExclusivePublication caller = caller(senderId);
        if (null != caller && isServed(caller, correlationId, vertexId, true))
        {
            final Status status = invoker.get(vertexId);
            reply(caller, correlationId, status, NO_OWNER, invoker.result(), invoker.resultLength());
        }
    }

    public void onChallenge(
        final int senderId, final long correlationId, final long epoch, final long nonce, final DirectBuffer buffer,
        final int proofOffset)
    {
        refusedFrames++;
    }

    public void onAuthenticate(
        final int senderId, final long correlationId, final long epoch, final DirectBuffer buffer,
        final int proofOffset)
    {
        refusedFrames++;
    }

    public void onHeartbeat(
        final int senderId, final long correlationId, final long epoch, final long timestampNs, final int pendingCalls)
    {
    }

    public void onInvokeResult(
        final int senderId, final long correlationId, final long epoch, final int status, final int ownerId,
        final DirectBuffer buffer, final int resultOffset, final int resultLength)
    {
        refusedFrames++;
    }

    public void onMalformed(final int senderId, final long correlationId, final int reason)
    {
        final ExclusivePublication caller = FabricHandler.NO_SENDER == senderId ? null : clients.get(senderId);
        refusedFrames++;
        if (null != caller)
        {
            reply(caller, correlationId, Status.MALFORMED, NO_OWNER, EMPTY, 0);
        }
    }

    /**
     * Whether this worker serves the call; when not, the caller is told where to go (MOVED) or to retry (the slot is
     * moving away and the call writes).
     */
    private boolean isServed(
        final ExclusivePublication caller, final long correlationId, final long vertexId, final boolean read)
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
        else
        {
            reply(caller, correlationId, Status.MOVED, migration.ownerOf(vertexId), EMPTY, 0);
        }
        return false;
    }

    private ExclusivePublication caller(final int senderId)
    {
        final ExclusivePublication caller = clients.get(senderId);
        if (null == caller)
        {
            // No Hello from it yet: no address to answer on.
            refusedFrames++;
        }
        return caller;
    }

    private void reply(
        final ExclusivePublication caller, final long correlationId, final Status status, final int ownerId,
        final DirectBuffer result, final int resultLength)
    {
        if (!proxy.invokeResult(caller, workerId, correlationId, placementEpoch,
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
}
