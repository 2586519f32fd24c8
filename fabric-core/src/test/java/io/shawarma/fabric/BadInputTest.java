package io.shawarma.fabric;

import io.shawarma.codecs.GetVertexEncoder;
import io.shawarma.codecs.InvokeEncoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.Routing;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.shawarma.fabric.TestFabric.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad frames sent to a live worker: each is counted, answered MALFORMED where the sender is known, and the worker
 * keeps serving the next good call with the right answer.
 */
class BadInputTest
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final long COUNTER = 1;
    /** Target of mutated calls: differs from COUNTER in more bytes than a mutation changes. */
    private static final long SCRATCH = 0x5A5A_5A5A_5A5A_0000L;
    private static final int TEMPLATE_ID_OFFSET = 2;

    private static TestFabric fabric;
    private static Worker worker;
    private static RawPeer peer;
    private static long expectedCount;
    private static long nextCorrelationId = 1000;

    @BeforeAll
    static void start()
    {
        fabric = new TestFabric(1);
        worker = fabric.worker(1);
        peer = new RawPeer(worker, 2_000_001);
        peer.hello();
        try (FabricClient client = fabric.client())
        {
            TestFabric.putCounter(client, COUNTER, 0);
        }
    }

    @AfterAll
    static void stop()
    {
        peer.close();
        fabric.close();
    }

    @Test
    void shouldCountTruncatedFrameAndKeepServing()
    {
        final long before = malformed();
        peer.send(RawPeer.bytes(3), 0, 3);
        assertGoodCallStillAnswered();
        assertEquals(before + 1, malformed());
    }

    @Test
    void shouldSurviveRandomBytes()
    {
        final Random random = new Random(42);
        final long before = malformed() + unknownPeer();
        final int frames = 2000;
        for (int i = 0; i < frames; i++)
        {
            final UnsafeBuffer frame = RawPeer.bytes(1 + random.nextInt(200));
            random.nextBytes(frame.byteArray());
            peer.send(frame, 0, frame.capacity());
        }
        assertGoodCallStillAnswered();
        // Every random frame (fixed seed) is refused: malformed, or well formed but from a sender that
        // never said Hello.
        assertEquals(before + frames, malformed() + unknownPeer());
    }

    @Test
    void shouldAnswerEveryGoodCallAmongMutatedFrames()
    {
        final Random random = new Random(1234);
        final UnsafeBuffer[] originals = {
            goodInvoke(nextCorrelationId++, SCRATCH, 5), goodGet(nextCorrelationId++, SCRATCH)};
        final long before = malformed() + invokesIn() + gets() + puts();
        final int frames = 3000;
        int goodCalls = 0;
        for (int i = 1; i <= frames; i++)
        {
            final UnsafeBuffer frame = mutated(originals[random.nextInt(originals.length)], random);
            peer.send(frame, 0, frame.capacity());
            if (i % 100 == 0)
            {
                assertGoodCallStillAnswered();
                goodCalls++;
            }
        }
        // Each frame ends in exactly one of these counters: refused as malformed, or decoded as the call it now is.
        assertEquals(before + frames + goodCalls, malformed() + invokesIn() + gets() + puts());
    }

    /**
     * A copy of a frame with 1-4 bytes overwritten, perhaps truncated. The template id is kept (a Hello made out of
     * a call could re-point the peer's reply address; the random-bytes test and the fuzz target cover templates),
     * and the vertex id cannot become {@link #COUNTER} with so few bytes changed, so good calls keep their answers.
     */
    private static UnsafeBuffer mutated(final UnsafeBuffer original, final Random random)
    {
        final byte[] bytes = new byte[original.capacity()];
        original.getBytes(0, bytes);
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--)
        {
            int at = random.nextInt(bytes.length);
            if (at == TEMPLATE_ID_OFFSET || at == TEMPLATE_ID_OFFSET + 1)
            {
                at = bytes.length - 1;
            }
            bytes[at] = (byte)random.nextInt(256);
        }
        final int length = random.nextInt(8) == 0 ? 1 + random.nextInt(bytes.length) : bytes.length;
        return new UnsafeBuffer(bytes, 0, length);
    }

    @Test
    void shouldAnswerMalformedForUnknownTemplate()
    {
        final UnsafeBuffer frame = goodInvoke(nextCorrelationId++, 1);
        frame.putShort(2, (short)99, LITTLE_ENDIAN);
        assertMalformedAnswer(frame, "unknown template id");
    }

    @Test
    void shouldAnswerMalformedForWrongSchemaVersion()
    {
        final UnsafeBuffer frame = goodInvoke(nextCorrelationId++, 1);
        frame.putShort(6, (short)99, LITTLE_ENDIAN);
        assertMalformedAnswer(frame, "unsupported schema version");
    }

    @Test
    void shouldAnswerMalformedForDataLengthBeyondFrame()
    {
        final UnsafeBuffer frame = goodInvoke(nextCorrelationId++, 1);
        final int argsLengthOffset = MessageHeaderEncoder.ENCODED_LENGTH + InvokeEncoder.BLOCK_LENGTH;
        frame.putInt(argsLengthOffset, 1_000_000, LITTLE_ENDIAN);
        assertMalformedAnswer(frame, "truncated frame");
    }

    @Test
    void shouldAnswerMalformedForBadEnum()
    {
        final UnsafeBuffer frame = goodInvoke(nextCorrelationId++, 1);
        frame.putByte(MessageHeaderEncoder.ENCODED_LENGTH + InvokeEncoder.routingEncodingOffset(), (byte)7);
        assertMalformedAnswer(frame, "value outside its enum");
    }

    @Test
    void shouldCountWrongSchemaIdWithoutAnswer()
    {
        final long correlationId = nextCorrelationId++;
        final UnsafeBuffer frame = goodInvoke(correlationId, 1);
        frame.putShort(4, (short)1234, LITTLE_ENDIAN);
        final long before = malformed();
        peer.expect(correlationId);
        peer.send(frame, 0, frame.capacity());
        assertGoodCallStillAnswered();
        assertEquals(before + 1, malformed());
    }

    @Test
    void shouldDropCallsFromSendersThatNeverSaidHello()
    {
        final long before = unknownPeer();
        final UnsafeBuffer frame = goodInvoke(nextCorrelationId++, 1);
        frame.putInt(MessageHeaderEncoder.ENCODED_LENGTH, 3_333_333, LITTLE_ENDIAN);
        peer.send(frame, 0, frame.capacity());
        assertGoodCallStillAnswered();
        assertEquals(before + 1, unknownPeer());
    }

    @Test
    void shouldIgnoreBorrowingMessagesFromAClient()
    {
        final long before = unknownPeer();
        final UnsafeBuffer bogus = int64(1_000_000);
        assertTrue(peer.proxy.borrowRequest(peer.publication, peer.id, nextCorrelationId++, 1, COUNTER, ADD));
        assertTrue(peer.proxy.borrowReturn(peer.publication, peer.id, nextCorrelationId++, 1, COUNTER, 1, true,
            io.shawarma.codecs.LeaseMode.EXCLUSIVE, ADD, bogus, 0, Long.BYTES));
        assertTrue(peer.proxy.borrowReturnAck(peer.publication, peer.id, nextCorrelationId++, 1, COUNTER, 1,
            io.shawarma.codecs.Status.OK));
        assertTrue(peer.proxy.revoke(peer.publication, peer.id, nextCorrelationId++, 1, COUNTER, 1));
        assertGoodCallStillAnswered();   // the bogus EXCLUSIVE return did not replace the counter
        assertEquals(before + 4, unknownPeer(), "only workers lend and borrow");
    }

    private static void assertMalformedAnswer(final UnsafeBuffer frame, final String reason)
    {
        final long correlationId = frame.getLong(MessageHeaderEncoder.ENCODED_LENGTH + 4, LITTLE_ENDIAN);
        final long before = malformed();
        peer.expect(correlationId);
        peer.send(frame, 0, frame.capacity());
        assertTrue(peer.awaitAnswer(), "no answer to a malformed frame");
        assertEquals(Status.MALFORMED, peer.status);
        assertEquals(reason, peer.text);
        assertEquals(before + 1, malformed());
        assertGoodCallStillAnswered();
    }

    private static void assertGoodCallStillAnswered()
    {
        final long correlationId = nextCorrelationId++;
        final UnsafeBuffer frame = goodInvoke(correlationId, 1);
        peer.expect(correlationId);
        peer.send(frame, 0, frame.capacity());
        assertTrue(peer.awaitAnswer(), "worker stopped answering good calls");
        assertEquals(Status.OK, peer.status);
        expectedCount++;
        assertEquals(Long.BYTES, peer.resultLength);
        assertEquals(expectedCount, peer.result.getLong(0, LITTLE_ENDIAN));
        assertFalse(Thread.currentThread().isInterrupted());
    }

    private static UnsafeBuffer goodInvoke(final long correlationId, final long delta)
    {
        return goodInvoke(correlationId, COUNTER, delta);
    }

    private static UnsafeBuffer goodInvoke(final long correlationId, final long vertexId, final long delta)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH +
            InvokeEncoder.BLOCK_LENGTH + 4 + Long.BYTES]);
        new InvokeEncoder().wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
            .vertexId(vertexId).udfId(ADD).routing(Routing.DIRECT).putArgs(int64(delta), 0, Long.BYTES)
            .session().senderId(peer.id).correlationId(correlationId).epoch(1);
        return frame;
    }

    private static UnsafeBuffer goodGet(final long correlationId, final long vertexId)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH +
            GetVertexEncoder.BLOCK_LENGTH]);
        new GetVertexEncoder().wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
            .vertexId(vertexId).session().senderId(peer.id).correlationId(correlationId).epoch(1);
        return frame;
    }

    private static long invokesIn()
    {
        return worker.counters().invokesIn.get();
    }

    private static long gets()
    {
        return worker.counters().gets.get();
    }

    private static long puts()
    {
        return worker.counters().puts.get();
    }

    private static long malformed()
    {
        return worker.counters().malformedFrames.get();
    }

    private static long unknownPeer()
    {
        return worker.counters().unknownPeerFrames.get();
    }
}
