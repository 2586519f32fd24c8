package io.shawarma.fabric.graph;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzz target for the graph layer's frames ({@code GraphMessages}, {@code GraphBroadcasts}, {@code SuperstepDone}):
 * any bytes go through the transport's decoder into a live {@link GraphWorker} (worker 1 of 2, PageRank on a small
 * grid) without an exception, every frame is read at once (none is left for a later superstep: the worker takes
 * all), and nothing outside the frame is read (it sits in an exactly sized buffer whose bounds checks would throw).
 * Runs over the committed seed corpus in every build; {@code scripts/shawarma fuzz --target graph} fuzzes it.
 */
class GraphTransportFuzzTest
{
    private static Transport transport;
    private static GraphWorker worker;

    @BeforeAll
    static void start()
    {
        transport = Transport.embedded("graph-fuzz", "sleeping", 1 << 16, Throwable::printStackTrace);
        worker = new GraphWorker(ring(36), FabricMembers.parse("1@aeron:ipc,2@aeron:ipc", "fuzz"), 1,
            new PageRankProgram(0.85, 10, 0), transport.aeron(), 7300, IdleStrategies.of("sleeping"), 10, null);
        // Takes frames of every superstep from now on.
        worker.transport().poll(Long.MAX_VALUE);
    }

    @AfterAll
    static void stop()
    {
        CloseHelper.closeAll(worker, transport);
    }

    @FuzzTest
    void frames(final byte[] frame)
    {
        final ControlledFragmentHandler.Action action =
            worker.transport().decode(new UnsafeBuffer(frame), 0, frame.length);
        assertEquals(ControlledFragmentHandler.Action.CONTINUE, action);
    }

    /** A directed ring of n vertices: every vertex has one in- and one out-edge. */
    private static EdgeList ring(final int n)
    {
        final long[] src = new long[n];
        final long[] dst = new long[n];
        for (int i = 0; i < n; i++)
        {
            src[i] = i;
            dst[i] = (i + 1) % n;
        }
        return new EdgeList(src, dst, new double[n], n);
    }
}
