package io.shawarma.jmh;

import io.aeron.Publication;
import io.shawarma.codecs.Routing;
import io.shawarma.messaging.FabricProxy;
import io.shawarma.messaging.Outbound;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NoOpIdleStrategy;
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

import java.util.concurrent.TimeUnit;

/**
 * The client's send path up to the publication: {@link FabricProxy#invoke} encodes an Invoke with 32 bytes of args
 * straight into a claim, here from an {@link Outbound} that claims room in a buffer of its own and sends nothing,
 * so no media driver is involved.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ClientEncodeBenchmark
{
    private static final int ARGS_BYTES = 32;
    private static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    private final AcceptingOutbound outbound = new AcceptingOutbound();
    private final FabricProxy proxy = new FabricProxy(MAX_PAYLOAD_BYTES, outbound);
    private final UnsafeBuffer args = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ARGS_BYTES, 64));
    private long correlationId;

    @Setup(Level.Trial)
    public void setUp()
    {
        for (int i = 0; i < ARGS_BYTES; i++)
        {
            args.putByte(i, (byte)i);
        }
    }

    /**
     * Encode and offer one Invoke.
     */
    @Benchmark
    public boolean invoke()
    {
        final long correlationId = ++this.correlationId;
        return proxy.invoke(null, 1_000_001, correlationId, 3, correlationId & 0xFFFF, 77, Routing.DIRECT,
            args, 0, ARGS_BYTES) && outbound.lastLength > 0;
    }

    /**
     * Accepts every frame without sending it; keeps its length so the encode has an observable result.
     */
    static final class AcceptingOutbound extends Outbound
    {
        private final UnsafeBuffer term = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_PAYLOAD_BYTES, 64));
        int lastLength;

        AcceptingOutbound()
        {
            super(NoOpIdleStrategy.INSTANCE, 0);
        }

        public boolean tryClaim(final Publication publication, final int length)
        {
            lastLength = length;
            return true;
        }

        public MutableDirectBuffer claimBuffer()
        {
            return term;
        }

        public int claimOffset()
        {
            return 0;
        }

        public void commit()
        {
        }

        public boolean offer(
            final Publication publication, final DirectBuffer buffer, final int offset, final int length)
        {
            lastLength = length;
            return true;
        }
    }
}
