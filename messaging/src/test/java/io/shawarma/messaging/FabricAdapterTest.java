package io.shawarma.messaging;

import io.aeron.Publication;
import io.shawarma.codecs.LeaseMode;
import io.shawarma.codecs.Role;
import io.shawarma.codecs.Routing;
import io.shawarma.codecs.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round trips every message through {@link FabricProxy} and {@link FabricAdapter}, then feeds the adapter every
 * truncation and many random corruptions of valid frames: nothing throws, every frame ends in exactly one callback.
 */
class FabricAdapterTest
{
    private static final String PROOF = "0123456789abcdef0123456789ABCDEF";

    private final RecordingHandler recorder = new RecordingHandler();
    private final FabricAdapter adapter = new FabricAdapter(recorder);

    @Test
    void shouldRoundTripEveryMessage()
    {
        final UnsafeBuffer payload = new UnsafeBuffer("payload".getBytes());
        final List<UnsafeBuffer> frames = validFrames(payload);
        final String[] expected = {
            "hello 5 11 3 1 1 4242 -9 aeron:udp?endpoint=127.0.0.1:40101",
            "challenge 5 17 3 -8 " + PROOF,
            "authenticate 5 18 3 " + PROOF,
            "heartbeat 5 12 3 99 7",
            "invoke 5 13 3 1000 77 1 payload",
            "result 5 14 3 7 2 payload",
            "put 5 15 3 1001 payload",
            "get 5 16 3 1002",
            "borrowRequest 5 17 3 1003 77",
            "borrowGrant 5 18 3 1004 0 2 21 22 23 24 6 payload",
            "borrowReturn 5 19 3 1005 21 true 0 77 payload",
            "borrowReturnAck 5 20 3 1006 21 10",
            "revoke 5 0 3 1007 21"};
        for (int i = 0; i < frames.size(); i++)
        {
            adapter.onFrame(frames.get(i), 0, frames.get(i).capacity());
            assertEquals(expected[i], recorder.last);
        }
    }

    @Test
    void shouldDeliverEveryStatusTheSchemaDefines()
    {
        final CapturingOutbound capture = new CapturingOutbound();
        final FabricProxy proxy = new FabricProxy(1024, capture);
        final UnsafeBuffer payload = new UnsafeBuffer("why".getBytes());
        for (final Status status : Status.values())
        {
            if (Status.NULL_VAL != status)
            {
                proxy.invokeResult(null, 5, 14, 3, status, 2, payload, 0, payload.capacity());
                adapter.onFrame(capture.copy(), 0, capture.copy().capacity());
                assertEquals("result 5 14 3 " + status.value() + " 2 why", recorder.last);
            }
        }
    }

    @Test
    void shouldReportEveryTruncationAsMalformed()
    {
        for (final UnsafeBuffer frame : validFrames(new UnsafeBuffer("some args".getBytes())))
        {
            for (int length = 0; length < frame.capacity(); length++)
            {
                recorder.calls = 0;
                adapter.onFrame(frame, 0, length);
                assertEquals(1, recorder.calls);
                assertTrue(recorder.last.startsWith("malformed"), "length " + length + ": " + recorder.last);
            }
        }
    }

    @Test
    void shouldNeverThrowOnCorruptedFrames()
    {
        final Random random = new Random(7);
        final List<UnsafeBuffer> frames = validFrames(new UnsafeBuffer(new byte[32]));
        for (int i = 0; i < 200_000; i++)
        {
            final UnsafeBuffer valid = frames.get(random.nextInt(frames.size()));
            final byte[] bytes = new byte[valid.capacity() + random.nextInt(16)];
            valid.getBytes(0, bytes, 0, valid.capacity());
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--)
            {
                bytes[random.nextInt(bytes.length)] = (byte)random.nextInt(256);
            }
            recorder.calls = 0;
            adapter.onFrame(new UnsafeBuffer(bytes), 0, random.nextInt(bytes.length + 1));
            assertEquals(1, recorder.calls);
        }
    }

    /**
     * @param payload carried by the messages that have one.
     * @return one valid frame of every message type, each in an exactly sized buffer.
     */
    static List<UnsafeBuffer> validFrames(final UnsafeBuffer payload)
    {
        final CapturingOutbound capture = new CapturingOutbound();
        final FabricProxy proxy = new FabricProxy(1024, capture);
        final Publication publication = null;
        final List<UnsafeBuffer> frames = new ArrayList<>();
        final int length = payload.capacity();
        proxy.hello(publication, 5, 11, 3, Role.CLIENT, 4242, -9, "aeron:udp?endpoint=127.0.0.1:40101");
        frames.add(capture.copy());
        final UnsafeBuffer proof = new UnsafeBuffer(PROOF.getBytes(StandardCharsets.US_ASCII));
        proxy.challenge(publication, 5, 17, 3, -8, proof);
        frames.add(capture.copy());
        proxy.authenticate(publication, 5, 18, 3, proof);
        frames.add(capture.copy());
        proxy.heartbeat(publication, 5, 12, 3, 99, 7);
        frames.add(capture.copy());
        proxy.invoke(publication, 5, 13, 3, 1000, 77, Routing.ANY, payload, 0, length);
        frames.add(capture.copy());
        proxy.invokeResult(publication, 5, 14, 3, Status.MOVED, 2, payload, 0, length);
        frames.add(capture.copy());
        proxy.putVertex(publication, 5, 15, 3, 1001, payload, 0, length);
        frames.add(capture.copy());
        proxy.getVertex(publication, 5, 16, 3, 1002);
        frames.add(capture.copy());
        proxy.borrowRequest(publication, 5, 17, 3, 1003, 77);
        frames.add(capture.copy());
        proxy.borrowGrant(publication, 5, 18, 3, 1004, Status.OK, LeaseMode.READ_ONLY, 21, 22, 23, 24, 6, payload, 0,
            length);
        frames.add(capture.copy());
        proxy.borrowReturn(publication, 5, 19, 3, 1005, 21, true, LeaseMode.MERGE, 77, payload, 0, length);
        frames.add(capture.copy());
        proxy.borrowReturnAck(publication, 5, 20, 3, 1006, 21, Status.LEASE_EXPIRED);
        frames.add(capture.copy());
        proxy.revoke(publication, 5, 0, 3, 1007, 21);
        frames.add(capture.copy());
        return frames;
    }

    /**
     * Keeps the last offered frame instead of sending it.
     */
    private static final class CapturingOutbound extends Outbound
    {
        private UnsafeBuffer last;

        CapturingOutbound()
        {
            super(new NoOpIdleStrategy(), 0);
        }

        public boolean tryClaim(final Publication publication, final int length)
        {
            return false;
        }

        public boolean offerUnclaimed(
            final Publication publication, final DirectBuffer buffer, final int offset, final int length)
        {
            return offer(publication, buffer, offset, length);
        }

        public boolean offer(
            final Publication publication, final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            last = new UnsafeBuffer(bytes);
            return true;
        }

        UnsafeBuffer copy()
        {
            return last;
        }
    }
}
