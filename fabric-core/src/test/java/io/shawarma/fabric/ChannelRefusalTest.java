package io.shawarma.fabric;

import io.aeron.ErrorCode;
import io.aeron.exceptions.RegistrationException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChannelRefusalTest
{
    private static final String CHANNEL = "aeron:udp?endpoint=127.0.0.1:40101";

    @Test
    void shouldSayAPortInUseIsProbablyTheSameWorkerRunning()
    {
        final RegistrationException ex = new RegistrationException(1, ErrorCode.CHANNEL_ENDPOINT_ERROR.value(),
            ErrorCode.CHANNEL_ENDPOINT_ERROR, "io.aeron.exceptions.AeronException : ERROR - channel error - " +
            "Address already in use (at java.base/sun.nio.ch.Net.bind0(Native Method)): " + CHANNEL);

        assertEquals("worker 1 cannot receive on " + CHANNEL + " (stream 1001): the port is in use; is worker 1 " +
            "already running (scripts/shawarma stat --worker 1)? Stop it, or give this worker a free endpoint in " +
            Configuration.FABRIC_PROP, ChannelRefusal.describe(1, CHANNEL, 1001, ex));
    }

    @Test
    void shouldGiveTheDriversInnermostReasonForOtherRefusals()
    {
        final RegistrationException ex = new RegistrationException(1, ErrorCode.CHANNEL_ENDPOINT_ERROR.value(),
            ErrorCode.CHANNEL_ENDPOINT_ERROR, "io.aeron.exceptions.AeronException : ERROR - channel error - " +
            "Cannot assign requested address (at java.base/sun.nio.ch.Net.bind0(Native Method)): " + CHANNEL);

        assertEquals("worker 1 cannot receive on " + CHANNEL + " (stream 1001): the media driver refused it: " +
            "channel error - Cannot assign requested address; check the channel in " + Configuration.FABRIC_PROP,
            ChannelRefusal.describe(1, CHANNEL, 1001, ex));
    }
}
