package io.shawarma.fabric.wasm;

import io.shawarma.fabric.FabricClient;
import io.shawarma.udf.Status;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Deploys, undeploys and lists WebAssembly UDFs on one worker at a time, through a connected {@link FabricClient}: the
 * same authenticated call path as any call ({@link DeployCommands}). A module larger than one call's args goes in
 * chunks of at most {@code shawarma.max.payload.bytes}, in order, each answered before the next is sent.
 */
public final class Deployer
{
    // Any vertex id: a command runs at the worker it is sent to, on no vertex.
    private static final long NO_VERTEX = 0;

    private final FabricClient client;
    private final UnsafeBuffer args;
    private final MutableDirectBuffer answer;

    /**
     * @param client connected to the fabric.
     */
    public Deployer(final FabricClient client)
    {
        this.client = client;
        this.args = new UnsafeBuffer(new byte[client.context().maxPayloadBytes()]);
        this.answer = new UnsafeBuffer(new byte[client.context().maxPayloadBytes()]);
    }

    /**
     * Sends a module to one worker and waits for its verdict.
     *
     * @param workerId the worker.
     * @param name     the UDF's name.
     * @param module   the module's bytes.
     * @return OK when the worker deployed it; the worker's answer (what it deployed, or why not) is {@link #answer()}.
     */
    public Status deploy(final int workerId, final String name, final byte[] module)
    {
        final int chunkBytes = args.capacity() - DeployCommands.headerLength(name);
        int offset = 0;
        do
        {
            final int length = Math.min(chunkBytes, module.length - offset);
            final int argsLength = DeployCommands.encodeChunk(args, name, module, offset, length);
            final Status status = client.invokeAt(workerId, NO_VERTEX, DeployCommands.DEPLOY_ID, args, 0, argsLength,
                answer);
            offset += length;
            if (Status.OK != status || offset >= module.length)
            {
                return status;
            }
        }
        while (true);
    }

    /**
     * Removes a deployed UDF from one worker.
     *
     * @return OK, or NO_SUCH_UDF when the worker has no deployed UDF of that name; see {@link #answer()}.
     */
    public Status undeploy(final int workerId, final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        args.putBytes(0, bytes);
        return client.invokeAt(workerId, NO_VERTEX, DeployCommands.UNDEPLOY_ID, args, 0, bytes.length, answer);
    }

    /**
     * Lists one worker's UDFs: a line per UDF, built-in ones then deployed ones with their hash; in {@link #answer()}.
     *
     * @return OK when the worker answered.
     */
    public Status list(final int workerId)
    {
        return client.invokeAt(workerId, NO_VERTEX, DeployCommands.LIST_ID, args, 0, 0, answer);
    }

    /**
     * @return the last answer's text (the worker's verdict, listing or error).
     */
    public String answer()
    {
        return answer.getStringWithoutLengthUtf8(0, client.resultLength());
    }
}
