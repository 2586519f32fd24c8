package io.shawarma.fabric.wasm;

import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.fabric.store.VertexStores;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebAssembly UDFs run through the worker's {@link LocalInvoker}, as a worker runs them: the examples, every
 * refusal, the time budget, traps, the memory cap, statuses, updates and the optional exports.
 */
class WasmUdfTest
{
    private static final int MAX_VALUE_BYTES = 1024;
    private static final long VERTEX = 7;

    private final VertexStore store = VertexStores.open("table", 1000, 16, MAX_VALUE_BYTES, null);
    private final UdfRegistry udfs = new UdfRegistry(List.of(new AddUdf()));
    private final LocalInvoker invoker = new LocalInvoker(store, udfs, 4096, Throwable::getClass);
    private final CallWatchdog watchdog = new CallWatchdog("test-watchdog", 20_000_000L, CallWatchdog.CPU_TIME);
    private final UnsafeBuffer args = new UnsafeBuffer(new byte[64]);
    private final UnsafeBuffer empty = new UnsafeBuffer(new byte[0]);

    @AfterEach
    void close()
    {
        watchdog.close();
        store.close();
    }

    private WasmUdf load(final String name, final byte[] module, final WasmSandbox sandbox)
    {
        return WasmModules.load(name, module, sandbox.conclude(), watchdog, MAX_VALUE_BYTES);
    }

    private WasmUdf deploy(final String name, final byte[] module)
    {
        final WasmUdf udf = load(name, module, new WasmSandbox());
        udfs.deploy(udf);
        return udf;
    }

    private Status call(final String name, final long value)
    {
        args.putLong(0, value, LITTLE_ENDIAN);
        return invoker.invoke(VERTEX, Udf.idOf(name), args, 0, Long.BYTES);
    }

    private String resultText()
    {
        return invoker.result().getStringWithoutLengthUtf8(0, invoker.resultLength());
    }

    private long resultLong()
    {
        return invoker.result().getLong(0, LITTLE_ENDIAN);
    }

    @ParameterizedTest
    @ValueSource(strings = { "compiled", "interpreted" })
    void shouldCountLikeTheJavaAdd(final String engine)
    {
        udfs.deploy(load("counter", Modules.example("counter"), new WasmSandbox().engine(engine)));
        invoker.put(VERTEX, empty, 0, 0);

        assertEquals(Status.OK, call("counter", 5));
        assertEquals(5, resultLong());
        assertEquals(Status.OK, call("counter", -2));
        assertEquals(3, resultLong());
        assertEquals(Status.OK, call(AddUdf.NAME, 10));
        assertEquals(13, resultLong(), "the Java add reads what the module stored");
        assertEquals(Status.UDF_FAILED, invoker.invoke(VERTEX, Udf.idOf("counter"), args, 0, 3));
        assertEquals(Status.OK, invoker.get(VERTEX));
        assertEquals(13, resultLong());
    }

    @Test
    void shouldKeepARunningMean()
    {
        deploy("mean", Modules.example("mean"));
        invoker.put(VERTEX, empty, 0, 0);
        for (final double sample : new double[]{ 1.0, 2.0, 6.0 })
        {
            args.putDouble(0, sample, LITTLE_ENDIAN);
            assertEquals(Status.OK, invoker.invoke(VERTEX, Udf.idOf("mean"), args, 0, Double.BYTES));
        }
        assertEquals(3.0, invoker.result().getDouble(0, LITTLE_ENDIAN));
        assertEquals(Status.OK, invoker.invoke(VERTEX, Udf.idOf("mean"), args, 0, 0));
        assertEquals(3.0, invoker.result().getDouble(0, LITTLE_ENDIAN));
        assertEquals(Status.OK, invoker.get(VERTEX));
        assertEquals(16, invoker.resultLength());
    }

    @Test
    void shouldRefuseWhatIsNotWebAssembly()
    {
        assertRefused("not WebAssembly", "hello".getBytes(StandardCharsets.US_ASCII), new WasmSandbox());
        assertRefused("not WebAssembly", "(module)".getBytes(StandardCharsets.US_ASCII), new WasmSandbox());
        final byte[] truncated = new byte[20];
        System.arraycopy(Modules.example("counter"), 0, truncated, 0, truncated.length);
        assertRefused("not valid WebAssembly", truncated, new WasmSandbox());
    }

    @Test
    void shouldRefuseAMissingExport()
    {
        assertRefused("missing export 'compute'", Modules.test("missing-export"), new WasmSandbox());
    }

    @Test
    void shouldRefuseAWrongSignature()
    {
        assertRefused("wrong signature: export 'compute' is (i32, i32, i32, i32) -> i32, expected (i64, i32, i32, " +
            "i32) -> i32", Modules.test("wrong-signature"), new WasmSandbox());
    }

    @Test
    void shouldRefuseATrapAtStart()
    {
        assertRefused("trap at start", Modules.test("start-trap"), new WasmSandbox());
    }

    @Test
    void shouldRefuseAStartThatNeverEnds()
    {
        assertRefused("ran past its time budget of 1000 ms at start", Modules.test("start-loop"), new WasmSandbox());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void shouldRefuseAModuleTooLarge()
    {
        assertRefused("too large: the module has 204 bytes, shawarma.wasm.module.max.bytes is 100",
            Modules.example("counter"), new WasmSandbox().moduleMaxBytes(100));
    }

    @Test
    void shouldRefuseImportsTheHostDoesNotGive()
    {
        assertRefused("imports env.open, which the host does not give", Modules.test("env-import"), new WasmSandbox());
    }

    @Test
    void shouldRefuseMemoryAboveTheCapAtStart()
    {
        assertRefused("memory of 3 pages at start exceeds shawarma.wasm.memory.max=131072",
            Modules.example("counter"), new WasmSandbox().memoryMaxBytes(2 * WasmSandbox.PAGE_BYTES));
    }

    @Test
    void shouldFailAGrowPastTheMemoryCap()
    {
        udfs.deploy(load("grow", Modules.test("grow"), new WasmSandbox().memoryMaxBytes(4 * WasmSandbox.PAGE_BYTES)));
        invoker.put(VERTEX, empty, 0, 0);
        args.putInt(0, 1, LITTLE_ENDIAN);
        assertEquals(Status.OK, invoker.invoke(VERTEX, Udf.idOf("grow"), args, 0, Integer.BYTES));
        assertEquals(4, invoker.result().getInt(0, LITTLE_ENDIAN));
        assertEquals(Status.UDF_FAILED, invoker.invoke(VERTEX, Udf.idOf("grow"), args, 0, Integer.BYTES));
    }

    @Test
    void shouldStopACallPastItsBudgetAndServeTheNext()
    {
        deploy("loop", Modules.test("loop"));
        deploy("counter", Modules.example("counter"));
        invoker.put(VERTEX, empty, 0, 0);

        for (int i = 0; i < 3; i++)
        {
            assertEquals(Status.UDF_FAILED, call("loop", 1));
            assertTrue(resultText().contains("ran past its time budget of 20 ms"), resultText());
            assertFalse(Thread.currentThread().isInterrupted(), "the watchdog's interrupt outlived the call");
            assertEquals(Status.OK, call("counter", 1));
            assertEquals(i + 1, resultLong());
        }
    }

    @Test
    void shouldAnswerATrapWithItsMessageAndServeTheNext()
    {
        deploy("trap", Modules.test("trap"));
        invoker.put(VERTEX, empty, 0, 0);
        assertEquals(Status.UDF_FAILED, call("trap", 1));
        assertTrue(resultText().contains("trap: integer divide by zero"), resultText());
        assertEquals(Status.UDF_FAILED, call("trap", 1));
        assertTrue(resultText().contains("integer divide by zero"), resultText());
    }

    @Test
    void shouldStoreNothingWhenAnUpdateIsOutOfBounds()
    {
        deploy("bad-update", Modules.test("bad-update"));
        args.putLong(0, 42, LITTLE_ENDIAN);
        invoker.put(VERTEX, args, 0, Long.BYTES);
        assertEquals(Status.UDF_FAILED, call("bad-update", 1));
        assertTrue(resultText().contains("shawarma.update(1000000000) outside [0, 1024]"), resultText());
        assertEquals(Status.OK, invoker.get(VERTEX));
        assertEquals(42, resultLong());
    }

    @Test
    void shouldAnswerTheStatusComputeReturns()
    {
        deploy("not-found", Modules.test("not-found"));
        invoker.put(VERTEX, empty, 0, 0);
        assertEquals(Status.NO_SUCH_VERTEX, call("not-found", 1));
    }

    @Test
    void shouldReadTheOptionalExports()
    {
        final WasmUdf tag = deploy("tag", Modules.test("tag"));
        final WasmUdf counter = deploy("counter", Modules.example("counter"));
        assertTrue(tag.isReadOnly());
        assertTrue(tag.isMergeable());
        assertFalse(counter.isReadOnly());
        assertFalse(counter.isMergeable());

        args.putLong(0, 1, LITTLE_ENDIAN);
        invoker.put(VERTEX, args, 0, 4);
        final UnsafeBuffer longer = new UnsafeBuffer(new byte[12]);
        longer.putInt(8, 99, LITTLE_ENDIAN);
        assertEquals(Status.OK, invoker.merge(VERTEX, Udf.idOf("tag"), longer, 0, longer.capacity()));
        assertEquals(Status.OK, invoker.get(VERTEX));
        assertEquals(12, invoker.resultLength());
        assertEquals(99, invoker.result().getInt(8, LITTLE_ENDIAN));
    }

    @Test
    void shouldRefuseANameOfABuiltInUdf()
    {
        final WasmUdf udf = load(AddUdf.NAME, Modules.example("counter"), new WasmSandbox());
        assertThrows(IllegalArgumentException.class, () -> udfs.deploy(udf));
    }

    private void assertRefused(final String expected, final byte[] module, final WasmSandbox sandbox)
    {
        final WasmRefusal refusal = assertThrows(WasmRefusal.class, () -> load("x", module, sandbox));
        assertTrue(refusal.getMessage().contains(expected), refusal.getMessage());
    }
}
