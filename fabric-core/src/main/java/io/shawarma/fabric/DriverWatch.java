package io.shawarma.fabric;

import io.aeron.exceptions.ClientTimeoutException;
import io.aeron.exceptions.DriverTimeoutException;
import org.agrona.ErrorHandler;

/**
 * The Aeron client's error handler for a worker: records every error, and notices when the client has given up its
 * media driver (the driver stopped or was killed, so its heartbeat went stale), after which the worker can no longer
 * send or receive and should be closed.
 */
final class DriverWatch implements ErrorHandler
{
    private final ErrorHandler errors;
    private volatile String directory;
    private volatile String lost;
    private volatile Runnable onLost;

    /**
     * @param errors    where every error is recorded.
     * @param directory the driver directory, for the message; see {@link #directory(String)}.
     */
    DriverWatch(final ErrorHandler errors, final String directory)
    {
        this.errors = errors;
        this.directory = directory;
    }

    /**
     * @param directory the driver directory once known (an embedded driver's is made at launch).
     */
    void directory(final String directory)
    {
        this.directory = directory;
    }

    public void onError(final Throwable error)
    {
        errors.onError(error);
        if (null == lost && (error instanceof DriverTimeoutException || error instanceof ClientTimeoutException))
        {
            lost = "lost its media driver on " + directory + " (" + error.getMessage() + "): it stopped or was " +
                "killed; start the driver again (scripts/shawarma driver), then this worker";
            final Runnable action = onLost;
            if (null != action)
            {
                action.run();
            }
        }
    }

    void onLost(final Runnable action)
    {
        onLost = action;
        if (null != lost)
        {
            action.run();
        }
    }

    String lost()
    {
        return lost;
    }
}
