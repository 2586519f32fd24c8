package io.shawarma.jmh;

import io.shawarma.codecs.InvokeDecoder;
import io.shawarma.codecs.InvokeEncoder;
import io.shawarma.codecs.InvokeResultDecoder;
import io.shawarma.codecs.InvokeResultEncoder;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.Routing;
import io.shawarma.codecs.SessionHeaderDecoder;
import io.shawarma.codecs.Status;
import io.shawarma.messaging.FabricAdapter;
import io.shawarma.messaging.FabricHandler;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * SBE encode and decode of the two hot messages, Invoke and InvokeResult, with a 32-byte payload: the generated
 * flyweights alone, and the real inbound path through {@link FabricAdapter} (header, length and enum validation).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class CodecBenchmark
{
    private static final int PAYLOAD_BYTES = 32;
    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;

    private final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final UnsafeBuffer invokeFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final UnsafeBuffer invokeResultFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final UnsafeBuffer payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PAYLOAD_BYTES, 64));
    private final UnsafeBuffer decodedPayload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PAYLOAD_BYTES, 64));

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final InvokeEncoder invokeEncoder = new InvokeEncoder();
    private final InvokeDecoder invokeDecoder = new InvokeDecoder();
    private final InvokeResultEncoder invokeResultEncoder = new InvokeResultEncoder();
    private final InvokeResultDecoder invokeResultDecoder = new InvokeResultDecoder();

    private final SinkHandler handler = new SinkHandler();
    private final FabricAdapter adapter = new FabricAdapter(handler);
    private int invokeFrameLength;
    private int invokeResultFrameLength;
    private long correlationId;

    @Setup(Level.Trial)
    public void setUp()
    {
        for (int i = 0; i < PAYLOAD_BYTES; i++)
        {
            payload.putByte(i, (byte)i);
        }
        invokeFrameLength = encodeInvoke(invokeFrame, 42);
        invokeResultFrameLength = encodeInvokeResult(invokeResultFrame, 43);

        adapter.onFrame(invokeFrame, 0, invokeFrameLength);
        adapter.onFrame(invokeResultFrame, 0, invokeResultFrameLength);
        if (handler.malformed != 0)
        {
            throw new IllegalStateException("the adapter rejected a benchmark frame");
        }
    }

    /**
     * Encode an Invoke with {@code wrapAndApplyHeader}, then decode it with the header and message decoders.
     */
    @Benchmark
    public void invokeEncodeDecode(final Blackhole bh)
    {
        encodeInvoke(buffer, ++correlationId);

        headerDecoder.wrap(buffer, 0);
        final InvokeDecoder decoder = invokeDecoder.wrap(
            buffer, HEADER_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        bh.consume(headerDecoder.templateId());
        final SessionHeaderDecoder session = decoder.session();
        bh.consume(session.senderId());
        bh.consume(session.correlationId());
        bh.consume(session.epoch());
        bh.consume(decoder.vertexId());
        bh.consume(decoder.udfId());
        bh.consume(decoder.routingRaw());
        bh.consume(decoder.getArgs(decodedPayload, 0, PAYLOAD_BYTES));
        bh.consume(decodedPayload.getLong(0));
    }

    /**
     * Encode an InvokeResult with {@code wrapAndApplyHeader}, then decode it with the header and message decoders.
     */
    @Benchmark
    public void invokeResultEncodeDecode(final Blackhole bh)
    {
        encodeInvokeResult(buffer, ++correlationId);

        headerDecoder.wrap(buffer, 0);
        final InvokeResultDecoder decoder = invokeResultDecoder.wrap(
            buffer, HEADER_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        bh.consume(headerDecoder.templateId());
        final SessionHeaderDecoder session = decoder.session();
        bh.consume(session.senderId());
        bh.consume(session.correlationId());
        bh.consume(session.epoch());
        bh.consume(decoder.statusRaw());
        bh.consume(decoder.ownerId());
        bh.consume(decoder.getResult(decodedPayload, 0, PAYLOAD_BYTES));
        bh.consume(decodedPayload.getLong(0));
    }

    /**
     * Decode a ready Invoke frame through the worker's inbound path: {@link FabricAdapter#onFrame} with its checks.
     */
    @Benchmark
    public long invokeAdapterDecode()
    {
        adapter.onFrame(invokeFrame, 0, invokeFrameLength);
        return handler.sink;
    }

    /**
     * Decode a ready InvokeResult frame through the client's inbound path: {@link FabricAdapter#onFrame}.
     */
    @Benchmark
    public long invokeResultAdapterDecode()
    {
        adapter.onFrame(invokeResultFrame, 0, invokeResultFrameLength);
        return handler.sink;
    }

    private int encodeInvoke(final UnsafeBuffer frame, final long correlationId)
    {
        invokeEncoder.wrapAndApplyHeader(frame, 0, headerEncoder).session()
            .senderId(1).correlationId(correlationId).epoch(3);
        invokeEncoder.vertexId(1000).udfId(77).routing(Routing.DIRECT).putArgs(payload, 0, PAYLOAD_BYTES);
        return HEADER_LENGTH + invokeEncoder.encodedLength();
    }

    private int encodeInvokeResult(final UnsafeBuffer frame, final long correlationId)
    {
        invokeResultEncoder.wrapAndApplyHeader(frame, 0, headerEncoder).session()
            .senderId(1).correlationId(correlationId).epoch(3);
        invokeResultEncoder.status(Status.OK).ownerId(1).putResult(payload, 0, PAYLOAD_BYTES);
        return HEADER_LENGTH + invokeResultEncoder.encodedLength();
    }

    /**
     * Does nothing with a message but fold a few of its fields into {@link #sink}, so the decode cannot be elided.
     */
    static final class SinkHandler implements FabricHandler
    {
        long sink;
        int malformed;

        public void onHello(
            final int senderId, final long correlationId, final long epoch, final int role, final int replyStreamId,
            final long nonce, final DirectBuffer buffer, final int channelOffset, final int channelLength)
        {
            sink += correlationId;
        }

        public void onChallenge(
            final int senderId, final long correlationId, final long epoch, final long nonce, final DirectBuffer buffer,
            final int proofOffset)
        {
            sink += correlationId + nonce;
        }

        public void onAuthenticate(
            final int senderId, final long correlationId, final long epoch, final DirectBuffer buffer,
            final int proofOffset)
        {
            sink += correlationId;
        }

        public void onHeartbeat(
            final int senderId, final long correlationId, final long epoch, final long timestampNs,
            final int pendingCalls)
        {
            sink += correlationId;
        }

        public void onInvoke(
            final int senderId, final long correlationId, final long epoch, final long vertexId, final int udfId,
            final int routing, final DirectBuffer buffer, final int argsOffset, final int argsLength)
        {
            sink += senderId + correlationId + epoch + vertexId + udfId + routing + argsLength +
                buffer.getLong(argsOffset);
        }

        public void onInvokeResult(
            final int senderId, final long correlationId, final long epoch, final int status, final int ownerId,
            final DirectBuffer buffer, final int resultOffset, final int resultLength)
        {
            sink += senderId + correlationId + epoch + status + ownerId + resultLength + buffer.getLong(resultOffset);
        }

        public void onPutVertex(
            final int senderId, final long correlationId, final long epoch, final long vertexId,
            final DirectBuffer buffer, final int valueOffset, final int valueLength)
        {
            sink += correlationId + valueLength;
        }

        public void onGetVertex(final int senderId, final long correlationId, final long epoch, final long vertexId)
        {
            sink += correlationId;
        }

        public void onMalformed(final int senderId, final long correlationId, final int reason)
        {
            malformed++;
        }
    }
}
