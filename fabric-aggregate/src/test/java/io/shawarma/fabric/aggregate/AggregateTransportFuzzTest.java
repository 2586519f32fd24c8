package io.shawarma.fabric.aggregate;

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
 * Fuzz target for the aggregate layer's frames ({@code AggregateExports} with their path definitions and export
 * records, {@code AggregateRoundDone}, {@code AggregateResults} and {@code AggregateResultsTaken}): any bytes go
 * through the transport's decoder into a live {@link AggregateWorker} (worker 1 of 2, the gradient program on a small
 * grid) without an exception, every frame is read at once (the worker takes every round), and nothing outside the
 * frame is read (it sits in an exactly sized buffer whose bounds checks would throw). Path definitions learnt from
 * earlier inputs stay, as they would from a peer. Runs over the committed seed corpus in every build;
 * {@code scripts/shawarma fuzz --target aggregate} fuzzes it.
 */
class AggregateTransportFuzzTest
{
    private static Transport transport;
    private static AggregateWorker worker;

    @BeforeAll
    static void start()
    {
        transport = Transport.embedded("aggregate-fuzz", "sleeping", 1 << 16, Throwable::printStackTrace);
        worker = new AggregateWorker(GridNetwork.of(6, 6), FabricMembers.parse("1@aeron:ipc,2@aeron:ipc", "fuzz"),
            1, BuiltinPrograms.byName("gradient"), 3, 42, transport.aeron(), 7400, IdleStrategies.of("sleeping"), null);
        worker.engine().sense(Sensors.SOURCE, 0, 1);
        // Runs one round alone so that the program's paths are interned, then takes frames of every round.
        worker.engine().synchronousRound();
        worker.transport().poll(AggregateTransport.ANY_ROUND);
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
}
