package io.shawarma.fabric.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;

/**
 * UDP ports on loopback that the OS reports free, for workers started by tools and tests. Another process could
 * take a port between this call and its use; the worker then fails to start and says so.
 */
public final class LoopbackPorts
{
    private LoopbackPorts()
    {
    }

    /**
     * @return a UDP port free on 127.0.0.1 now.
     */
    public static int freeUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("no free UDP port on loopback", ex);
        }
    }

    /**
     * @return a UDP channel on a free loopback port.
     */
    public static String freeUdpChannel()
    {
        return "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
    }
}
