package io.shawarma.jmh;

import io.shawarma.fabric.FabricClient;
import io.shawarma.udf.Status;
import org.agrona.concurrent.UnsafeBuffer;

import static io.shawarma.jmh.SchedulerWorkloads.LARGE_BYTES;
import static io.shawarma.jmh.SchedulerWorkloads.OWNER;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/** The vertices the scheduler benchmark's workloads use, all owned by worker 1. */
final class SchedulerVertices
{
    private static final int COLD_VERTICES = 2048;

    long hot;
    long counter;
    long large;
    long[] cold;

    /**
     * Puts the hot vertex, the counter, the large vector and the cold vertices, each at a vertex id the owner owns.
     */
    static SchedulerVertices load(final FabricClient client)
    {
        final SchedulerVertices vertices = new SchedulerVertices();
        vertices.hot = ownedVertex(client, 1_000);
        vertices.counter = ownedVertex(client, 2_000);
        vertices.large = ownedVertex(client, 3_000);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[LARGE_BYTES]);
        for (int i = 0; i < LARGE_BYTES; i += Double.BYTES)
        {
            value.putDouble(i, i, LITTLE_ENDIAN);
        }
        expectOk(client.put(vertices.hot, value, 0, 64), "put hot");
        expectOk(client.put(vertices.counter, value, 0, 0), "put counter");
        expectOk(client.put(vertices.large, value, 0, LARGE_BYTES), "put large");
        vertices.cold = new long[COLD_VERTICES];
        long next = 1_000_000;
        for (int i = 0; i < COLD_VERTICES; i++)
        {
            next = ownedVertex(client, next);
            vertices.cold[i] = next++;
            expectOk(client.put(vertices.cold[i], value, 0, 64), "put cold");
        }
        return vertices;
    }

    private static long ownedVertex(final FabricClient client, final long from)
    {
        long vertexId = from;
        while (client.placement().ownerOf(vertexId) != OWNER)
        {
            vertexId++;
        }
        return vertexId;
    }

    private static void expectOk(final Status status, final String what)
    {
        if (Status.OK != status)
        {
            throw new IllegalStateException(what + ": " + status);
        }
    }
}
