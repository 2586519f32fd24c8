package io.shawarma.jmh;

import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fabric ping: a client call of the trivial {@code read} UDF on an 8-byte vertex its worker owns.
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

    /**
     * @param client  connected to the fabric; its result handler increments {@code answers[0]}.
     * @param answers the counter the client's result handler increments.
     */
    FabricPinger(final FabricClient client, final int[] answers)
    {
        this.client = client;
        this.answers = answers;
        final Status status = client.put(VERTEX_ID, args, 0, ARGS_LENGTH);
        if (Status.OK != status)
        {
            throw new IllegalStateException("could not load the benchmark vertex: " + status);
        }
    }

    public void roundTrip()
    {
        final Status status = client.invoke(VERTEX_ID, READ, args, 0, ARGS_LENGTH, result);
        if (Status.OK != status)
        {
            throw new IllegalStateException("benchmark call failed: " + status);
        }
    }

    public boolean trySend()
    {
        return client.sendInvoke(VERTEX_ID, READ, args, 0, ARGS_LENGTH) > 0;
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
