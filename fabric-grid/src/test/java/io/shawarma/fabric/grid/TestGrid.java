package io.shawarma.fabric.grid;

import io.aeron.Aeron;
import io.shawarma.fabric.FabricClient;
import io.shawarma.messaging.Transport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for grid tests: a port range free on loopback, bounded waits, waiting for an even spread of slots.
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

    /**
     * @return the settings of a client of grid workers ({@code id@channel,...}) on a shared Aeron client, answered on
     * a free loopback port, without a shared secret unless the caller sets one.
     */
    static FabricClient.Context dataClient(
        final Aeron aeron, final int clientId, final String workers, final long callTimeoutNs, final String idle)
    {
        return new FabricClient.Context().aeron(aeron).clientId(clientId).channel("aeron:udp?endpoint=127.0.0.1:0")
            .fabric(workers).callTimeoutNs(callTimeoutNs).idleStrategy(idle).secretFile(null);
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

    /**
     * Waits until the workers hold even shares: every move committed. Asks on a fresh session (an idle one times
     * out) of a one-member cluster.
     */
    static void awaitSpread(final Transport transport, final int portBase, final int clientId, final int workers)
    {
        final int share = GridConfiguration.SLOTS_DEFAULT / workers;
        final StatusWatch status = new StatusWatch();
        try (GridClient client = GridClient.connect(
            transport.aeronDirectoryName(), "127.0.0.1", portBase, 1, clientId, status, "sleeping"))
        {
            await(workers + " workers with their share of slots", 60_000, () ->
                status.query(client, TimeUnit.SECONDS.toNanos(2)) && status.slotsByWorker().size() == workers &&
                status.slotsByWorker().values().stream().allMatch(slots -> slots >= share));
        }
    }

    /**
     * Waits until exactly {@code workers} workers hold every slot between them (a dead one removed). Asks on a fresh
     * session of a one-member cluster.
     */
    static void awaitWorkers(final Transport transport, final int portBase, final int clientId, final int workers)
    {
        final StatusWatch status = new StatusWatch();
        try (GridClient client = GridClient.connect(
            transport.aeronDirectoryName(), "127.0.0.1", portBase, 1, clientId, status, "sleeping"))
        {
            await(workers + " workers holding every slot", 30_000, () ->
                status.query(client, TimeUnit.SECONDS.toNanos(2)) && status.slotsByWorker().size() == workers &&
                status.slotsByWorker().values().stream().mapToInt(Integer::intValue).sum() ==
                GridConfiguration.SLOTS_DEFAULT);
        }
    }
}
