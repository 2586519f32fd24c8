package io.shawarma.jmh;

import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fabric ping: a client call of the trivial {@code read} UDF on an 8-byte vertex its worker owns, one hot vertex or
 * a random one among many (ids drawn in advance, as {@link VertexPath#ids}).
 */
final class FabricPinger implements Pinger
{
    static final long VERTEX_ID = 1;
    static final int ARGS_LENGTH = Long.BYTES;
    private static final int READ = Udf.idOf(ReadUdf.NAME);

    private final FabricClient client;
    private final UnsafeBuffer args = new UnsafeBuffer(new byte[ARGS_LENGTH]);
    private final UnsafeBuffer result = new UnsafeBuffer(new byte[1024]);
    private final int[] answers;
    private final long[] ids;
    private final int idMask;
    private int next;

    /**
     * @param client  connected to the fabric; its result handler increments {@code answers[0]}.
     * @param answers the counter the client's result handler increments.
     * @param keys    0 to call vertex {@link #VERTEX_ID} every time, else the number of vertices (ids 0 .. keys - 1)
     *                to load and call at random.
     */
    FabricPinger(final FabricClient client, final int[] answers, final int keys)
    {
        this.client = client;
        this.answers = answers;
        ids = 0 == keys ? new long[]{VERTEX_ID} : VertexPath.ids(keys, true, 1 << 20);
        idMask = ids.length - 1;
        if (0 == keys)
        {
            load(VERTEX_ID);
        }
        for (long vertexId = 0; vertexId < keys; vertexId++)
        {
            load(vertexId);
        }
    }

    private void load(final long vertexId)
    {
        final Status status = client.put(vertexId, args, 0, ARGS_LENGTH);
        if (Status.OK != status)
        {
            throw new IllegalStateException("could not load benchmark vertex " + vertexId + ": " + status);
        }
    }

    public void roundTrip()
    {
        final Status status = client.invoke(ids[next++ & idMask], READ, args, 0, ARGS_LENGTH, result);
        if (Status.OK != status)
        {
            throw new IllegalStateException("benchmark call failed: " + status);
        }
    }

    public boolean trySend()
    {
        return client.sendInvoke(ids[next++ & idMask], READ, args, 0, ARGS_LENGTH) > 0;
    }

    public int poll()
    {
        final int before = answers[0];
        client.poll();
        return answers[0] - before;
    }

    public void close()
    {
        client.close();
    }
}
