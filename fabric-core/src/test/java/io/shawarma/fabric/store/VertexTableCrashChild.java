package io.shawarma.fabric.store;

import java.io.File;
import java.util.Random;
import java.util.zip.CRC32;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The process {@link VertexTableCrashTest} kills: opens a file-backed {@link VertexTable} and applies a sequence of
 * puts and removes drawn from a seed, printing {@code ACK <n> .} after operation {@code n} returns. The test draws
 * the same sequence from the same seed to know what each acknowledged prefix must have left.
 * <p>
 * Arguments: data file, seed, run number (written into each value so runs never repeat a value), and the table's
 * {@link StoreSync} mode (with {@code INTERVAL}, the child forces the table every {@link #FORCE_EVERY} operations, as
 * a worker's duty cycle would).
 */
public final class VertexTableCrashChild
{
    static final String READY = "READY";
    static final String ACK_PREFIX = "ACK ";
    static final String ACK_SUFFIX = " .";
    static final int IDS = 48;
    static final int MAX_VALUE_BYTES = 1024 + 64;
    static final long MAX_OPS = 20_000_000;
    static final int FORCE_EVERY = 256;
    private static final int ID_OFFSET = 0;
    private static final int RUN_OFFSET = 8;
    private static final int SEQUENCE_OFFSET = 12;
    private static final int FILLER_OFFSET = 20;
    private static final int CHECKSUM_LENGTH = 4;
    static final int MIN_VALUE_BYTES = FILLER_OFFSET + CHECKSUM_LENGTH;

    /**
     * One operation of the sequence.
     */
    static final class Op
    {
        long vertexId;
        boolean remove;
        int length;

        Op next(final Random random)
        {
            vertexId = random.nextInt(IDS);
            remove = random.nextInt(10) == 0;
            // Lengths from 24 to 1047 bytes: record slots from 64 B to 2 KiB, so overwrites change size class.
            length = MIN_VALUE_BYTES + random.nextInt(1 << (3 + random.nextInt(8)));
            return this;
        }
    }

    private VertexTableCrashChild()
    {
    }

    public static void main(final String[] args)
    {
        final File file = new File(args[0]);
        final Random random = new Random(Long.parseLong(args[1]));
        final int run = Integer.parseInt(args[2]);
        final StoreSync sync = StoreSync.valueOf(args[3]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[MAX_VALUE_BYTES]);
        final Op op = new Op();

        try (VertexTable table = new VertexTable(16, 64, MAX_VALUE_BYTES, file, sync, false))
        {
            System.out.println(READY);
            System.out.flush();
            for (long sequence = 0; sequence < MAX_OPS; sequence++)
            {
                op.next(random);
                if (op.remove)
                {
                    table.remove(op.vertexId);
                }
                else
                {
                    encode(value, op.vertexId, run, sequence, op.length);
                    table.put(op.vertexId, value, 0, op.length);
                }
                if (StoreSync.INTERVAL == sync && 0 == sequence % FORCE_EVERY)
                {
                    table.force();
                }
                System.out.println(ACK_PREFIX + sequence + ACK_SUFFIX);
                System.out.flush();
            }
        }
    }

    /**
     * Writes a self-checking value: id, run, sequence, filler from the sequence, then a CRC32 of all before it.
     */
    static void encode(
        final MutableDirectBuffer buffer, final long vertexId, final int run, final long sequence, final int length)
    {
        buffer.putLong(ID_OFFSET, vertexId);
        buffer.putInt(RUN_OFFSET, run);
        buffer.putLong(SEQUENCE_OFFSET, sequence);
        final int checksumOffset = length - CHECKSUM_LENGTH;
        for (int i = FILLER_OFFSET; i < checksumOffset; i++)
        {
            buffer.putByte(i, (byte)(sequence * 31 + i));
        }
        buffer.putInt(checksumOffset, checksum(buffer, checksumOffset));
    }

    /**
     * @return a description of what is wrong with a stored value, or null when it is whole and of this vertex.
     */
    static String checkWhole(final long vertexId, final DirectBuffer buffer, final int length)
    {
        if (length < MIN_VALUE_BYTES)
        {
            return "length " + length;
        }
        if (buffer.getLong(ID_OFFSET) != vertexId)
        {
            return "id " + buffer.getLong(ID_OFFSET);
        }
        final int checksumOffset = length - CHECKSUM_LENGTH;
        if (buffer.getInt(checksumOffset) != checksum(buffer, checksumOffset))
        {
            return "checksum";
        }
        return null;
    }

    private static int checksum(final DirectBuffer buffer, final int length)
    {
        final CRC32 crc = new CRC32();
        for (int i = 0; i < length; i++)
        {
            crc.update(buffer.getByte(i));
        }
        return (int)crc.getValue();
    }
}
