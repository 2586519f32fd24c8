package io.shawarma.messaging;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzz target for the frame decoder: any bytes end in exactly one callback, never an exception, and no callback is
 * handed a range outside the frame (the frame sits in an exactly sized buffer whose bounds checks would throw).
 * Runs over the committed seed corpus in every build; {@code scripts/shawarma fuzz --target frames} fuzzes it.
 */
class FabricAdapterFuzzTest
{
    private final RecordingHandler recorder = new RecordingHandler();
    private final FabricAdapter adapter = new FabricAdapter(recorder);

    @FuzzTest
    void frames(final byte[] frame)
    {
        recorder.calls = 0;
        adapter.onFrame(new UnsafeBuffer(frame), 0, frame.length);
        assertEquals(1, recorder.calls, () -> "callbacks for one frame, last: " + recorder.last);
    }
}
