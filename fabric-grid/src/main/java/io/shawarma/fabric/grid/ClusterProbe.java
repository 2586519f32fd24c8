package io.shawarma.fabric.grid;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells "no cluster there" apart from "a cluster electing a leader": a publication to a member's ingress connects
 * as soon as that member's consensus module listens, leader or not, before any session exists. A client then fails
 * fast, in one line, when no member listens, and waits out an election when one does.
 */
final class ClusterProbe
{
    private static final long POLL_NS = 10_000_000L;

    private ClusterProbe()
    {
    }

    /**
     * @param aeronDirectoryName the media driver of this process.
     * @param ingressEndpoints   {@code id=host:port,...} as Aeron Cluster takes them.
     * @param streamId           the members' ingress stream.
     * @param timeoutNs          how long to wait for one to listen.
     * @return whether any member listens within the timeout.
     */
    static boolean anyMemberListens(
        final String aeronDirectoryName, final String ingressEndpoints, final int streamId, final long timeoutNs)
    {
        final List<ExclusivePublication> publications = new ArrayList<>();
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectoryName)))
        {
            for (final String endpoint : ingressEndpoints.split(","))
            {
                publications.add(aeron.addExclusivePublication(
                    "aeron:udp?term-length=64k|endpoint=" + endpoint.substring(endpoint.indexOf('=') + 1), streamId));
            }
            final long deadlineNs = System.nanoTime() + timeoutNs;
            do
            {
                for (final ExclusivePublication publication : publications)
                {
                    if (publication.isConnected())
                    {
                        return true;
                    }
                }
                LockSupport.parkNanos(POLL_NS);
            }
            while (System.nanoTime() - deadlineNs < 0);
            return false;
        }
        finally
        {
            CloseHelper.closeAll(publications);
        }
    }
}
