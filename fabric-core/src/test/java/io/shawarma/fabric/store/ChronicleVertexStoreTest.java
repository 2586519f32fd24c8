package io.shawarma.fabric.store;

import java.io.File;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleVertexStoreTest extends VertexStoreContractTest
{
    @Override
    VertexStore newStore(
        final long entries, final int averageValueBytes, final int maxValueBytes, final File dataFileOrNull)
    {
        return new ChronicleVertexStore(entries, averageValueBytes, maxValueBytes, dataFileOrNull);
    }

    /**
     * Chronicle Map is sized by {@code entries}: it refuses to grow far past them.
     */
    @Override
    boolean growsFarPastEntries()
    {
        return false;
    }

    @Test
    void shouldBeReadableAsPlainChronicleMapOfLongToByteArray() throws Exception
    {
        final File file = new File(tempDir, "vertices.cm3");
        vertices = newStore(1_000, 16, 64, file);
        putValue(5, 12, (byte)5);
        putValue(-1L << 50, 3, (byte)6);
        vertices.close();
        vertices = null;

        try (ChronicleMap<Long, byte[]> map = ChronicleMapBuilder.of(Long.class, byte[].class)
            .entries(1_000)
            .averageValueSize(16)
            .createPersistedTo(file))
        {
            assertArrayEquals(expected(5, 12, (byte)5), map.get(5L));
            assertArrayEquals(expected(-1L << 50, 3, (byte)6), map.get(-1L << 50));
            map.put(77L, expected(77, 4, (byte)7));
        }

        vertices = newStore(1_000, 16, 64, file);
        assertValue(77, 4, (byte)7);
        assertEquals(3, vertices.size());
    }

    @Test
    void shouldMarkFileOpenUntilClosed()
    {
        final File file = new File(tempDir, "vertices.cm3");
        final File marker = ChronicleVertexStore.openMarkerFor(file);

        vertices = newStore(100, 16, 64, file);
        assertTrue(marker.isFile());

        vertices.close();
        assertFalse(marker.exists());
        assertTrue(file.isFile());
    }

    @Test
    void shouldRecoverDataWhenPreviousOwnerDidNotClose() throws Exception
    {
        final File file = new File(tempDir, "vertices.cm3");
        vertices = newStore(1_000, 16, 64, file);
        for (int id = 0; id < 100; id++)
        {
            putValue(id, 10, (byte)id);
        }
        vertices.close();
        // What a crashed owner leaves behind.
        assertTrue(ChronicleVertexStore.openMarkerFor(file).createNewFile());

        vertices = newStore(1_000, 16, 64, file);

        assertEquals(100, vertices.size());
        for (int id = 0; id < 100; id++)
        {
            assertValue(id, 10, (byte)id);
        }
    }
}
