package io.shawarma.jmh;

import io.shawarma.fabric.wasm.WasmModules;
import io.shawarma.fabric.wasm.WasmSandbox;
import io.shawarma.udf.Udf;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The vertex stores side by side on the work a worker does on a vertex it owns: {@code get} (copy the value out),
 * {@code put} (replace it, same length), and the UDFs {@code read} (result = the value) and {@code add} (int64
 * counter += 1, written back). Contenders ({@code store}): {@code table} and {@code chronicle}, opened with
 * {@code VertexStores.open} and called through a {@code LocalInvoker} for the UDFs, as a worker runs them; and
 * {@code floor}, a hand-written {@code Long2LongHashMap} over a slab ({@link SlabFloor}) running the same UDF objects
 * in place. Each store holds {@value #ENTRIES} vertices; {@code keys=hot} calls one of them every time, {@code random}
 * takes ids from a pre-generated uniform array (masked index, no random numbers drawn in the measured method).
 * <p>
 * {@code add} runs on 8-byte values only: it rewrites its vertex as an 8-byte counter, so a larger value would shrink
 * on first touch. The other operations run on 16 B and 1 KiB values. Every contender gets the same fork flags (heap
 * and direct memory below; Chronicle's memory is mapped outside both); a 1 M-entry 1 KiB store needs a little over
 * 1 GiB.
 * <p>
 * {@code add} also runs as WebAssembly ({@code udf=wasm-compiled}, {@code wasm-interpreted}; Java's is
 * {@code udf=java}), through the same invoker on the same store.
 * <p>
 * Full matrix, about 20 minutes: {@code scripts/shawarma bench --jmh VertexPathBenchmark}; add {@code -prof gc} for
 * allocation; {@code -p store=table,floor -p keys=hot} narrows it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:MaxDirectMemorySize=4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class VertexPathBenchmark
{
    /** Vertices in every store. */
    public static final int ENTRIES = 1 << 20;
    private static final int IDS = 1 << 20;
    private static final int ID_MASK = IDS - 1;

    /**
     * A filled store of one kind and the ids to call, shared by every operation.
     */
    @State(Scope.Thread)
    public abstract static class Vertices
    {
        @Param({"table", "chronicle", "floor"})
        public String store;

        @Param({"hot", "random"})
        public String keys;

        VertexPath path;
        long[] ids;
        UnsafeBuffer args;
        private int next;

        abstract int valueBytes();

        /**
         * @return UDFs to run besides the Java {@code add} and {@code read}.
         */
        List<Udf> moreUdfs()
        {
            return List.of();
        }

        /**
         * Called at the end of {@link #open()}, once the store is filled: JMH runs a hierarchy's setup methods in no
         * set order, so the subclasses' setup hangs off the one {@code @Setup} here.
         */
        abstract void prepare();

        @Setup(Level.Trial)
        public void open()
        {
            final int valueBytes = valueBytes();
            path = VertexPath.open(store, ENTRIES, valueBytes, moreUdfs());
            VertexPath.fill(path, ENTRIES, valueBytes);
            ids = VertexPath.ids(ENTRIES, "random".equals(keys), IDS);
            args = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
            args.putLong(0, 1, LITTLE_ENDIAN);
            prepare();
        }

        @TearDown(Level.Trial)
        public void close()
        {
            path.close();
        }

        final long nextId()
        {
            return ids[next++ & ID_MASK];
        }

        static void check(final boolean ok, final String what)
        {
            if (!ok)
            {
                throw new IllegalStateException(what);
            }
        }
    }

    /**
     * Vertices of 16 B or 1 KiB, for get, put and read.
     */
    public static class Values extends Vertices
    {
        @Param({"16", "1024"})
        public int valueBytes;

        UnsafeBuffer value;
        UnsafeBuffer copy;

        int valueBytes()
        {
            return valueBytes;
        }

        void prepare()
        {
            value = new UnsafeBuffer(BufferUtil.allocateDirectAligned(valueBytes, 64));
            copy = new UnsafeBuffer(BufferUtil.allocateDirectAligned(valueBytes, 64));
            check(path.get(ids[0], copy) == valueBytes, "get of a stored vertex failed");
            check(path.invoke(ids[0], VertexPath.READ, args, 0, 0) == valueBytes, "read failed");
        }
    }

    /**
     * Vertices holding an int64 counter, for add: the built-in Java {@code add} ({@code udf=java}), or its WebAssembly
     * twin ({@code fabric-wasm}'s add.wasm, the examples' counter) compiled to JVM bytecode by Chicory
     * ({@code wasm-compiled}) or run by Chicory's interpreter ({@code wasm-interpreted}), on the same store.
     */
    public static class Counters extends Vertices
    {
        @Param({"java", "wasm-compiled", "wasm-interpreted"})
        public String udf;

        int addId = VertexPath.ADD;

        int valueBytes()
        {
            return VertexPath.COUNTER_BYTES;
        }

        List<Udf> moreUdfs()
        {
            if ("java".equals(udf))
            {
                return List.of();
            }
            final String engine = udf.substring("wasm-".length());
            // A budget far above any call's: a loaded machine's GC or JIT pause must not fail a measured call.
            final Udf wasm = WasmModules.standalone("add-" + udf, WasmModules.addModule(),
                new WasmSandbox().engine(engine).callBudgetNs(TimeUnit.SECONDS.toNanos(1)), VertexPath.COUNTER_BYTES);
            addId = Udf.idOf(wasm.name());
            return List.of(wasm);
        }

        void prepare()
        {
            check(path.invoke(ids[0], addId, args, 0, Long.BYTES) == Long.BYTES, "add failed");
        }
    }

    /**
     * Copies a vertex's value out of the store into a reused buffer.
     */
    @Benchmark
    public int get(final Values vertices)
    {
        return vertices.path.get(vertices.nextId(), vertices.copy);
    }

    /**
     * Replaces a vertex's value with one of the same length from an off-heap buffer.
     */
    @Benchmark
    public void put(final Values vertices)
    {
        vertices.path.put(vertices.nextId(), vertices.value, 0, vertices.valueBytes);
    }

    /**
     * {@code read}: the whole value into the result buffer, nothing written back.
     */
    @Benchmark
    public int read(final Values vertices)
    {
        return vertices.path.invoke(vertices.nextId(), VertexPath.READ, vertices.args, 0, 0);
    }

    /**
     * {@code add} of 1 to an int64 counter: read, add, write back, 8-byte result.
     */
    @Benchmark
    public int add(final Counters vertices)
    {
        return vertices.path.invoke(vertices.nextId(), vertices.addId, vertices.args, 0, Long.BYTES);
    }
}
