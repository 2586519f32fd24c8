package io.shawarma.jmh;

import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.Worker;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A call on a vertex the worker owns, through its {@link LocalInvoker}: store read, UDF, store write back. The
 * worker is driven by its agent invoker (no agent thread of its own), so the benchmark thread is the vertices'
 * single writer, as the worker's agent thread would be. Its embedded media driver idles with backoff.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class LocalInvokeBenchmark
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int READ = Udf.idOf(ReadUdf.NAME);
    private static final int COUNTERS = 10_000;
    private static final int IDS = 1 << 16;
    private static final int ID_MASK = IDS - 1;
    private static final long READ_VERTEX_ID = COUNTERS;
    private static final int READ_VALUE_BYTES = 1024;

    private final long[] ids = new long[IDS];
    private final UnsafeBuffer args = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private Worker worker;
    private LocalInvoker invoker;
    private int next;

    @Setup(Level.Trial)
    public void setUp()
    {
        worker = Worker.launch(new Worker.Context()
            .workerId(1)
            .fabric("1@" + io.shawarma.fabric.process.LoopbackPorts.freeUdpChannel())
            .useAgentInvoker(true)
            .idleStrategy("backoff")
            .storeEntries(2 * COUNTERS));
        invoker = worker.localInvoker();

        final UnsafeBuffer value = new UnsafeBuffer(BufferUtil.allocateDirectAligned(READ_VALUE_BYTES, 64));
        for (long vertexId = 0; vertexId < COUNTERS; vertexId++)
        {
            check(invoker.put(vertexId, value, 0, Long.BYTES), "put");
        }
        for (int i = 0; i < READ_VALUE_BYTES; i++)
        {
            value.putByte(i, (byte)i);
        }
        check(invoker.put(READ_VERTEX_ID, value, 0, READ_VALUE_BYTES), "put");

        args.putLong(0, 1, LITTLE_ENDIAN);
        check(invoker.invoke(0, ADD, args, 0, Long.BYTES), "add");
        check(invoker.invoke(READ_VERTEX_ID, READ, args, 0, 0), "read");
        if (invoker.resultLength() != READ_VALUE_BYTES)
        {
            throw new IllegalStateException("read returned " + invoker.resultLength() + " bytes");
        }

        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < IDS; i++)
        {
            ids[i] = random.nextInt(COUNTERS);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        CloseHelper.close(worker);
    }

    /**
     * {@code add} of 1 to the int64 counter of a random vertex among 10k: read, add, write back, 8-byte result.
     */
    @Benchmark
    public void add(final Blackhole bh)
    {
        bh.consume(invoker.invoke(ids[next++ & ID_MASK], ADD, args, 0, Long.BYTES));
        bh.consume(invoker.result().getLong(0, LITTLE_ENDIAN));
    }

    /**
     * {@code read} of a 1 KiB vertex: copied out of the store and into the result buffer, no write back.
     */
    @Benchmark
    public void read(final Blackhole bh)
    {
        bh.consume(invoker.invoke(READ_VERTEX_ID, READ, args, 0, 0));
        bh.consume(invoker.resultLength());
    }

    private static void check(final Status status, final String call)
    {
        if (Status.OK != status)
        {
            throw new IllegalStateException(call + " failed: " + status);
        }
    }
}
