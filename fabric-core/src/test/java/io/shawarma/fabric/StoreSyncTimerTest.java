package io.shawarma.fabric;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import io.shawarma.fabric.store.VertexStore;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code shawarma.store.sync=interval}: the store is forced once per interval of the duty cycle's time, counted
 * through the store (no timings), and a failed force is recorded, not thrown.
 */
class StoreSyncTimerTest
{
    private static final long INTERVAL_NS = 100_000_000L;

    private final List<Throwable> errors = new ArrayList<>();
    private final CountingStore store = new CountingStore();

    @Test
    void shouldForceOncePerInterval()
    {
        final StoreSyncTimer timer = new StoreSyncTimer(store, INTERVAL_NS, errors::add);
        final long start = -5_000L; // nanoTime may be negative

        assertEquals(0, timer.doWork(start));
        assertEquals(0, timer.doWork(start + INTERVAL_NS - 1));
        assertEquals(0, store.forces);
        assertEquals(1, timer.doWork(start + INTERVAL_NS));
        assertEquals(0, timer.doWork(start + INTERVAL_NS + 10));
        assertEquals(1, store.forces);
        assertEquals(1, timer.doWork(start + 2 * INTERVAL_NS + 10));
        assertEquals(2, store.forces);
        assertEquals(0, errors.size());
    }

    @Test
    void shouldNeverForceWithoutAnInterval()
    {
        final StoreSyncTimer timer = new StoreSyncTimer(store, 0, errors::add);

        for (long nowNs = 0; nowNs < 10 * INTERVAL_NS; nowNs += INTERVAL_NS / 2)
        {
            assertEquals(0, timer.doWork(nowNs));
        }
        assertEquals(0, store.forces);
    }

    @Test
    void shouldRecordAFailedForceAndTryAgainNextInterval()
    {
        final StoreSyncTimer timer = new StoreSyncTimer(store, INTERVAL_NS, errors::add);
        timer.doWork(0);
        store.failing = true;

        assertEquals(1, timer.doWork(INTERVAL_NS));
        assertEquals(1, errors.size());
        store.failing = false;
        assertEquals(1, timer.doWork(2 * INTERVAL_NS));
        assertEquals(2, store.forces);
        assertEquals(1, errors.size());
    }

    /**
     * A store with nothing in it that counts its forces, and fails them when told to.
     */
    private static final class CountingStore implements VertexStore
    {
        int forces;
        boolean failing;

        @Override
        public void force()
        {
            forces++;
            if (failing)
            {
                throw new UncheckedIOException(new IOException("Input/output error"));
            }
        }

        @Override
        public int view(final long vertexId, final UnsafeBuffer view)
        {
            return -1;
        }

        @Override
        public int get(final long vertexId, final MutableDirectBuffer dst)
        {
            return -1;
        }

        @Override
        public void put(final long vertexId, final DirectBuffer src, final int offset, final int length)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean contains(final long vertexId)
        {
            return false;
        }

        @Override
        public boolean remove(final long vertexId)
        {
            return false;
        }

        @Override
        public long size()
        {
            return 0;
        }

        @Override
        public int maxValueBytes()
        {
            return 0;
        }

        @Override
        public void forEach(final VertexConsumer consumer)
        {
        }

        @Override
        public void close()
        {
        }
    }
}
