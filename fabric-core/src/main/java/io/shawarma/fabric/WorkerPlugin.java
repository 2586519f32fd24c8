package io.shawarma.fabric;

import java.util.List;

/**
 * A part of every worker that a module on the classpath adds, found with {@link java.util.ServiceLoader} (list the
 * class in {@code META-INF/services/io.shawarma.fabric.WorkerPlugin}); each worker gets its own instance. It offers
 * {@link WorkerCommand}s and may deploy UDFs into the worker's {@link io.shawarma.fabric.store.UdfRegistry} at start
 * and from its commands. fabric-wasm's deploy of WebAssembly UDFs is one: fabric-core knows only this interface.
 */
public interface WorkerPlugin extends AutoCloseable
{
    /**
     * Starts the plug-in for one worker, on the launching thread, before the worker's agent runs.
     *
     * @param host the worker's side.
     * @return the commands callers may send the worker; names must not clash with a UDF's or another command's.
     */
    List<WorkerCommand> start(PluginHost host);

    /**
     * The worker stopped: its agent thread is done. Releases the plug-in's threads and files.
     */
    @Override
    void close();
}
