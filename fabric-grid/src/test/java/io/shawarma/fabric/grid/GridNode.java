package io.shawarma.fabric.grid;

import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.Worker;
import io.shawarma.fabric.store.VertexStore;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.TimeUnit;

/**
 * One grid worker without the cluster, for tests: a fabric {@link Worker} with the grid's extension
 * ({@link GridWorkerAgent}) on the test's media driver, driven by the caller's thread, whose placement and slot moves
 * the test applies through the extension's {@link GridListener} side (as the cluster's egress would).
 */
final class GridNode implements AutoCloseable
{
    final int id;
    final String channel;
    final Worker worker;
    private GridWorkerAgent agent;
    private VertexStore store;

    /**
     * @param aeronDir   the test's media driver.
     * @param secretFile of the grid's shared secret, or null.
     */
    GridNode(final int id, final String channel, final int slots, final String aeronDir, final String secretFile)
    {
        this.id = id;
        this.channel = channel;
        worker = Worker.launch(new Worker.Context().workerId(id)
            .members(FabricMembers.parse(id + "@" + channel, "channel")).channel(channel)
            .driver("external").aeronDirectoryName(aeronDir).idleStrategy("sleeping").useAgentInvoker(true)
            .storeEntries(1_000).storeValueAverageBytes(8).storeValueMaxBytes(64).maxPayloadBytes(1024)
            .secretFile(secretFile)
            .extension((port) ->
            {
                store = port.store();
                agent = new GridWorkerAgent(port, TimeUnit.MILLISECONDS.toNanos(100), 0, (listener) -> null,
                    SystemNanoClock.INSTANCE,
                    (link) -> new SlotMigration(id, slots, port.store(), link, TimeUnit.SECONDS.toNanos(1)),
                    (migration, link) -> new SlotReplicas(id, slots, port.store(), migration, link,
                    TimeUnit.SECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(500), TimeUnit.SECONDS.toNanos(1)));
                return agent;
            }));
    }

    /** One duty cycle of the worker; from the thread that drives it. */
    int doWork()
    {
        return worker.invoker().invoke();
    }

    GridWorkerAgent agent()
    {
        return agent;
    }

    /** The worker's vertices; from the thread that drives it. */
    VertexStore store()
    {
        return store;
    }

    public void close()
    {
        worker.close();
    }
}
