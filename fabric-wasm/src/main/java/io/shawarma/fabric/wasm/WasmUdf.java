package io.shawarma.fabric.wasm;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.function.Function;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A {@link Udf} over a Chicory instance of a WebAssembly module ({@link WasmAbi}): each call copies the vertex's
 * value to {@code value_ptr} and the args to {@code args_ptr} in the module's memory, runs {@code compute} under the
 * worker's {@link CallWatchdog}, and copies the result from {@code result_ptr}. The module's
 * {@code shawarma.update(new_len)} copies the new value out at once into the vertex's new-value buffer, so the fabric
 * stores it only if {@code compute} then succeeds. A trap, a call past its budget or a breach of the ABI throws
 * {@link WasmCallFailed} (answered UDF_FAILED with its text) and the instance is made anew, so no half-done state
 * carries over to the next call. Made by {@link WasmModules#load}; runs on the worker's agent thread only.
 */
final class WasmUdf implements Udf
{
    private final String name;
    private final String sha256;
    private final int moduleBytes;
    private final String engine;
    private final WasmModule module;
    private final Function<Instance, Machine> machineFactory;
    private final MemoryLimits memoryLimits;
    private final CallWatchdog watchdog;
    private final boolean mergeable;
    private final boolean readOnly;
    private final ImportValues imports;
    private final long[] computeArgs = new long[4];
    private final long[] mergeArgs = new long[2];
    private Instance instance;
    private Memory memory;
    private ExportFunction compute;
    private ExportFunction merge;
    private int valuePtr;
    private int argsPtr;
    private int resultPtr;
    private Vertex current;

    WasmUdf(
        final String name, final String sha256, final int moduleBytes, final String engine, final WasmModule module,
        final Function<Instance, Machine> machineFactory, final MemoryLimits memoryLimits,
        final CallWatchdog watchdog, final boolean mergeable, final boolean hasReadOnly, final int maxValueBytes)
    {
        this.name = name;
        this.sha256 = sha256;
        this.moduleBytes = moduleBytes;
        this.engine = engine;
        this.module = module;
        this.machineFactory = machineFactory;
        this.memoryLimits = memoryLimits;
        this.watchdog = watchdog;
        this.mergeable = mergeable;
        this.imports = ImportValues.builder()
            .addFunction(new HostFunction(WasmAbi.HOST_MODULE, WasmAbi.UPDATE, WasmAbi.UPDATE_TYPE, this::onUpdate))
            .build();

        watchdog.beginStart();
        try
        {
            instantiate();
            readOnly = hasReadOnly && 0 != (int)instance.export(WasmAbi.READ_ONLY).apply()[0];
        }
        catch (final RuntimeException | StackOverflowError ex)
        {
            throw new WasmRefusal(watchdog.end() ? "ran past its time budget of " +
                Math.max(watchdog.budgetNs(), CallWatchdog.START_BUDGET_NS) / 1_000_000L + " ms at start" :
                "trap at start: " + reason(ex));
        }
        watchdog.end();
        final long valueEnd = (long)valuePtr + maxValueBytes;
        if (valuePtr < 0 || valueEnd > memoryBytes())
        {
            throw new WasmRefusal("value_ptr " + valuePtr + " leaves no room for a value of " + maxValueBytes +
                " bytes (shawarma.store.value.max.bytes) in the module's memory of " + memoryBytes() + " bytes");
        }
        if (argsPtr < 0 || argsPtr > memoryBytes() || resultPtr < 0 || resultPtr > memoryBytes())
        {
            throw new WasmRefusal("args_ptr " + argsPtr + " or result_ptr " + resultPtr +
                " is outside the module's memory of " + memoryBytes() + " bytes");
        }
    }

    private void instantiate()
    {
        final Instance fresh = Instance.builder(module)
            .withImportValues(imports)
            .withMemoryLimits(memoryLimits)
            .withMemoryFactory(ByteArrayMemory::new)
            .withMachineFactory(machineFactory)
            .build();
        instance = fresh;
        memory = fresh.memory();
        compute = fresh.export(WasmAbi.COMPUTE);
        merge = mergeable ? fresh.export(WasmAbi.MERGE) : null;
        valuePtr = (int)fresh.export(WasmAbi.VALUE_PTR).apply()[0];
        argsPtr = (int)fresh.export(WasmAbi.ARGS_PTR).apply()[0];
        resultPtr = (int)fresh.export(WasmAbi.RESULT_PTR).apply()[0];
    }

    public String name()
    {
        return name;
    }

    public boolean isReadOnly()
    {
        return readOnly;
    }

    public boolean isMergeable()
    {
        return mergeable;
    }

    /**
     * @return the module's SHA-256, in hex.
     */
    String sha256()
    {
        return sha256;
    }

    /**
     * @return one line for {@code scripts/shawarma udfs}: name, hash, size, engine, read-only and merge.
     */
    String describe()
    {
        return name + " wasm sha256:" + sha256.substring(0, 16) + " " + moduleBytes + " B " + engine +
            (readOnly ? " read-only" : "") + (mergeable ? " merge" : "");
    }

    public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
    {
        final int memoryBytes = memoryBytes();
        final int argsLength = args.capacity();
        if ((long)argsPtr + argsLength > memoryBytes)
        {
            throw new WasmCallFailed("args of " + argsLength + " bytes do not fit in the module's memory at args_ptr " +
                argsPtr);
        }
        copyIn(vertex.value(), vertex.length(), valuePtr);
        copyIn(args, argsLength, argsPtr);
        final int resultCap = Math.min(result.capacity(), memoryBytes - resultPtr);
        computeArgs[0] = vertex.id();
        computeArgs[1] = vertex.length();
        computeArgs[2] = argsLength;
        computeArgs[3] = resultCap;

        final int returned = call(vertex, compute, computeArgs);
        if (returned < 0)
        {
            final Status status = Status.of(-returned);
            return Udf.fail(null == status || Status.OK == status ? Status.UDF_FAILED : status);
        }
        if (returned > resultCap)
        {
            throw new WasmCallFailed("compute returned length " + returned + " beyond result_cap " + resultCap);
        }
        copyOut(resultPtr, returned, result);
        return returned;
    }

    public void merge(final Vertex into, final DirectBuffer from)
    {
        if (!mergeable)
        {
            throw new UnsupportedOperationException("UDF " + name + " has no merge");
        }
        final int fromLength = from.capacity();
        if ((long)argsPtr + fromLength > memoryBytes())
        {
            throw new WasmCallFailed("the other copy of " + fromLength + " bytes does not fit at args_ptr " + argsPtr);
        }
        copyIn(into.value(), into.length(), valuePtr);
        copyIn(from, fromLength, argsPtr);
        mergeArgs[0] = into.length();
        mergeArgs[1] = fromLength;
        final int returned = call(into, merge, mergeArgs);
        if (returned < 0)
        {
            throw new WasmCallFailed("merge failed with status " + -returned);
        }
    }

    private int call(final Vertex vertex, final ExportFunction function, final long[] callArgs)
    {
        current = vertex;
        watchdog.begin();
        try
        {
            final int returned = (int)function.apply(callArgs)[0];
            // Stopped right as it returned, if at all: the call completed, so its result stands; the flag is cleared.
            watchdog.end();
            return returned;
        }
        catch (final RuntimeException | StackOverflowError ex)
        {
            final boolean stopped = watchdog.end();
            renew();
            throw new WasmCallFailed(stopped || ex instanceof ChicoryInterruptedException ?
                "ran past its time budget of " + budgetMs() + " ms (" + WasmConfiguration.CALL_BUDGET_PROP + ")" :
                "trap: " + reason(ex));
        }
        finally
        {
            current = null;
        }
    }

    /**
     * A fresh instance after a failed call: the module's memory and globals may hold half-done state.
     */
    private void renew()
    {
        watchdog.beginStart();
        try
        {
            instantiate();
        }
        finally
        {
            watchdog.end();
        }
    }

    /**
     * {@code shawarma.update(new_len)}: the bytes at {@code value_ptr} are the vertex's new value.
     */
    private long[] onUpdate(final Instance caller, final long... args)
    {
        final Vertex vertex = current;
        final int newLength = (int)args[0];
        if (null == vertex)
        {
            throw new WasmCallFailed("shawarma.update called outside compute or merge");
        }
        if (newLength < 0 || newLength > vertex.capacity())
        {
            throw new WasmCallFailed("shawarma.update(" + newLength + ") outside [0, " + vertex.capacity() +
                "] (shawarma.store.value.max.bytes)");
        }
        copyOut(valuePtr, newLength, vertex.newValue());
        vertex.update(newLength);
        return null;
    }

    private int memoryBytes()
    {
        return (int)Math.min(Integer.MAX_VALUE, (long)memory.pages() * WasmSandbox.PAGE_BYTES);
    }

    private long budgetMs()
    {
        return watchdog.budgetNs() / 1_000_000L;
    }

    private void copyIn(final DirectBuffer src, final int length, final int address)
    {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            memory.writeLong(address + i, src.getLong(i, LITTLE_ENDIAN));
        }
        for (; i < length; i++)
        {
            memory.writeByte(address + i, src.getByte(i));
        }
    }

    private void copyOut(final int address, final int length, final MutableDirectBuffer dst)
    {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            dst.putLong(i, memory.readLong(address + i), LITTLE_ENDIAN);
        }
        for (; i < length; i++)
        {
            dst.putByte(i, memory.read(address + i));
        }
    }

    private static String reason(final Throwable ex)
    {
        final String message = ex instanceof StackOverflowError ? "call stack exhausted" : ex.getMessage();
        return null == message ? ex.getClass().getSimpleName() : message;
    }
}
