package io.shawarma.fabric;

import io.shawarma.fabric.store.UdfRegistry;

/**
 * What a worker offers a {@link WorkerPlugin}: who it is, where it keeps its data, its UDFs and its error log.
 */
public interface PluginHost
{
    /**
     * @return the worker's id.
     */
    int workerId();

    /**
     * @return the worker's data directory ({@code shawarma.data.dir}), where what it keeps across restarts goes; null
     * when the worker keeps nothing (an in-memory store).
     */
    String dataDir();

    /**
     * @return the worker's UDFs; change them only at start or from a command (on the agent thread).
     */
    UdfRegistry udfs();

    /**
     * @return the largest vertex value ({@code shawarma.store.value.max.bytes}).
     */
    int maxValueBytes();

    /**
     * @return the largest args or result of a call ({@code shawarma.max.payload.bytes}).
     */
    int maxPayloadBytes();

    /**
     * Records an error in the worker's distinct error log ({@code scripts/shawarma errors}) and counts it.
     *
     * @param error what went wrong.
     */
    void onError(Throwable error);
}
