package io.shawarma.fabric;

import io.shawarma.fabric.store.VertexStore;
import org.agrona.ErrorHandler;

/**
 * Forces the worker's store to the device every interval ({@code shawarma.store.sync=interval}), from the agent's
 * timed work: never inside a call, so a put costs no more with this mode than with none. A force that fails is
 * recorded in the error log and tried again at the next interval; it never stops the agent.
 */
final class StoreSyncTimer
{
    private final VertexStore store;
    private final long intervalNs;
    private final ErrorHandler errorHandler;
    private long nextForceNs;
    private boolean started;

    /**
     * @param store        to force.
     * @param intervalNs   between forces; 0 for never (sync none or always).
     * @param errorHandler records a force that failed.
     */
    StoreSyncTimer(final VertexStore store, final long intervalNs, final ErrorHandler errorHandler)
    {
        this.store = store;
        this.intervalNs = intervalNs;
        this.errorHandler = errorHandler;
    }

    /**
     * @param nowNs the duty cycle's time.
     * @return 1 when the store was forced, else 0.
     */
    int doWork(final long nowNs)
    {
        if (0 == intervalNs)
        {
            return 0;
        }
        if (!started)
        {
            started = true;
            nextForceNs = nowNs + intervalNs;
            return 0;
        }
        if (nowNs - nextForceNs < 0)
        {
            return 0;
        }
        nextForceNs = nowNs + intervalNs;
        try
        {
            store.force();
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
        return 1;
    }
}
