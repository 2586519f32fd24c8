package io.shawarma.fabric;

import org.agrona.collections.Int2ObjectHashMap;

import java.util.function.Consumer;

/**
 * Something per peer, looked up by the peer's id on every call: a plain array for the small ids workers have, a hash
 * map for the rest (clients' ids are at or above {@link Configuration#MAX_WORKER_ID}). The array grows when a peer
 * is added, never on lookup. Single threaded; lookups allocation free.
 */
final class PeersById<V>
{
    /** Ids below this are held in the array: worker ids in practice. */
    static final int MAX_DENSE_ID = 64 * 1024;

    private Object[] dense = new Object[16];
    private final Int2ObjectHashMap<V> sparse = new Int2ObjectHashMap<>();

    @SuppressWarnings("unchecked")
    V get(final int id)
    {
        if (id >= 0 && id < dense.length)
        {
            return (V)dense[id];
        }
        return id >= 0 && id < MAX_DENSE_ID ? null : sparse.get(id);
    }

    boolean containsKey(final int id)
    {
        return null != get(id);
    }

    void put(final int id, final V value)
    {
        if (id >= 0 && id < MAX_DENSE_ID)
        {
            if (id >= dense.length)
            {
                final Object[] grown = new Object[Math.min(MAX_DENSE_ID, Math.max(id + 1, dense.length * 2))];
                System.arraycopy(dense, 0, grown, 0, dense.length);
                dense = grown;
            }
            dense[id] = value;
        }
        else
        {
            sparse.put(id, value);
        }
    }

    void remove(final int id)
    {
        if (id >= 0 && id < MAX_DENSE_ID)
        {
            if (id < dense.length)
            {
                dense[id] = null;
            }
        }
        else
        {
            sparse.remove(id);
        }
    }

    @SuppressWarnings("unchecked")
    void forEach(final Consumer<V> action)
    {
        for (final Object value : dense)
        {
            if (null != value)
            {
                action.accept((V)value);
            }
        }
        sparse.values().forEach(action);
    }
}
