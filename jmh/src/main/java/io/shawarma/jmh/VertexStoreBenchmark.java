package io.shawarma.jmh;

import io.shawarma.fabric.store.ChronicleVertexStore;
import io.shawarma.fabric.store.VertexStore;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The worker's off-heap vertex store ({@link VertexStore}, a Chronicle Map): get and replace of a random vertex
 * among 100k, in memory, for a small and a 1 KiB value. Ids come from a pre-generated array, so the measured method
 * does nothing but the store call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class VertexStoreBenchmark
{
    private static final int VERTICES = 100_000;
    private static final int IDS = 1 << 16;
    private static final int ID_MASK = IDS - 1;

    @Param({"16", "1024"})
    public int valueBytes;

    private final long[] ids = new long[IDS];
    private VertexStore store;
    private UnsafeBuffer value;
    private UnsafeBuffer readInto;
    private int next;

    @Setup(Level.Trial)
    public void setUp()
    {
        store = new ChronicleVertexStore(VERTICES, valueBytes, valueBytes, null);
        value = new UnsafeBuffer(BufferUtil.allocateDirectAligned(valueBytes, 64));
        readInto = new UnsafeBuffer(BufferUtil.allocateDirectAligned(valueBytes, 64));
        for (int i = 0; i < valueBytes; i++)
        {
            value.putByte(i, (byte)i);
        }
        for (long vertexId = 0; vertexId < VERTICES; vertexId++)
        {
            value.putLong(0, vertexId);
            store.put(vertexId, value, 0, valueBytes);
        }

        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < IDS; i++)
        {
            ids[i] = random.nextInt(VERTICES);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        store.close();
    }

    /**
     * Copy a vertex's value out of the map into a reused buffer.
     */
    @Benchmark
    public int get()
    {
        return store.get(ids[next++ & ID_MASK], readInto);
    }

    /**
     * Replace a vertex's value (same length) from an off-heap buffer.
     */
    @Benchmark
    public void put()
    {
        store.put(ids[next++ & ID_MASK], value, 0, valueBytes);
    }
}
