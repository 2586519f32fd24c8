package io.shawarma.fabric;

import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;

/**
 * Feeds frames straight into a worker's agent, as its subscription would deliver them: for fuzz targets of workers
 * with a layer's extension. Call from the thread that drives the worker ({@link Worker.Context#useAgentInvoker}).
 */
public final class WorkerFrames
{
    private WorkerFrames()
    {
    }

    /**
     * @param worker a worker driven by the caller's thread.
     * @param header the frame's Aeron header: its session id is the sender's session.
     */
    public static void onFragment(
        final Worker worker, final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        worker.agent().onFragment(buffer, offset, length, header);
    }
}
