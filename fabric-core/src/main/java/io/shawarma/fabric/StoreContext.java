package io.shawarma.fabric;

import io.shawarma.fabric.store.StoreSync;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.fabric.store.VertexStores;

import java.io.File;

import static io.shawarma.fabric.Configuration.*;

/**
 * A worker's vertex store settings, each defaulted from its system property ({@code shawarma.store.*},
 * {@code shawarma.data.dir}), and the store they open.
 *
 * @param <C> the concrete context, returned by the fluent setters.
 */
public abstract class StoreContext<C extends StoreContext<C>> extends ParticipantContext<C>
{
    private String store = string(STORE_PROP, STORE_DEFAULT);
    private long storeEntries = number(STORE_ENTRIES_PROP, STORE_ENTRIES_DEFAULT);
    private int storeValueAverageBytes = integer(STORE_VALUE_AVERAGE_BYTES_PROP, STORE_VALUE_AVERAGE_BYTES_DEFAULT);
    private int storeValueMaxBytes = integer(STORE_VALUE_MAX_BYTES_PROP, STORE_VALUE_MAX_BYTES_DEFAULT);
    private String dataDir = string(DATA_DIR_PROP, null);
    private String storeSync = string(STORE_SYNC_PROP, STORE_SYNC_DEFAULT);
    private long storeSyncIntervalNs = durationNs(STORE_SYNC_INTERVAL_MS_PROP, STORE_SYNC_INTERVAL_MS_DEFAULT);
    private boolean storeAcceptLoss = Boolean.parseBoolean(string(STORE_ACCEPT_LOSS_PROP, "false"));

    /**
     * Validates the store settings; after {@link ParticipantContext#concludeShared}, for the payload limit.
     *
     * @throws IllegalArgumentException naming the property and the bad value.
     */
    void concludeStore()
    {
        check(VertexStores.isKnown(store), STORE_PROP, store, VertexStores.KINDS);
        check(storeEntries > 0, STORE_ENTRIES_PROP, storeEntries, "positive");
        check(storeValueMaxBytes > 0 && storeValueMaxBytes <= maxPayloadBytes(), STORE_VALUE_MAX_BYTES_PROP,
            storeValueMaxBytes, "positive and at most " + MAX_PAYLOAD_BYTES_PROP + "=" + maxPayloadBytes());
        check(storeValueAverageBytes > 0 && storeValueAverageBytes <= storeValueMaxBytes,
            STORE_VALUE_AVERAGE_BYTES_PROP, storeValueAverageBytes, "positive and at most the max value size");
        final StoreSync sync = StoreSync.of(storeSync);
        check(null != sync, STORE_SYNC_PROP, storeSync, StoreSync.NAMES);
        check(StoreSync.NONE == sync || (null != dataDir && "table".equals(store)), STORE_SYNC_PROP, storeSync,
            "needs a file-backed table store (" + DATA_DIR_PROP + " set, " + STORE_PROP + "=table)");
        check(storeSyncIntervalNs >= 1_000_000L, STORE_SYNC_INTERVAL_MS_PROP, storeSyncIntervalNs / 1_000_000.0,
            "at least 1");
    }

    /**
     * Opens the store these settings name: in memory, or the worker's file in {@link #dataDir()}.
     *
     * @param workerId of the worker, naming its file.
     * @return the open store.
     * @throws IllegalStateException when the file is refused; the message says what to do.
     */
    VertexStore openStore(final int workerId)
    {
        return VertexStores.open(store, storeEntries, storeValueAverageBytes, storeValueMaxBytes,
            null == dataDir ? null : new File(dataDir, "vertices-worker-" + workerId + ".dat"),
            StoreSync.of(storeSync), storeAcceptLoss);
    }

    /** @return the vertex store's kind, {@code table} or {@code chronicle}. */
    public String store()
    {
        return store;
    }

    /** @param store the vertex store, {@code table} or {@code chronicle}. @return this. */
    public C store(final String store)
    {
        this.store = store;
        return self();
    }

    /** @return the number of vertices the store is sized for. */
    public long storeEntries()
    {
        return storeEntries;
    }

    /** @param storeEntries number of vertices the store is sized for. @return this. */
    public C storeEntries(final long storeEntries)
    {
        this.storeEntries = storeEntries;
        return self();
    }

    /** @return average value size the store is sized for. */
    public int storeValueAverageBytes()
    {
        return storeValueAverageBytes;
    }

    /** @param storeValueAverageBytes average value size the store is sized for. @return this. */
    public C storeValueAverageBytes(final int storeValueAverageBytes)
    {
        this.storeValueAverageBytes = storeValueAverageBytes;
        return self();
    }

    /** @return largest vertex value. */
    public int storeValueMaxBytes()
    {
        return storeValueMaxBytes;
    }

    /** @param storeValueMaxBytes largest vertex value. @return this. */
    public C storeValueMaxBytes(final int storeValueMaxBytes)
    {
        this.storeValueMaxBytes = storeValueMaxBytes;
        return self();
    }

    /** @return directory of the file-backed store, or null for in memory. */
    public String dataDir()
    {
        return dataDir;
    }

    /** @param dataDir directory of a file-backed store (kept across restarts); null for in memory. @return this. */
    public C dataDir(final String dataDir)
    {
        this.dataDir = dataDir;
        return self();
    }

    /** @return when the file-backed table forces its writes to the device: none, interval or always. */
    public String storeSync()
    {
        return storeSync;
    }

    /**
     * @param storeSync {@code none} (page cache: survives kill -9, not a power loss), {@code interval} (every
     *                  {@link #storeSyncIntervalNs()}, from the duty cycle) or {@code always} (before each write
     *                  returns: survives a power loss; slow). Needs a file-backed table.
     * @return this.
     */
    public C storeSync(final String storeSync)
    {
        this.storeSync = storeSync;
        return self();
    }

    /** @return interval between forces of the store's file with sync {@code interval}. */
    public long storeSyncIntervalNs()
    {
        return storeSyncIntervalNs;
    }

    /** @param storeSyncIntervalNs interval between forces with sync {@code interval}, at least 1 ms. @return this. */
    public C storeSyncIntervalNs(final long storeSyncIntervalNs)
    {
        this.storeSyncIntervalNs = storeSyncIntervalNs;
        return self();
    }

    /** @return whether a damaged store file is opened with what it proves whole instead of refused. */
    public boolean storeAcceptLoss()
    {
        return storeAcceptLoss;
    }

    /**
     * @param storeAcceptLoss open a damaged (truncated, corrupt) store file with the records it proves whole,
     *                        dropping and counting the rest, instead of refusing to start.
     * @return this.
     */
    public C storeAcceptLoss(final boolean storeAcceptLoss)
    {
        this.storeAcceptLoss = storeAcceptLoss;
        return self();
    }
}
