package io.shawarma.fabric.grid;

import io.shawarma.codecs.MemberEvent;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.WorkerStatusDecoder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The backups view and heartbeat acknowledgements as a worker's {@link GridClient} decodes them, and the correlation
 * id a heartbeat carries.
 */
class GridClientBackupsTest
{
    private final GridEncoder encoder = new GridEncoder();
    private final List<String> heard = new ArrayList<>();
    private final GridClient client = new GridClient(new GridListener()
    {
        public void onSlotBackups(final long epoch, final int backupCount, final int[] backups, final long[] fillIds)
        {
            heard.add("backups epoch=" + epoch + " count=" + backupCount + " " + java.util.Arrays.toString(backups) +
                " " + java.util.Arrays.toString(fillIds));
        }

        public void onHeartbeatAck(final long correlationId, final long epoch)
        {
            heard.add("ack " + correlationId + " epoch=" + epoch);
        }
    });

    @Test
    void shouldDecodeTheBackupsOfEverySlot()
    {
        final int length = encoder.slotBackups(7, 2, new int[]{ 2, 3, 1, -1 }, new long[]{ 0, 41, 42, 0 });

        client.onEgress(encoder.buffer(), 0, length);

        assertEquals(List.of("backups epoch=7 count=2 [2, 3, 1, -1] [0, 41, 42, 0]"), heard);
        assertEquals(0, client.malformedMessages());
    }

    @Test
    void shouldDecodeABackupsViewWithoutBackups()
    {
        final int length = encoder.slotBackups(3, 0, new int[0], new long[0]);

        client.onEgress(encoder.buffer(), 0, length);

        assertEquals(List.of("backups epoch=3 count=0 [] []"), heard);
    }

    @Test
    void shouldCountInconsistentBackupsAsMalformed()
    {
        client.onEgress(encoder.buffer(), 0, encoder.slotBackups(1, 2, new int[]{ 2, 3, 1 }, new long[]{ 0, 0, 0 }));
        client.onEgress(encoder.buffer(), 0, encoder.slotBackups(1, 1, new int[]{ 2, 3 }, new long[]{ 0 }));
        client.onEgress(encoder.buffer(), 0, encoder.slotBackups(1, -1, new int[]{ 2 }, new long[]{ 0 }));
        final int length = encoder.slotBackups(1, 1, new int[]{ 2, 3 }, new long[]{ 0, 0 });
        client.onEgress(encoder.buffer(), 0, length - 1);

        assertEquals(List.of(), heard);
        assertEquals(4, client.malformedMessages());
    }

    @Test
    void shouldDecodeAHeartbeatAcknowledgement()
    {
        client.onEgress(encoder.buffer(), 0, encoder.heartbeatAck(123_456_789L, 9));

        assertEquals(List.of("ack 123456789 epoch=9"), heard);
    }

    @Test
    void shouldSendTheHeartbeatsCorrelationId()
    {
        final int length = encoder.workerStatus(4, MemberEvent.HEARTBEAT, 1, 50, "aeron:ipc", 6, 987_654L);
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final WorkerStatusDecoder status = new WorkerStatusDecoder().wrapAndApplyHeader(encoder.buffer(), 0, header);

        assertTrue(length > 0);
        assertEquals(4, status.session().senderId());
        assertEquals(987_654L, status.session().correlationId());
        assertEquals(6, status.session().epoch());
    }
}
