package io.shawarma.fabric.grid;

import io.shawarma.codecs.BackupAckDecoder;
import io.shawarma.codecs.BackupAckEncoder;
import io.shawarma.codecs.BackupWriteDecoder;
import io.shawarma.codecs.BackupWriteEncoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.fabric.WorkerPort;
import io.shawarma.messaging.FrameHeader;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The wire side of slot backups: encodes BackupWrite (owner to backup) and BackupAck (backup to owner) and sends them
 * through the worker's peers (reached only once connected and, with a shared secret, proven); decodes the ones the
 * worker hands over (only from peers it authenticated) into the {@link SlotReplicas}. A frame whose lengths do not add
 * up is counted and dropped. Allocation free.
 */
final class BackupFrames
{
    private final WorkerPort port;
    private final AtomicCounter malformed;
    private final FrameHeader inbound = new FrameHeader();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final BackupWriteEncoder writeEncoder = new BackupWriteEncoder();
    private final BackupWriteDecoder writeDecoder = new BackupWriteDecoder();
    private final BackupAckEncoder ackEncoder = new BackupAckEncoder();
    private final BackupAckDecoder ackDecoder = new BackupAckDecoder();
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
    private SlotReplicas replicas;

    BackupFrames(final WorkerPort port, final AtomicCounter malformed)
    {
        this.port = port;
        this.malformed = malformed;
    }

    void replicas(final SlotReplicas replicas)
    {
        this.replicas = replicas;
    }

    boolean sendWrite(
        final int backupId, final long sequence, final long epoch, final int slot, final long vertexId,
        final boolean removed, final DirectBuffer value, final int length)
    {
        writeEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(port.workerId()).correlationId(sequence).epoch(epoch);
        writeEncoder.slot(slot).vertexId(vertexId).removed((short)(removed ? 1 : 0)).putValue(value, 0, length);
        return port.send(backupId, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + writeEncoder.encodedLength());
    }

    boolean sendAck(final int ownerId, final long sequence, final Status status)
    {
        ackEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).session()
            .senderId(port.workerId()).correlationId(sequence).epoch(0);
        ackEncoder.status(io.shawarma.codecs.Status.get((short)status.code()));
        return port.send(ownerId, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + ackEncoder.encodedLength());
    }

    /** A BackupWrite frame from an authenticated peer. */
    void onWrite(final int senderId, final DirectBuffer frame, final int offset, final int length)
    {
        int reason = inbound.wrap(frame, offset, length);
        if (FrameHeader.VALID == reason)
        {
            reason = inbound.checkBody(BackupWriteDecoder.BLOCK_LENGTH);
        }
        final int valueLength = FrameHeader.VALID == reason ? inbound.varLength(inbound.dataOffset()) : -1;
        if (valueLength < 0)
        {
            malformed.incrementRelease();
            return;
        }
        writeDecoder.wrap(frame, inbound.bodyOffset(), inbound.blockLength(), inbound.version());
        replicas.onBackupWrite(senderId, writeDecoder.session().correlationId(), writeDecoder.session().epoch(),
            writeDecoder.slot(), writeDecoder.vertexId(), 1 == writeDecoder.removed(), frame,
            inbound.dataOffset() + FrameHeader.VAR_LENGTH_BYTES, valueLength);
    }

    /** A BackupAck frame from an authenticated peer. */
    void onAck(final int senderId, final DirectBuffer frame, final int offset, final int length)
    {
        int reason = inbound.wrap(frame, offset, length);
        if (FrameHeader.VALID == reason)
        {
            reason = inbound.checkBody(BackupAckDecoder.BLOCK_LENGTH);
        }
        if (FrameHeader.VALID != reason)
        {
            malformed.incrementRelease();
            return;
        }
        ackDecoder.wrap(frame, inbound.bodyOffset(), inbound.blockLength(), inbound.version());
        final Status status = Status.of(ackDecoder.statusRaw());
        replicas.onAck(senderId, ackDecoder.session().correlationId(), null == status ? Status.MALFORMED : status);
    }
}
