package io.shawarma.fabric.store;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link VertexStore} shares; each implementation's test extends it with a factory.
 */
abstract class VertexStoreContractTest
{
    private static final int MAX_VALUE_BYTES = 1024;
    private static final int KEYS = 1_024;
    private static final int WARM_UP_OPS = 50_000;
    private static final int MEASURED_OPS = 100_000;
    private static final int MEASURED_RUNS = 3;
    // Looked up once: ManagementFactory.getThreadMXBean() itself allocates (816 bytes per call on JDK 17).
    private static final com.sun.management.ThreadMXBean THREAD_MX_BEAN =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final UnsafeBuffer src = new UnsafeBuffer(new byte[MAX_VALUE_BYTES]);
    private final UnsafeBuffer dst = new UnsafeBuffer(new byte[MAX_VALUE_BYTES]);
    private final UnsafeBuffer viewScratch = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer directSrc = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE_BYTES));
    private long checksum;
    VertexStore vertices;

    @TempDir
    File tempDir;

    /**
     * @return a new in-memory store, or a file-backed one created or reopened on {@code dataFileOrNull}.
     */
    abstract VertexStore newStore(long entries, int averageValueBytes, int maxValueBytes, File dataFileOrNull);

    @AfterEach
    void tearDown()
    {
        if (null != vertices)
        {
            vertices.close();
        }
    }

    @Test
    void shouldReturnMinusOneForUnknownVertex()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);

        assertEquals(-1, vertices.get(42, dst));
        assertFalse(vertices.contains(42));
        assertEquals(0, vertices.size());
    }

    @Test
    void shouldGetWhatWasPut()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);

        putValue(7, 20, (byte)1);
        putValue(Long.MIN_VALUE, 3, (byte)2);
        putValue(Long.MAX_VALUE, 0, (byte)3);

        assertValue(7, 20, (byte)1);
        assertValue(Long.MIN_VALUE, 3, (byte)2);
        assertValue(Long.MAX_VALUE, 0, (byte)3);
        assertTrue(vertices.contains(7));
        assertEquals(3, vertices.size());
    }

    @Test
    void shouldReplaceWithLongerValue()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);
        putValue(1, 8, (byte)1);
        putValue(2, 8, (byte)2);

        putValue(1, 900, (byte)9);

        assertValue(1, 900, (byte)9);
        assertValue(2, 8, (byte)2);
        assertEquals(2, vertices.size());
    }

    @Test
    void shouldReplaceWithShorterValue()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);
        putValue(1, 500, (byte)1);

        putValue(1, 5, (byte)6);

        assertValue(1, 5, (byte)6);
        assertEquals(1, vertices.size());
    }

    @Test
    void shouldRemoveVertex()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);
        putValue(1, 10, (byte)1);
        putValue(2, 10, (byte)2);

        assertTrue(vertices.remove(1));
        assertFalse(vertices.remove(1));

        assertFalse(vertices.contains(1));
        assertEquals(-1, vertices.get(1, dst));
        assertValue(2, 10, (byte)2);
        assertEquals(1, vertices.size());
    }

    @Test
    void shouldReturnFalseWhenRemovingUnknownVertex()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);

        assertFalse(vertices.remove(99));
    }

    @Test
    void shouldRejectValueLargerThanMax()
    {
        vertices = newStore(1_000, 32, 64, null);

        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> vertices.put(1, src, 0, 65));

        assertTrue(ex.getMessage().contains("65"), ex.getMessage());
        assertFalse(vertices.contains(1));
        assertEquals(64, vertices.maxValueBytes());
    }

    @Test
    void shouldRejectInvalidSizes()
    {
        assertMessageContains("-1", () -> newStore(-1, 32, 64, null));
        assertMessageContains("0", () -> newStore(10, 0, 64, null));
        assertMessageContains("16", () -> newStore(10, 32, 16, null));
    }

    @Test
    void shouldRejectDestinationTooSmallForValue()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);
        putValue(1, 100, (byte)1);

        assertThrows(IllegalArgumentException.class, () -> vertices.get(1, new UnsafeBuffer(new byte[99])));
    }

    @Test
    void shouldGrowExpandableDestination()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);
        putValue(1, 100, (byte)1);
        final ExpandableArrayBuffer expandable = new ExpandableArrayBuffer(8);

        assertEquals(100, vertices.get(1, expandable));
        assertEquals(fill(1, 99, (byte)1), expandable.getByte(99));
    }

    @Test
    void shouldStoreValuesFromOffsetsInHeapAndDirectBuffers()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < 64; i++)
        {
            direct.putByte(i, (byte)i);
            heap.putByte(i, (byte)(100 + i));
        }

        vertices.put(1, direct, 10, 5);
        vertices.put(2, heap, 20, 6);

        assertEquals(5, vertices.get(1, dst));
        assertArrayEquals(new byte[]{ 10, 11, 12, 13, 14 }, copyOf(dst, 5));
        assertEquals(6, vertices.get(2, dst));
        assertArrayEquals(new byte[]{ 120, 121, 122, 123, 124, 125 }, copyOf(dst, 6));
    }

    @Test
    void shouldStoreOneKibValues()
    {
        final int count = 2_000;
        vertices = newStore(count, 1024, 1024, null);

        for (int id = 0; id < count; id++)
        {
            putValue(id, 1024, (byte)id);
        }

        assertEquals(count, vertices.size());
        for (int id = 0; id < count; id++)
        {
            assertValue(id, 1024, (byte)id);
        }
    }

    @Test
    void shouldStoreMaxSizeValuesAmongSmallOnes()
    {
        vertices = newStore(1_000, 16, MAX_VALUE_BYTES, null);

        for (int id = 0; id < 1_000; id++)
        {
            putValue(id, id % 100 == 0 ? MAX_VALUE_BYTES : 8, (byte)id);
        }

        for (int id = 0; id < 1_000; id++)
        {
            assertValue(id, id % 100 == 0 ? MAX_VALUE_BYTES : 8, (byte)id);
        }
    }

    @Test
    void shouldRejectUseAfterClose()
    {
        vertices = newStore(10, 8, 8, null);
        vertices.close();

        assertThrows(IllegalStateException.class, () -> vertices.get(1, dst));
        assertThrows(IllegalStateException.class, () -> vertices.put(1, src, 0, 1));
        assertThrows(IllegalStateException.class, () -> vertices.contains(1));
        assertThrows(IllegalStateException.class, () -> vertices.remove(1));
    }

    @Test
    void shouldVisitEveryVertex()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);
        putValue(-5, 3, (byte)1);
        putValue(10, 40, (byte)2);
        putValue(1L << 40, 0, (byte)3);
        final Map<Long, byte[]> seen = new HashMap<>();

        vertices.forEach((vertexId, value, length) -> seen.put(vertexId, copyOf(value, length)));

        assertEquals(3, seen.size());
        assertArrayEquals(expected(-5, 3, (byte)1), seen.get(-5L));
        assertArrayEquals(expected(10, 40, (byte)2), seen.get(10L));
        assertArrayEquals(new byte[0], seen.get(1L << 40));
    }

    @Test
    void shouldKeepVerticesAcrossCloseAndReopen()
    {
        final File file = new File(tempDir, "nested/dir/vertices.cm3");
        vertices = newStore(10_000, 64, MAX_VALUE_BYTES, file);
        for (int id = 0; id < 1_000; id++)
        {
            putValue(id, 1 + (id % 200), (byte)id);
        }
        vertices.remove(500);
        vertices.close();
        vertices = null;
        assertTrue(file.isFile());

        vertices = newStore(10_000, 64, MAX_VALUE_BYTES, file);

        assertEquals(999, vertices.size());
        assertFalse(vertices.contains(500));
        for (int id = 0; id < 1_000; id++)
        {
            if (id != 500)
            {
                assertValue(id, 1 + (id % 200), (byte)id);
            }
        }
        putValue(500, 7, (byte)5);
        vertices.close();

        vertices = newStore(10_000, 64, MAX_VALUE_BYTES, file);
        assertValue(500, 7, (byte)5);
        assertEquals(1_000, vertices.size());
    }

    @Test
    void shouldCloseIdempotently()
    {
        vertices = newStore(10, 8, 8, null);

        vertices.close();
        vertices.close();
    }

    @Test
    void shouldViewStoredBytesInPlace()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);
        putValue(3, 40, (byte)3);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);

        assertEquals(40, vertices.view(3, view));
        assertEquals(40, view.capacity());
        assertArrayEquals(expected(3, 40, (byte)3), copyOf(view, 40));
        final UnsafeBuffer again = new UnsafeBuffer(0, 0);
        assertEquals(40, vertices.view(3, again));
        assertEquals(view.addressOffset(), again.addressOffset(), "a view is of the stored bytes, not of a copy");

        assertEquals(-1, vertices.view(4, view));
        assertEquals(40, view.capacity(), "a miss leaves the view as it was");
    }

    @Test
    void shouldPutFromViewOfSameOrAnotherVertex()
    {
        vertices = newStore(1_000, 32, MAX_VALUE_BYTES, null);
        putValue(1, 100, (byte)1);
        putValue(2, 7, (byte)2);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);

        vertices.view(1, view);
        vertices.put(1, view, 10, 60);
        final byte[] expectedOne = new byte[60];
        System.arraycopy(expected(1, 100, (byte)1), 10, expectedOne, 0, 60);
        assertEquals(60, vertices.get(1, dst));
        assertArrayEquals(expectedOne, copyOf(dst, 60));

        vertices.view(2, view);
        vertices.put(3, view, 0, 7);
        vertices.view(1, view);
        vertices.put(2, view, 0, 60);

        assertEquals(60, vertices.get(2, dst));
        assertArrayEquals(expectedOne, copyOf(dst, 60));
        assertEquals(7, vertices.get(3, dst));
        assertArrayEquals(expected(2, 7, (byte)2), copyOf(dst, 7));
        assertEquals(3, vertices.size());
    }

    @Test
    void shouldGrowFarPastExpectedEntriesKeepingEveryValue()
    {
        final int entries = 1_000;
        final int count = growsFarPastEntries() ? entries * 20 : entries;
        vertices = newStore(entries, 64, MAX_VALUE_BYTES, null);

        for (int id = 0; id < count; id++)
        {
            putValue(id * 7919L, growthLength(id), (byte)id);
        }
        assertEquals(count, vertices.size());
        for (int id = 0; id < count; id++)
        {
            assertValue(id * 7919L, growthLength(id), (byte)id);
        }
        for (int id = 0; id < count; id += 2)
        {
            assertTrue(vertices.remove(id * 7919L));
        }
        assertEquals(count / 2, vertices.size());
        for (int id = 0; id < count; id++)
        {
            if (0 == (id & 1))
            {
                assertFalse(vertices.contains(id * 7919L));
            }
            else
            {
                assertValue(id * 7919L, growthLength(id), (byte)id);
            }
        }
    }

    @Test
    void shouldMatchHashMapModelOverRandomPutsAndRemoves()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final Map<Long, byte[]> model = new HashMap<>();
        final int ids = 300;
        // Average: a quarter of the values are up to MAX_VALUE_BYTES long.
        vertices = newStore(growsFarPastEntries() ? 16 : ids, MAX_VALUE_BYTES / 4, MAX_VALUE_BYTES, null);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);

        for (int op = 0; op < 30_000; op++)
        {
            final long id = random.nextInt(ids) - ids / 2;
            final int action = random.nextInt(10);
            if (action < 5)
            {
                final int length = random.nextInt(4) == 0 ? random.nextInt(MAX_VALUE_BYTES + 1) : random.nextInt(48);
                putValue(id, length, (byte)op);
                model.put(id, expected(id, length, (byte)op));
            }
            else if (action < 7)
            {
                final long from = random.nextInt(ids) - ids / 2;
                final int length = vertices.view(from, view);
                if (length >= 0)
                {
                    vertices.put(id, view, 0, length);
                    model.put(id, model.get(from).clone());
                }
            }
            else if (action < 9)
            {
                assertEquals(null != model.remove(id), vertices.remove(id), "remove " + id + ", seed " + seed);
            }
            else
            {
                assertStoreEquals(model, view, seed);
            }
        }
        assertStoreEquals(model, view, seed);
    }

    @Test
    void shouldNotAllocateOnViewGetPutContainsAndRemoveAfterWarmUp()
    {
        assertNoAllocationAfterWarmUp(null);
    }

    /**
     * @param dataFileOrNull the store's file, or null in memory.
     */
    void assertNoAllocationAfterWarmUp(final File dataFileOrNull)
    {
        vertices = newStore(KEYS * 2L, 64, MAX_VALUE_BYTES, dataFileOrNull);
        for (int id = 0; id < KEYS; id++)
        {
            putValue(id, 64, (byte)id);
        }

        final IntConsumer views = this::viewLoop;
        final IntConsumer gets = this::getLoop;
        final IntConsumer heapPuts = (ops) -> putLoop(ops, src);
        final IntConsumer directPuts = (ops) -> putLoop(ops, directSrc);
        final IntConsumer contains = this::containsLoop;
        final IntConsumer removeAndInserts = this::removeAndInsertLoop;

        final long viewBytes = allocatedBytesAfterWarmUp(views);
        final long getBytes = allocatedBytesAfterWarmUp(gets);
        final long heapPutBytes = allocatedBytesAfterWarmUp(heapPuts);
        final long directPutBytes = allocatedBytesAfterWarmUp(directPuts);
        final long containsBytes = allocatedBytesAfterWarmUp(contains);
        final long removeAndInsertBytes = allocatedBytesAfterWarmUp(removeAndInserts);

        System.out.printf(
            "%s allocation over %,d calls each: view=%d B, get=%d B (%.4f B/op), put replace heap src=%d B " +
            "(%.4f B/op), put replace direct src=%d B (%.4f B/op), contains=%d B (%.4f B/op), " +
            "remove+put insert=%d B (%.4f B/op)%n",
            vertices.getClass().getSimpleName() + (null == dataFileOrNull ? "" : " (file)"), MEASURED_OPS, viewBytes,
            getBytes, (double)getBytes / MEASURED_OPS,
            heapPutBytes, (double)heapPutBytes / MEASURED_OPS,
            directPutBytes, (double)directPutBytes / MEASURED_OPS,
            containsBytes, (double)containsBytes / MEASURED_OPS,
            removeAndInsertBytes, (double)removeAndInsertBytes / MEASURED_OPS);

        assertEquals(0, viewBytes, "view allocated " + viewBytes + " bytes");
        assertEquals(0, getBytes, "get allocated " + getBytes + " bytes");
        assertEquals(0, heapPutBytes, "put (heap src) allocated " + heapPutBytes + " bytes");
        assertEquals(0, directPutBytes, "put (direct src) allocated " + directPutBytes + " bytes");
        assertEquals(0, containsBytes, "contains allocated " + containsBytes + " bytes");
        assertEquals(0, removeAndInsertBytes, "remove+insert allocated " + removeAndInsertBytes);
        assertEquals(KEYS, vertices.size());
        assertTrue(checksum > 0);
    }

    /**
     * Warm the loop up (the first runs allocate while the JIT compiles and deoptimises), then report the least
     * allocated over a few measured runs so that a late compilation on a busy machine cannot fail the test.
     */
    private static long allocatedBytesAfterWarmUp(final IntConsumer loop)
    {
        loop.accept(WARM_UP_OPS);
        loop.accept(WARM_UP_OPS);

        long least = Long.MAX_VALUE;
        for (int run = 0; run < MEASURED_RUNS; run++)
        {
            final long before = allocatedBytes();
            loop.accept(MEASURED_OPS);
            least = Math.min(least, allocatedBytes() - before);
        }

        return least;
    }

    private void viewLoop(final int ops)
    {
        for (int i = 0; i < ops; i++)
        {
            checksum += vertices.view(i % KEYS, viewScratch);
        }
    }

    private void getLoop(final int ops)
    {
        for (int i = 0; i < ops; i++)
        {
            checksum += vertices.get(i % KEYS, dst);
        }
    }

    private void putLoop(final int ops, final DirectBuffer source)
    {
        for (int i = 0; i < ops; i++)
        {
            vertices.put(i % KEYS, source, 0, lengthFor(i));
        }
    }

    private void containsLoop(final int ops)
    {
        for (int i = 0; i < ops; i++)
        {
            // Half the ids are absent.
            checksum += vertices.contains(i % (KEYS * 2)) ? 1 : 0;
        }
    }

    private void removeAndInsertLoop(final int ops)
    {
        for (int i = 0; i < ops; i++)
        {
            final long id = i % KEYS;
            vertices.remove(id);
            vertices.put(id, src, 0, lengthFor(i));
        }
    }

    private static int lengthFor(final int i)
    {
        // Vary the length so replace exercises both growing and shrinking an entry in place or by relocation.
        return 16 + ((i * 37) & 127);
    }

    /**
     * @return true when the store holds far more vertices than the {@code entries} it was opened with.
     */
    abstract boolean growsFarPastEntries();

    private static int growthLength(final int id)
    {
        return (id * 13) % 300;
    }

    private void assertStoreEquals(final Map<Long, byte[]> model, final UnsafeBuffer view, final long seed)
    {
        assertEquals(model.size(), vertices.size(), "size, seed " + seed);
        for (final Map.Entry<Long, byte[]> entry : model.entrySet())
        {
            final int length = vertices.view(entry.getKey(), view);
            assertArrayEquals(entry.getValue(), copyOf(view, Math.max(length, 0)), "vertex " + entry.getKey() +
                ", seed " + seed);
        }
    }

    private static long allocatedBytes()
    {
        return THREAD_MX_BEAN.getCurrentThreadAllocatedBytes();
    }

    void putValue(final long vertexId, final int length, final byte seed)
    {
        for (int i = 0; i < length; i++)
        {
            src.putByte(i, fill(vertexId, i, seed));
        }
        vertices.put(vertexId, src, 0, length);
    }

    void assertValue(final long vertexId, final int length, final byte seed)
    {
        dst.setMemory(0, dst.capacity(), (byte)0x5A);
        assertEquals(length, vertices.get(vertexId, dst), "length of vertex " + vertexId);
        assertArrayEquals(expected(vertexId, length, seed), copyOf(dst, length), "value of vertex " + vertexId);
    }

    static byte[] expected(final long vertexId, final int length, final byte seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = fill(vertexId, i, seed);
        }

        return bytes;
    }

    private static byte fill(final long vertexId, final int index, final byte seed)
    {
        return (byte)(seed + index * 31 + vertexId);
    }

    private static byte[] copyOf(final DirectBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);

        return bytes;
    }

    private static void assertMessageContains(final String expected, final Runnable action)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
