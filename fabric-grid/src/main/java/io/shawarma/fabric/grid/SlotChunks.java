package io.shawarma.fabric.grid;

import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.SlotChunkDecoder;
import io.shawarma.codecs.SlotChunkEncoder;
import io.shawarma.fabric.WorkerPort;
import io.shawarma.messaging.FrameHeader;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The wire side of slot streams: encodes a moving slot's chunks (SlotChunk) and sends them to the target through the
 * worker's peers, which reach a target only once it is connected and, with the grid's shared secret, the two proved
 * it to each other; decodes the chunks the worker hands over (only from peers it authenticated) into the migration.
 * A chunk whose lengths do not add up is counted and dropped. Allocation free.
 */
final class SlotChunks
{
    private final WorkerPort port;
    private final SlotMigration migration;
    private final AtomicCounter malformedChunks;
    private final FrameHeader inbound = new FrameHeader();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SlotChunkDecoder decoder = new SlotChunkDecoder();
    private final SlotChunkEncoder encoder = new SlotChunkEncoder();
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(SlotMigration.CHUNK_BYTES + 4096);
    private SlotReplicas replicas;

    SlotChunks(final WorkerPort port, final SlotMigration migration, final AtomicCounter malformedChunks)
    {
        this.port = port;
        this.migration = migration;
        this.malformedChunks = malformedChunks;
    }

    /** @param replicas takes the chunks of fills (a backup's copy of a slot). */
    void replicas(final SlotReplicas replicas)
    {
        this.replicas = replicas;
    }

    /**
     * Sends one chunk of a moving slot to its target (see {@link SlotMigration.Link#sendChunk}), or of a fill to a
     * backup.
     */
    boolean send(
        final int targetId, final long moveId, final long epoch, final int slot, final int sequence,
        final boolean last, final int vertexCount, final DirectBuffer vertices, final int length, final boolean fill)
    {
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(port.workerId()).correlationId(0).epoch(epoch);
        encoder.moveId(moveId).slot(slot).sequence(sequence).last((short)(last ? 1 : 0)).vertexCount(vertexCount)
            .fill((short)(fill ? 1 : 0)).putVertices(vertices, 0, length);
        return port.send(targetId, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * A SlotChunk frame from an authenticated peer (the fabric's adapter checked its header and session).
     */
    void onChunk(final DirectBuffer frame, final int offset, final int length)
    {
        int reason = inbound.wrap(frame, offset, length);
        if (FrameHeader.VALID == reason)
        {
            reason = inbound.checkBody(SlotChunkDecoder.BLOCK_LENGTH);
        }
        final int verticesLength = FrameHeader.VALID == reason ? inbound.varLength(inbound.dataOffset()) : -1;
        if (verticesLength < 0)
        {
            malformedChunks.incrementRelease();
            return;
        }
        decoder.wrap(frame, inbound.bodyOffset(), inbound.blockLength(), inbound.version());
        final int verticesOffset = inbound.dataOffset() + FrameHeader.VAR_LENGTH_BYTES;
        if (1 == decoder.fill())
        {
            replicas.onFillChunk(decoder.moveId(), decoder.session().epoch(), decoder.slot(), decoder.sequence(),
                1 == decoder.last(), decoder.vertexCount(), frame, verticesOffset, verticesLength);
        }
        else
        {
            migration.onChunk(decoder.moveId(), decoder.session().epoch(), decoder.slot(), decoder.sequence(),
                1 == decoder.last(), decoder.vertexCount(), frame, verticesOffset, verticesLength);
        }
    }
}
