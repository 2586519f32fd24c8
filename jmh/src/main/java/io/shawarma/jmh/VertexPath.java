package io.shawarma.jmh;

import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.fabric.store.VertexStores;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Udf;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The work a worker does on a vertex it owns, for the benchmarks: copy a value out, copy one in, run a UDF on it.
 * {@link #open} gives the fabric's path over a {@code VertexStore} of a named kind, or the hand-written floor
 * ({@link SlabFloor}); {@link VertexPathBenchmark} and the harness's local invoke both use it, so they measure the
 * same calls. Single threaded, like the store behind it.
 */
interface VertexPath extends AutoCloseable
{
    /** The contender that is not a {@code VertexStore}: {@link SlabFloor}. */
    String FLOOR = "floor";

    /** Wire id of {@code add} (an int64 counter; it rewrites its vertex as 8 bytes). */
    int ADD = Udf.idOf(AddUdf.NAME);

    /** Wire id of {@code read} (returns the value unchanged). */
    int READ = Udf.idOf(ReadUdf.NAME);

    /** Value length {@code add} leaves behind. */
    int COUNTER_BYTES = Long.BYTES;

    /**
     * Copies a vertex's value into {@code dst} at 0.
     *
     * @return the value's length, or -1 if the vertex is absent.
     */
    int get(long vertexId, MutableDirectBuffer dst);

    /**
     * Creates or replaces a vertex's value.
     */
    void put(long vertexId, DirectBuffer src, int offset, int length);

    /**
     * Runs a UDF on a vertex; its result lands in a buffer the path owns.
     *
     * @return the result's length, or a negative number when the call failed.
     */
    int invoke(long vertexId, int udfId, DirectBuffer args, int argsOffset, int argsLength);

    /**
     * Frees the store's memory.
     */
    @Override
    void close();

    /**
     * @param kind          a {@code shawarma.store} kind, through a {@link LocalInvoker} as a worker runs it, or
     *                      {@link #FLOOR}.
     * @param entries       vertices the store is sized for.
     * @param maxValueBytes largest value; stores are sized for values of this length.
     * @return the open path.
     */
    static VertexPath open(final String kind, final int entries, final int maxValueBytes)
    {
        return open(kind, entries, maxValueBytes, List.of());
    }

    /**
     * @param kind          a {@code shawarma.store} kind, through a {@link LocalInvoker} as a worker runs it, or
     *                      {@link #FLOOR}.
     * @param entries       vertices the store is sized for.
     * @param maxValueBytes largest value; stores are sized for values of this length.
     * @param more          UDFs to run besides {@code add} and {@code read}, e.g. a WebAssembly {@code add}.
     * @return the open path.
     */
    static VertexPath open(final String kind, final int entries, final int maxValueBytes, final List<Udf> more)
    {
        final List<Udf> all = new ArrayList<>(List.of(new AddUdf(), new ReadUdf()));
        all.addAll(more);
        final UdfRegistry udfs = new UdfRegistry(all);
        final int maxResultBytes = Math.max(maxValueBytes, COUNTER_BYTES);
        if (FLOOR.equals(kind))
        {
            return new SlabFloor(entries, maxValueBytes, udfs, maxResultBytes);
        }
        return new InvokerPath(VertexStores.open(kind, entries, maxValueBytes, maxValueBytes, null), udfs,
            maxResultBytes);
    }

    /**
     * Stores vertices {@code 0 .. entries - 1}, each with a value of {@code valueBytes} whose first bytes hold its id.
     *
     * @param path       to fill.
     * @param entries    number of vertices.
     * @param valueBytes length of each value, at least 8.
     */
    static void fill(final VertexPath path, final int entries, final int valueBytes)
    {
        final UnsafeBuffer value = new UnsafeBuffer(BufferUtil.allocateDirectAligned(valueBytes, 64));
        for (int i = 0; i < valueBytes; i++)
        {
            value.putByte(i, (byte)i);
        }
        for (int vertexId = 0; vertexId < entries; vertexId++)
        {
            value.putLong(0, vertexId, LITTLE_ENDIAN);
            path.put(vertexId, value, 0, valueBytes);
        }
    }

    /**
     * The ids a measured loop takes in turn, {@code ids[i++ & (ids.length - 1)]}, so that it draws no random number.
     *
     * @param entries vertices stored (ids {@code 0 .. entries - 1}).
     * @param random  true for ids drawn uniformly from all of them, false for one hot vertex (the middle one).
     * @param count   length of the array, a power of two.
     * @return the ids.
     */
    static long[] ids(final int entries, final boolean random, final int count)
    {
        if (Integer.bitCount(count) != 1)
        {
            throw new IllegalArgumentException("id count " + count + " is not a power of two");
        }
        final long[] ids = new long[count];
        final SplittableRandom draw = new SplittableRandom(42);
        for (int i = 0; i < count; i++)
        {
            ids[i] = random ? draw.nextInt(entries) : entries / 2;
        }
        return ids;
    }
}
