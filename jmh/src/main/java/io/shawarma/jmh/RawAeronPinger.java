package io.shawarma.jmh;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.CloseHelper;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Raw Aeron ping: offers a message of the same length as the fabric's Invoke frame and waits for the echo.
 */
final class RawAeronPinger implements Pinger
{
    private static final int FRAGMENT_LIMIT = 256;

    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final IdleStrategy idle;
    private final UnsafeBuffer message;
    private final FragmentHandler onEcho = this::onEcho;
    private int echoes;

    RawAeronPinger(
        final Aeron aeron, final String pingChannel, final int pingStream, final String pongChannel,
        final int pongStream, final int messageLength, final IdleStrategy idle)
    {
        this.idle = idle;
        this.message = new UnsafeBuffer(new byte[messageLength]);
        publication = aeron.addExclusivePublication(pingChannel, pingStream);
        subscription = aeron.addSubscription(pongChannel, pongStream);
        while (!publication.isConnected() || !subscription.isConnected())
        {
            idle.idle();
        }
    }

    public void roundTrip()
    {
        while (publication.offer(message, 0, message.capacity()) < 0)
        {
            idle.idle();
        }
        idle.reset();
        while (0 == subscription.poll(onEcho, 1))
        {
            idle.idle();
        }
    }

    public boolean trySend()
    {
        return publication.offer(message, 0, message.capacity()) > 0;
    }

    public int poll()
    {
        final int before = echoes;
        subscription.poll(onEcho, FRAGMENT_LIMIT);
        return echoes - before;
    }

    private void onEcho(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        echoes++;
    }

    public void close()
    {
        CloseHelper.closeAll(publication, subscription);
    }
}
