package io.shawarma.fabric;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;

/**
 * Turns the media driver's refusal of a worker's receive channel (Aeron's {@link RegistrationException}, e.g. a port
 * in use) into one line for an operator: the channel, the reason and what to do.
 */
final class ChannelRefusal
{
    private static final String IN_USE = "Address already in use";

    private ChannelRefusal()
    {
    }

    /**
     * Adds the worker's subscription.
     *
     * @return the subscription.
     * @throws IllegalStateException in one line ({@link #describe}) when the media driver refuses the channel.
     */
    static Subscription subscribe(final Aeron aeron, final int workerId, final String channel, final int streamId)
    {
        try
        {
            return aeron.addSubscription(channel, streamId);
        }
        catch (final RegistrationException ex)
        {
            throw new IllegalStateException(describe(workerId, channel, streamId, ex), ex);
        }
    }

    /**
     * @param workerId the worker that could not receive.
     * @param channel  the channel it asked for.
     * @param streamId the stream it asked for.
     * @param ex       the driver's refusal.
     * @return one line: which channel, why, and what to do.
     */
    static String describe(final int workerId, final String channel, final int streamId, final RegistrationException ex)
    {
        final String message = String.valueOf(ex.getMessage());
        if (message.contains(IN_USE))
        {
            return "worker " + workerId + " cannot receive on " + channel + " (stream " + streamId + "): the port " +
                "is in use; is worker " + workerId + " already running (scripts/shawarma stat --worker " + workerId +
                ")? Stop it, or give this worker a free endpoint in " + Configuration.FABRIC_PROP;
        }
        return "worker " + workerId + " cannot receive on " + channel + " (stream " + streamId + "): the media " +
            "driver refused it: " + reason(message) + "; check the channel in " + Configuration.FABRIC_PROP;
    }

    /**
     * @param message Aeron's message, e.g. {@code ERROR - io.aeron...AeronException : ERROR - channel error - X (at
     *                ...): channel, errorCodeValue=11}.
     * @return its innermost reason, without the class names, stack frame and error code.
     */
    static String reason(final String message)
    {
        String reason = message;
        final int lastError = reason.lastIndexOf("ERROR - ");
        if (lastError >= 0)
        {
            reason = reason.substring(lastError + "ERROR - ".length());
        }
        final int frame = reason.indexOf(" (at ");
        if (frame >= 0)
        {
            reason = reason.substring(0, frame);
        }
        return reason;
    }
}
