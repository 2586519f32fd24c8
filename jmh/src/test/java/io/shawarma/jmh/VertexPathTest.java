package io.shawarma.jmh;

import io.shawarma.fabric.store.VertexStores;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The floor must do the work the stores do, or the benchmark compares unlike things: every contender of
 * {@link VertexPathBenchmark} gives the same answers to the same calls.
 */
class VertexPathTest
{
    private static final int ENTRIES = 1000;

    static List<String> kinds()
    {
        final List<String> kinds = new ArrayList<>(List.of(VertexPath.FLOOR, "chronicle"));
        if (VertexStores.isKnown("table"))
        {
            kinds.add("table");
        }
        return kinds;
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void shouldCopyFilledValuesOutAndReplaceThem(final String kind)
    {
        try (VertexPath path = VertexPath.open(kind, ENTRIES, 1024))
        {
            VertexPath.fill(path, ENTRIES, 1024);
            final UnsafeBuffer copy = new UnsafeBuffer(new byte[1024]);
            assertEquals(1024, path.get(17, copy));
            assertEquals(17, copy.getLong(0, LITTLE_ENDIAN));
            assertEquals((byte)1023, copy.getByte(1023));

            final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
            value.putLong(8, 99, LITTLE_ENDIAN);
            path.put(17, value, 0, 16);
            assertEquals(16, path.get(17, copy));
            assertEquals(99, copy.getLong(8, LITTLE_ENDIAN));
            assertEquals(-1, path.get(ENTRIES, copy));
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void shouldRunReadAndAddOnStoredVertices(final String kind)
    {
        try (VertexPath path = VertexPath.open(kind, ENTRIES, VertexPath.COUNTER_BYTES))
        {
            VertexPath.fill(path, ENTRIES, VertexPath.COUNTER_BYTES);
            final UnsafeBuffer args = new UnsafeBuffer(new byte[Long.BYTES]);
            args.putLong(0, 5, LITTLE_ENDIAN);
            assertEquals(Long.BYTES, path.invoke(40, VertexPath.ADD, args, 0, Long.BYTES));
            assertEquals(Long.BYTES, path.invoke(40, VertexPath.ADD, args, 0, Long.BYTES));
            final UnsafeBuffer copy = new UnsafeBuffer(new byte[Long.BYTES]);
            assertEquals(Long.BYTES, path.get(40, copy));
            assertEquals(50, copy.getLong(0, LITTLE_ENDIAN));
            assertEquals(Long.BYTES, path.invoke(40, VertexPath.READ, args, 0, 0));
            assertTrue(path.invoke(ENTRIES, VertexPath.READ, args, 0, 0) < 0, "absent vertex");
            assertTrue(path.invoke(40, VertexPath.READ + 1, args, 0, 0) < 0, "unknown UDF");
        }
    }

    @Test
    void shouldDrawOneHotIdOrRandomIdsInRange()
    {
        final long[] hot = VertexPath.ids(ENTRIES, false, 8);
        assertArrayEquals(new long[]{500, 500, 500, 500, 500, 500, 500, 500}, hot);
        for (final long id : VertexPath.ids(ENTRIES, true, 1 << 12))
        {
            assertTrue(id >= 0 && id < ENTRIES, "id " + id);
        }
        assertThrows(IllegalArgumentException.class, () -> VertexPath.ids(ENTRIES, true, 1000));
    }

    @Test
    void shouldParseKeysAndRejectNonPositive()
    {
        assertEquals(0, HarnessOptions.parse(new String[0]).keys);
        assertEquals(1_000_000, HarnessOptions.parse(new String[]{"--keys", "1_000_000"}).keys);
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[]{"--keys", "0"}));
    }
}
