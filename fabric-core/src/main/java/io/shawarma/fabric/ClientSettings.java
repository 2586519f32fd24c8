package io.shawarma.fabric;

import io.aeron.Aeron;
import org.agrona.ErrorHandler;

import java.util.concurrent.atomic.AtomicInteger;

import static io.shawarma.fabric.Configuration.*;

/**
 * A client's settings beyond those every participant has, each defaulted from its system property (see
 * {@link Configuration}): used through {@link FabricClient.Context}.
 *
 * @param <C> the concrete context, returned by every setter.
 */
public abstract class ClientSettings<C extends ClientSettings<C>> extends ParticipantContext<C>
{
    private static final AtomicInteger CLIENTS_IN_PROCESS = new AtomicInteger();

    private int clientId = integer(CLIENT_ID_PROP, -1);
    private long connectTimeoutNs = durationNs(CONNECT_TIMEOUT_MS_PROP, CONNECT_TIMEOUT_MS_DEFAULT);
    private Aeron aeron;
    private FabricClient.ResultHandler resultHandler;
    private ErrorHandler errorHandler = Throwable::printStackTrace;
    private boolean helloOnFirstCall;
    private boolean partialConnect;

    /**
     * Validates the settings and fills derived ones.
     *
     * @return this.
     */
    public C conclude()
    {
        concludeShared(null);
        if (-1 == clientId)
        {
            clientId = MAX_WORKER_ID + (int)(ProcessHandle.current().pid() % 100_000) * 100 +
                CLIENTS_IN_PROCESS.getAndIncrement() % 100;
        }
        check(clientId >= MAX_WORKER_ID, CLIENT_ID_PROP, clientId, "at least " + MAX_WORKER_ID +
            " (lower ids are workers')");
        if (null == channel())
        {
            channel(CLIENT_CHANNEL_DEFAULT);
        }
        check(connectTimeoutNs > 0, CONNECT_TIMEOUT_MS_PROP, connectTimeoutNs / 1_000_000.0, "positive");
        return self();
    }

    /** @return the client's id. */
    public int clientId()
    {
        return clientId;
    }

    /** @param clientId the client's id, at least 1_000_000; default derived from the pid. @return this. */
    public C clientId(final int clientId)
    {
        this.clientId = clientId;
        return self();
    }

    /** @return how long connect waits for the workers. */
    public long connectTimeoutNs()
    {
        return connectTimeoutNs;
    }

    /** @param connectTimeoutNs how long connect waits for the workers. @return this. */
    public C connectTimeoutNs(final long connectTimeoutNs)
    {
        this.connectTimeoutNs = connectTimeoutNs;
        return self();
    }

    /** @return true when the client says Hello to each worker before its first call there, not on connect. */
    public boolean helloOnFirstCall()
    {
        return helloOnFirstCall;
    }

    /**
     * @param helloOnFirstCall say Hello to each worker before the first call to it (and again once it reconnects)
     *                         instead of to every worker on connect: for workers that come and go (the grid).
     * @return this.
     */
    public C helloOnFirstCall(final boolean helloOnFirstCall)
    {
        this.helloOnFirstCall = helloOnFirstCall;
        return self();
    }

    /** @return true when connect succeeds with the workers that answered, as long as one did. */
    public boolean partialConnect()
    {
        return partialConnect;
    }

    /**
     * @param partialConnect connect with the workers that answer within the connect timeout, as long as one does
     *                       ({@link FabricClient#unreachableWorkers()} names the others; calls to them say Hello
     *                       again first and are answered OWNER_UNREACHABLE while they are down); when false (the
     *                       default) connect fails naming the workers that did not answer.
     * @return this.
     */
    public C partialConnect(final boolean partialConnect)
    {
        this.partialConnect = partialConnect;
        return self();
    }

    /** @return an Aeron client to share, or null for the client's own transport. */
    public Aeron aeron()
    {
        return aeron;
    }

    /** @param aeron an Aeron client to share (e.g. a worker's), or null for its own transport. @return this. */
    public C aeron(final Aeron aeron)
    {
        this.aeron = aeron;
        return self();
    }

    /** @return receives the answers to asynchronous calls. */
    public FabricClient.ResultHandler resultHandler()
    {
        return resultHandler;
    }

    /** @param resultHandler receives the answers to asynchronous calls. @return this. */
    public C resultHandler(final FabricClient.ResultHandler resultHandler)
    {
        this.resultHandler = resultHandler;
        return self();
    }

    /** @return receives errors from the transport. */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /** @param errorHandler receives errors from the transport. @return this. */
    public C errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return self();
    }
}
