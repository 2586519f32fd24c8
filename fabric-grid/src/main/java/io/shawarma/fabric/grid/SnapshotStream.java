package io.shawarma.fabric.grid;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The grid's snapshot ({@link GridSnapshot}) on Aeron Cluster's snapshot stream: its length, then its bytes, cut to
 * the publication's payload; read back by gathering fragments until that length is in.
 */
final class SnapshotStream
{
    private static final int FRAGMENT_LIMIT = 16;

    private SnapshotStream()
    {
    }

    /**
     * Writes the state to the snapshot publication, waiting out back pressure.
     *
     * @throws IllegalStateException when the publication is closed or full.
     */
    static void write(final GridState state, final ExclusivePublication publication, final IdleStrategy idle)
    {
        final ExpandableArrayBuffer snapshot = new ExpandableArrayBuffer(64 * 1024);
        final int length = GridSnapshot.write(state, snapshot);
        final ExpandableArrayBuffer framed = new ExpandableArrayBuffer(length + Integer.BYTES);
        framed.putInt(0, length, LITTLE_ENDIAN);
        framed.putBytes(Integer.BYTES, snapshot, 0, length);
        final int chunk = publication.maxPayloadLength();
        for (int offset = 0; offset < length + Integer.BYTES; offset += chunk)
        {
            final int chunkLength = Math.min(chunk, length + Integer.BYTES - offset);
            idle.reset();
            long result;
            while ((result = publication.offer(framed, offset, chunkLength)) < 0)
            {
                if (ExclusivePublication.CLOSED == result || ExclusivePublication.MAX_POSITION_EXCEEDED == result)
                {
                    throw new IllegalStateException("grid snapshot publication failed: " + result);
                }
                idle.idle();
            }
        }
    }

    /**
     * Reads a snapshot from its image into the state.
     *
     * @throws IllegalStateException when the image ends before the snapshot does.
     */
    static void read(final Image image, final IdleStrategy idle, final GridState state)
    {
        final ExpandableArrayBuffer snapshot = new ExpandableArrayBuffer(64 * 1024);
        final int[] received = new int[1];
        while (received[0] < Integer.BYTES || received[0] < Integer.BYTES + snapshot.getInt(0, LITTLE_ENDIAN))
        {
            final int fragments = image.poll(
                (buffer, offset, length, header) ->
                {
                    snapshot.putBytes(received[0], buffer, offset, length);
                    received[0] += length;
                },
                FRAGMENT_LIMIT);
            if (0 == fragments && image.isEndOfStream())
            {
                throw new IllegalStateException("grid snapshot ended after " + received[0] + " bytes");
            }
            idle.idle(fragments);
        }
        final int length = snapshot.getInt(0, LITTLE_ENDIAN);
        final ExpandableArrayBuffer body = new ExpandableArrayBuffer(length);
        body.putBytes(0, snapshot, Integer.BYTES, length);
        GridSnapshot.read(body, length, state);
    }
}
