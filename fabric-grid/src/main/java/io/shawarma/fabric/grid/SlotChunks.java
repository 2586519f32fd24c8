package io.shawarma.fabric.grid;

import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.SlotChunkDecoder;
import io.shawarma.codecs.SlotChunkEncoder;
import io.shawarma.fabric.WorkerPort;
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
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SlotChunkDecoder decoder = new SlotChunkDecoder();
    private final SlotChunkEncoder encoder = new SlotChunkEncoder();
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(SlotMigration.CHUNK_BYTES + 4096);

    SlotChunks(final WorkerPort port, final SlotMigration migration, final AtomicCounter malformedChunks)
    {
        this.port = port;
        this.migration = migration;
        this.malformedChunks = malformedChunks;
    }

    /** Sends one chunk of a moving slot to its target: see {@link SlotMigration.Link#sendChunk}. */
    boolean send(
        final int targetId, final long moveId, final int slot, final int sequence, final boolean last,
        final int vertexCount, final DirectBuffer vertices, final int length)
    {
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(port.workerId()).correlationId(0).epoch(migration.epoch());
        encoder.moveId(moveId).slot(slot).sequence(sequence).last((short)(last ? 1 : 0)).vertexCount(vertexCount)
            .putVertices(vertices, 0, length);
        return port.send(targetId, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * A SlotChunk frame from an authenticated peer (the fabric's adapter checked its header and session).
     */
    void onChunk(final DirectBuffer frame, final int offset, final int length)
    {
        header.wrap(frame, offset);
        final int fixedEnd = offset + MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength();
        if (header.blockLength() < SlotChunkDecoder.BLOCK_LENGTH || fixedEnd + Integer.BYTES > offset + length)
        {
            malformedChunks.incrementRelease();
            return;
        }
        decoder.wrapAndApplyHeader(frame, offset, header);
        final int verticesLength = decoder.verticesLength();
        final int verticesOffset = decoder.limit() + SlotChunkDecoder.verticesHeaderLength();
        if (verticesLength < 0 || verticesOffset + verticesLength > offset + length)
        {
            malformedChunks.incrementRelease();
            return;
        }
        migration.onChunk(decoder.moveId(), decoder.slot(), decoder.sequence(), 1 == decoder.last(),
            decoder.vertexCount(), frame, verticesOffset, verticesLength);
    }
}
