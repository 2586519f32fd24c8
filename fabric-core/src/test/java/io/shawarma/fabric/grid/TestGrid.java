package io.shawarma.fabric.grid;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Helpers for grid tests: a port range free on loopback, bounded waits.
 */
final class TestGrid
{
    private TestGrid()
    {
    }

    /**
     * @return a port base with every port the members need free on 127.0.0.1 now.
     */
    static int freePortBase(final int members)
    {
        final int span = GridConfiguration.PORTS_PER_MEMBER * members;
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int base = 21000 + 10 * ThreadLocalRandom.current().nextInt(3000);
            if (isFree(base, span))
            {
                return base;
            }
        }
        throw new IllegalStateException("no free port range on loopback");
    }

    private static boolean isFree(final int base, final int span)
    {
        final List<DatagramSocket> sockets = new ArrayList<>();
        try
        {
            for (int port = base; port < base + span; port++)
            {
                sockets.add(new DatagramSocket(port, InetAddress.getLoopbackAddress()));
            }
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
        finally
        {
            sockets.forEach(DatagramSocket::close);
        }
    }

    interface Condition
    {
        boolean holds();
    }

    /**
     * Sleeps in short steps until the condition holds.
     *
     * @throws AssertionError naming what was awaited when the time runs out.
     */
    static void await(final String what, final long timeoutMs, final Condition condition)
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.holds())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, ex);
            }
        }
    }
}
