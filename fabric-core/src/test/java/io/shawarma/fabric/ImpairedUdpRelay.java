package io.shawarma.fabric;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay in front of one endpoint that loses, duplicates, delays and so reorders datagrams in both directions,
 * like tc netem (which this kernel lacks: no sch_netem module). Senders address the relay's port; each sender gets
 * its own upstream socket (as a NAT would), so the endpoint's answers (Aeron status messages and NAKs) travel back
 * through the relay, impaired too. One thread, sleeping in select: never spins.
 */
final class ImpairedUdpRelay implements AutoCloseable
{
    /**
     * What the relay does to each datagram.
     *
     * @param lossRate        chance a datagram is dropped.
     * @param duplicateRate   chance a datagram is sent twice.
     * @param delayNs         fixed delay.
     * @param jitterNs        extra delay, uniform in [0, jitterNs): datagrams overtake each other.
     */
    record Impairment(double lossRate, double duplicateRate, long delayNs, long jitterNs)
    {
        static final Impairment NONE = new Impairment(0, 0, 0, 0);
    }

    private record Delayed(long dueNs, long sequence, DatagramChannel channel, SocketAddress to, byte[] bytes)
    {
    }

    private final InetAddress local;
    private final InetSocketAddress target;
    private final DatagramChannel front;
    private final Selector selector;
    private final Map<SocketAddress, DatagramChannel> upstreamBySender = new HashMap<>();
    private final Map<DatagramChannel, SocketAddress> senderByUpstream = new HashMap<>();
    private final PriorityQueue<Delayed> queue = new PriorityQueue<>(
        (a, b) -> a.dueNs != b.dueNs ? Long.compare(a.dueNs, b.dueNs) : Long.compare(a.sequence, b.sequence));
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private final SplittableRandom random;
    private final Thread thread;
    private volatile Impairment impairment;
    private volatile boolean running = true;
    private long sequence;
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();

    /**
     * @param target     the endpoint behind the relay.
     * @param impairment to apply from the start.
     * @param seed       of the random choices.
     */
    ImpairedUdpRelay(final InetSocketAddress target, final Impairment impairment, final long seed)
    {
        this(InetAddress.getLoopbackAddress(), target, impairment, seed);
    }

    /**
     * @param local      the address the relay's sockets bind to: one the target can answer.
     * @param target     the endpoint behind the relay.
     * @param impairment to apply from the start.
     * @param seed       of the random choices.
     */
    ImpairedUdpRelay(
        final InetAddress local, final InetSocketAddress target, final Impairment impairment, final long seed)
    {
        this.local = local;
        this.target = target;
        this.impairment = impairment;
        this.random = new SplittableRandom(seed);
        try
        {
            selector = Selector.open();
            front = DatagramChannel.open().bind(new InetSocketAddress(local, 0));
            front.configureBlocking(false).register(selector, SelectionKey.OP_READ);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        thread = new Thread(this::run, "impaired-relay-" + port());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @return the port senders address instead of the target's.
     */
    int port()
    {
        try
        {
            return ((InetSocketAddress)front.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param impairment applied to datagrams from now on.
     */
    void impairment(final Impairment impairment)
    {
        this.impairment = impairment;
    }

    public void close()
    {
        running = false;
        selector.wakeup();
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietCloseAll(upstreamBySender.values());
        CloseHelper.quietCloseAll(front, selector);
    }

    private void run()
    {
        try
        {
            while (running)
            {
                final Delayed next = queue.peek();
                final long waitMs = null == next ? 100 :
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.dueNs - System.nanoTime()));
                selector.select(waitMs);
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    receive((DatagramChannel)keys.next().channel());
                    keys.remove();
                }
                sendDue();
            }
        }
        catch (final IOException ex)
        {
            if (running)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    private void receive(final DatagramChannel channel) throws IOException
    {
        while (true)
        {
            buffer.clear();
            final SocketAddress from = channel.receive(buffer);
            if (null == from)
            {
                return;
            }
            buffer.flip();
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            if (channel == front)
            {
                schedule(upstreamFor(from), target, bytes);
            }
            else
            {
                schedule(front, senderByUpstream.get(channel), bytes);
            }
        }
    }

    private DatagramChannel upstreamFor(final SocketAddress sender) throws IOException
    {
        DatagramChannel upstream = upstreamBySender.get(sender);
        if (null == upstream)
        {
            upstream = DatagramChannel.open().bind(new InetSocketAddress(local, 0));
            upstream.configureBlocking(false).register(selector, SelectionKey.OP_READ);
            upstreamBySender.put(sender, upstream);
            senderByUpstream.put(upstream, sender);
        }
        return upstream;
    }

    private void schedule(final DatagramChannel channel, final SocketAddress to, final byte[] bytes)
    {
        final Impairment now = impairment;
        if (random.nextDouble() < now.lossRate())
        {
            dropped.incrementAndGet();
            return;
        }
        final int copies = random.nextDouble() < now.duplicateRate() ? 2 : 1;
        if (copies == 2)
        {
            duplicated.incrementAndGet();
        }
        for (int i = 0; i < copies; i++)
        {
            final long jitter = now.jitterNs() > 0 ? random.nextLong(now.jitterNs()) : 0;
            queue.add(new Delayed(System.nanoTime() + now.delayNs() + jitter, sequence++, channel, to, bytes));
        }
    }

    private void sendDue() throws IOException
    {
        final long nowNs = System.nanoTime();
        while (!queue.isEmpty() && queue.peek().dueNs - nowNs <= 0)
        {
            final Delayed datagram = queue.poll();
            datagram.channel.send(ByteBuffer.wrap(datagram.bytes), datagram.to);
            forwarded.incrementAndGet();
        }
    }
}
