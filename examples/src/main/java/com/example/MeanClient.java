package com.example;

import io.shawarma.fabric.FabricClient;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Sends samples to the {@code mean} UDF of one vertex and prints the mean after each, as
 * {@code mean of vertex 42 after 3 samples = 4.0}. Exits 1 when a call is not answered OK.
 * <p>
 * Run it with the workers' JVM flags and classpath, and this jar on it:
 * <pre>
 * SHAWARMA_CLASSPATH=target/shawarma-examples-1.0.jar scripts/shawarma run com.example.MeanClient 42 2.5 3.5 6 \
 *     -Dshawarma.fabric.members=1@aeron:udp?endpoint=127.0.0.1:40101,2@...
 * </pre>
 * Every setting of the client ({@code shawarma.fabric.members}, {@code shawarma.fabric.channel} for the address the
 * workers answer on, {@code shawarma.idle.strategy}, ...) is read from its {@code -D} property by
 * {@link FabricClient.Context}; code may set them on the Context instead.
 */
public final class MeanClient
{
    private MeanClient()
    {
    }

    /**
     * @param args the vertex id, then one or more samples.
     */
    public static void main(final String[] args)
    {
        final long vertexId;
        final double[] samples = new double[Math.max(0, args.length - 1)];
        try
        {
            if (args.length < 2)
            {
                throw new IllegalArgumentException("expected a vertex id and at least one sample");
            }
            vertexId = Long.parseLong(args[0]);
            for (int i = 1; i < args.length; i++)
            {
                samples[i - 1] = Double.parseDouble(args[i]);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("MeanClient: " + ex.getMessage() +
                "; usage: MeanClient vertexId sample [sample ...] -Dshawarma.fabric.members=...");
            System.exit(2);
            return;
        }

        // The UDF's wire id: computed once. Buffers are sized once and reused for every call.
        final int mean = Udf.idOf("mean");
        final UnsafeBuffer call = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer result = new UnsafeBuffer(new byte[64 * 1024]);

        boolean ok;
        try (FabricClient client = FabricClient.connect(new FabricClient.Context()))
        {
            // Create the vertex (empty) at its owner; a call to a vertex that does not exist is NO_SUCH_VERTEX.
            ok = isOk(client, client.put(vertexId, call, 0, 0), client.putResult());
            for (int i = 0; ok && i < samples.length; i++)
            {
                call.putDouble(0, samples[i], LITTLE_ENDIAN);
                ok = isOk(client, client.invoke(vertexId, mean, call, 0, Double.BYTES, result), result);
                if (ok)
                {
                    System.out.println("mean of vertex " + vertexId + " after " + (i + 1) + " samples = " +
                        result.getDouble(0, LITTLE_ENDIAN));
                }
            }
        }
        // Exit once the client is closed, so that its media driver's directory is removed first.
        System.exit(ok ? 0 : 1);
    }

    private static boolean isOk(final FabricClient client, final Status status, final DirectBuffer text)
    {
        if (Status.OK != status)
        {
            // A failed call's result is its error text.
            System.err.println(status + ": " + text.getStringWithoutLengthUtf8(0, client.resultLength()));
        }
        return Status.OK == status;
    }
}
