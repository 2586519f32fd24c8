package io.shawarma.udf;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VertexTest
{
    private final UnsafeBuffer stored = new UnsafeBuffer(new byte[16]);
    private final Vertex vertex = new Vertex(new UnsafeBuffer(new byte[64]));

    @Test
    void readsTheStoredBytesInPlace()
    {
        stored.putLong(0, 7, LITTLE_ENDIAN);
        vertex.wrap(3, stored, Long.BYTES);

        assertSame(stored, vertex.value());
        assertEquals(3, vertex.id());
        assertEquals(Long.BYTES, vertex.length());
        assertEquals(64, vertex.capacity());
        assertFalse(vertex.isUpdated());
    }

    @Test
    void newValueLeavesTheStoredBytesAloneAndUpdateShowsIt()
    {
        stored.putLong(0, 7, LITTLE_ENDIAN);
        vertex.wrap(3, stored, Long.BYTES);

        vertex.newValue().putLong(0, 8, LITTLE_ENDIAN);
        assertEquals(7, vertex.value().getLong(0, LITTLE_ENDIAN), "before update the value is the stored one");
        vertex.update(Long.BYTES);

        assertEquals(7, stored.getLong(0, LITTLE_ENDIAN), "the stored bytes are never written");
        assertEquals(8, vertex.value().getLong(0, LITTLE_ENDIAN));
        assertTrue(vertex.isUpdated());
    }

    @Test
    void editStartsFromACopyOfTheCurrentValueOncePerCall()
    {
        stored.putLong(0, 1, LITTLE_ENDIAN);
        stored.putLong(8, 2, LITTLE_ENDIAN);
        vertex.wrap(3, stored, 16);

        vertex.edit().putLong(8, 20, LITTLE_ENDIAN);
        vertex.edit().putLong(0, 10, LITTLE_ENDIAN);
        vertex.update(16);

        assertEquals(10, vertex.value().getLong(0, LITTLE_ENDIAN));
        assertEquals(20, vertex.value().getLong(8, LITTLE_ENDIAN));
        assertEquals(2, stored.getLong(8, LITTLE_ENDIAN));
    }

    @Test
    void updateWithoutWritingKeepsAPrefixOfTheValue()
    {
        stored.putLong(0, 5, LITTLE_ENDIAN);
        stored.putLong(8, 6, LITTLE_ENDIAN);
        vertex.wrap(3, stored, 16);

        vertex.update(Long.BYTES);

        assertEquals(Long.BYTES, vertex.length());
        assertEquals(5, vertex.value().getLong(0, LITTLE_ENDIAN));
    }

    @Test
    void wrapStartsEachCallAfresh()
    {
        vertex.wrap(1, stored, 0);
        vertex.newValue().putLong(0, 9, LITTLE_ENDIAN);
        vertex.update(Long.BYTES);

        stored.putLong(0, 4, LITTLE_ENDIAN);
        vertex.wrap(2, stored, Long.BYTES);
        assertFalse(vertex.isUpdated());
        assertEquals(4, vertex.edit().getLong(0, LITTLE_ENDIAN), "edit copies the new call's value");
    }

    @Test
    void refusesLengthsBeyondTheCapacity()
    {
        vertex.wrap(1, stored, 0);
        assertThrows(IllegalArgumentException.class, () -> vertex.update(65));
        assertThrows(IllegalArgumentException.class, () -> vertex.wrap(1, stored, -1));
    }
}
