package io.shawarma.fabric.store;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VertexIndexTest
{
    @Test
    void shouldMatchHashMapWhileGrowingAndRemovingAcrossMigrations()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final Map<Long, Long> model = new HashMap<>();
        final VertexIndex index = new VertexIndex(4);

        for (int op = 0; op < 300_000; op++)
        {
            // The id range widens over time so the index grows several times with removes in between.
            final long id = random.nextInt(1 + op / 10) * 0x9E3779B97F4A7C15L;
            if (random.nextInt(3) < 2)
            {
                final long address = 1 + random.nextInt(Integer.MAX_VALUE);
                index.ensureCapacityForOneMore();
                final Long previous = model.put(id, address);
                assertEquals(null == previous ? 0 : previous, index.put(id, address), "put, seed " + seed);
            }
            else
            {
                final Long previous = model.remove(id);
                assertEquals(null == previous ? 0 : previous, index.remove(id), "remove, seed " + seed);
            }
            if (0 == op % 10_000)
            {
                assertIndexEquals(model, index, seed);
            }
        }
        assertIndexEquals(model, index, seed);
    }

    @Test
    void shouldTreatZeroAndNegativeIdsAsKeys()
    {
        final VertexIndex index = new VertexIndex(16);
        index.put(0, 5);
        index.put(-1, 6);
        index.put(Long.MIN_VALUE, 7);

        assertEquals(5, index.get(0));
        assertEquals(6, index.get(-1));
        assertEquals(7, index.get(Long.MIN_VALUE));
        assertEquals(0, index.get(1));
        assertEquals(6, index.remove(-1));
        assertEquals(0, index.get(-1));
        assertEquals(2, index.size());
    }

    private static void assertIndexEquals(final Map<Long, Long> model, final VertexIndex index, final long seed)
    {
        assertEquals(model.size(), index.size(), "size, seed " + seed);
        for (final Map.Entry<Long, Long> entry : model.entrySet())
        {
            assertEquals(entry.getValue().longValue(), index.get(entry.getKey()), "id " + entry.getKey() +
                ", seed " + seed);
        }
        final int[] visited = new int[1];
        index.forEach((id, address) ->
        {
            visited[0]++;
            assertEquals(model.get(id).longValue(), address, "visited id " + id + ", seed " + seed);
        });
        assertEquals(model.size(), visited[0], "visited, seed " + seed);
    }
}
