package io.shawarma.fabric.store;

import io.shawarma.fabric.ThrowingUdf;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.udf.MaxUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invoker over each store: UDFs read the stored value in place, and a new value is stored only when the UDF
 * returns successfully.
 */
class LocalInvokerTest
{
    private static final int MAX_VALUE_BYTES = 256;
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int READ = Udf.idOf(ReadUdf.NAME);
    private static final int MAX = Udf.idOf(MaxUdf.NAME);
    private static final int THROW = Udf.idOf(ThrowingUdf.NAME);
    private static final int FAIL = Udf.idOf(FailAfterWriteUdf.NAME);
    private static final int GROW = Udf.idOf(GrowUdf.NAME);

    private final UnsafeBuffer args = new UnsafeBuffer(new byte[16]);
    private final List<Throwable> errors = new ArrayList<>();
    private VertexStore store;
    private LocalInvoker invoker;
    private String refusal;

    @AfterEach
    void close()
    {
        store.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"table", "chronicle"})
    void addsInPlaceAndReadsBack(final String kind)
    {
        open(kind);
        putLong(1, 40);

        assertEquals(Status.OK, invoker.invoke(1, ADD, argLong(2), 0, Long.BYTES));
        assertEquals(42, invoker.result().getLong(0, LITTLE_ENDIAN));
        assertEquals(Status.OK, invoker.invoke(1, READ, args, 0, 0));
        assertEquals(Long.BYTES, invoker.resultLength());
        assertEquals(42, invoker.result().getLong(0, LITTLE_ENDIAN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"table", "chronicle"})
    void throwingOrFailingUdfLeavesTheStoredValue(final String kind)
    {
        open(kind);
        putLong(1, 5);

        assertEquals(Status.UDF_FAILED, invoker.invoke(1, THROW, args, 0, 0));
        assertEquals(Status.UDF_FAILED, invoker.invoke(1, FAIL, args, 0, 0));
        assertEquals(1, errors.size(), "the throw is recorded once: " + errors);

        assertEquals(Status.OK, invoker.get(1));
        assertEquals(5, invoker.result().getLong(0, LITTLE_ENDIAN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"table", "chronicle"})
    void unknownUdfAndAbsentVertexAreAnswered(final String kind)
    {
        open(kind);
        putLong(1, 5);

        assertEquals(Status.NO_SUCH_UDF, invoker.invoke(1, 12345, args, 0, 0));
        assertEquals(Status.NO_SUCH_VERTEX, invoker.invoke(2, READ, args, 0, 0));
        assertEquals(Status.NO_SUCH_VERTEX, invoker.get(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"table", "chronicle"})
    void mergesIntoTheStoredValue(final String kind)
    {
        open(kind);
        putLong(1, 5);

        assertEquals(Status.OK, invoker.merge(1, MAX, argLong(9), 0, Long.BYTES));
        assertEquals(Status.OK, invoker.merge(1, MAX, argLong(3), 0, Long.BYTES));

        invoker.get(1);
        assertEquals(9, invoker.result().getLong(0, LITTLE_ENDIAN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"table", "chronicle"})
    void runsOnACopyWithoutTouchingTheStore(final String kind)
    {
        open(kind);
        putLong(1, 5);
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[MAX_VALUE_BYTES]);
        copy.putLong(0, 100, LITTLE_ENDIAN);

        assertEquals(Status.OK, invoker.invokeOnCopy(1, ADD, copy, Long.BYTES, argLong(1), 0, Long.BYTES));

        assertEquals(101, copy.getLong(0, LITTLE_ENDIAN));
        assertEquals(Long.BYTES, invoker.copyLength());
        invoker.get(1);
        assertEquals(5, invoker.result().getLong(0, LITTLE_ENDIAN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"table", "chronicle"})
    void fullStoreAnswersStoreFullNamingTheLimitAndKeepsWhatItHolds(final String kind)
    {
        // One chunk for the table; for chronicle, memory sized for a few entries.
        open("table".equals(kind) ? new VertexTable(10, 8, MAX_VALUE_BYTES, null, 1) :
            new ChronicleVertexStore(10, 8, MAX_VALUE_BYTES, null));
        final String limit = "table".equals(kind) ? "limit of 1 chunks" : "shawarma.store.entries=10";

        final long stored = fill();
        final String text = refusal;

        assertEquals(stored, store.size());
        assertTrue(text.contains(limit), text);
        assertTrue(text.contains("full"), text);
        assertEquals(1, errors.size(), "recorded: " + errors);
        assertEquals(Status.STORE_FULL, invoker.invoke(0, GROW, argInt(48), 0, Integer.BYTES),
            "an update that needs room");
        assertEquals(Status.OK, invoker.get(0));
        assertEquals(Long.BYTES, invoker.resultLength(), "the refused update left the value");

        assertTrue(store.remove(stored - 1));
        assertEquals(Status.OK, invoker.put(stored, argLong(1), 0, Long.BYTES), "room again once one is removed");
    }

    @Test
    void chronicleRefusesAValueFarAboveItsAverageAsMalformedNamingTheSetting()
    {
        open(new ChronicleVertexStore(10, 8, MAX_VALUE_BYTES, null));
        putLong(1, 5);

        assertEquals(Status.MALFORMED, invoker.invoke(1, GROW, argInt(MAX_VALUE_BYTES), 0, Integer.BYTES));

        final String text = invoker.result().getStringWithoutLengthUtf8(0, invoker.resultLength());
        assertTrue(text.contains("shawarma.store.value.average.bytes=8"), text);
        invoker.get(1);
        assertEquals(5, invoker.result().getLong(0, LITTLE_ENDIAN));
    }

    /**
     * Puts 8-byte values until the store refuses one; its text is then in {@link #refusal}.
     *
     * @return how many it took.
     */
    private long fill()
    {
        Status status = Status.OK;
        long id = 0;
        while (Status.OK == status && id < 10_000_000)
        {
            status = invoker.put(id, argLong(id), 0, Long.BYTES);
            id += Status.OK == status ? 1 : 0;
        }
        assertEquals(Status.STORE_FULL, status, "after " + id + " puts");
        refusal = invoker.result().getStringWithoutLengthUtf8(0, invoker.resultLength());
        assertEquals(Status.NO_SUCH_VERTEX, invoker.get(id), "the refused put stored nothing");
        return id;
    }

    private void open(final String kind)
    {
        open(VertexStores.open(kind, 1_000, 16, MAX_VALUE_BYTES, null));
    }

    private void open(final VertexStore store)
    {
        this.store = store;
        final UdfRegistry udfs = new UdfRegistry(
            List.of(new AddUdf(), new ReadUdf(), new MaxUdf(), new ThrowingUdf(), new FailAfterWriteUdf(),
                new GrowUdf()));
        invoker = new LocalInvoker(store, udfs, 1024, errors::add);
    }

    private void putLong(final long vertexId, final long value)
    {
        assertEquals(Status.OK, invoker.put(vertexId, argLong(value), 0, Long.BYTES));
    }

    private UnsafeBuffer argInt(final int value)
    {
        args.putInt(0, value, LITTLE_ENDIAN);
        return args;
    }

    private UnsafeBuffer argLong(final long value)
    {
        args.putLong(0, value, LITTLE_ENDIAN);
        return args;
    }

    /** Replaces the value with one of the length its args name: an update that may need room. */
    static final class GrowUdf implements Udf
    {
        static final String NAME = "test-grow";

        public String name()
        {
            return NAME;
        }

        public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
        {
            final int length = args.getInt(0, LITTLE_ENDIAN);
            vertex.edit().setMemory(0, length, (byte)1);
            vertex.update(length);
            return 0;
        }
    }

    /** Writes and declares a new value, then reports failure: the write must not be stored. */
    static final class FailAfterWriteUdf implements Udf
    {
        static final String NAME = "test-fail-after-write";

        public String name()
        {
            return NAME;
        }

        public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
        {
            vertex.edit().putLong(0, -7, LITTLE_ENDIAN);
            vertex.update(Long.BYTES);
            return Udf.fail(Status.UDF_FAILED);
        }
    }
}
