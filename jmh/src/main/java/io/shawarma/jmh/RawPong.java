package io.shawarma.jmh;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.shawarma.messaging.IdleStrategies;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The raw Aeron baseline's far end: echoes every message it receives, on one thread, with the same idle strategy
 * the fabric worker uses in the same run. {@code RawPong <pingChannel> <pingStream> <pongChannel> <pongStream>
 * <idle> <cpu>} attached to the media driver named by {@code aeron.dir}.
 */
public final class RawPong
{
    /** Printed when the pong is ready. */
    public static final String READY = "raw pong ready";

    private RawPong()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final String pingChannel = args[0];
        final int pingStream = Integer.parseInt(args[1]);
        final String pongChannel = args[2];
        final int pongStream = Integer.parseInt(args[3]);
        final IdleStrategy idle = IdleStrategies.of(args[4]);
        final int cpu = Integer.parseInt(args[5]);

        final AtomicBoolean running = new AtomicBoolean(true);
        try (Aeron aeron = Aeron.connect(new Aeron.Context());
            Subscription subscription = aeron.addSubscription(pingChannel, pingStream);
            ExclusivePublication publication = aeron.addExclusivePublication(pongChannel, pongStream))
        {
            final FragmentHandler echo = (buffer, offset, length, header) ->
            {
                while (publication.offer(buffer, offset, length) < 0)
                {
                    idle.idle();
                }
            };
            final Thread pong = new Thread(() ->
            {
                if (cpu >= 0)
                {
                    net.openhft.affinity.Affinity.setAffinity(cpu);
                }
                while (running.get())
                {
                    idle.idle(subscription.poll(echo, 16));
                }
            }, "raw-pong");
            pong.start();
            System.out.println(READY);
            System.out.flush();
            try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
            {
                barrier.await();
            }
            running.set(false);
            pong.join();
        }
    }
}
