package io.shawarma.fabric.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.shawarma.udf.Udf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Function;

/**
 * Turns the bytes of a module into a {@link Udf}, or a {@link WasmRefusal} that says why not, checked in this order:
 * too large, not WebAssembly (no {@code \0asm} header, or Chicory's parser or validator refuses it), an import the
 * host does not give, a missing export, a wrong signature ({@link WasmAbi}), memory above the cap, a trap (or a run
 * past the time budget) in its start function or pointer exports, pointers that leave no room for a value. A module
 * that passes is compiled to JVM bytecode (with the interpreter for any function the compiler cannot take), or
 * interpreted when {@code shawarma.wasm.engine=interpreted}.
 */
public final class WasmModules
{
    private WasmModules()
    {
    }

    /**
     * @param name          the UDF's name; calls name it by {@code Udf.idOf(name)}.
     * @param bytes         the module.
     * @param sandbox       the limits it runs with; concluded.
     * @param watchdog      stops calls past the budget; one per worker.
     * @param maxValueBytes the worker's largest vertex value, which must fit at {@code value_ptr}.
     * @return the UDF, ready to run on the thread that loaded it.
     * @throws WasmRefusal why the module cannot run, in one line.
     */
    static WasmUdf load(
        final String name, final byte[] bytes, final WasmSandbox sandbox, final CallWatchdog watchdog,
        final int maxValueBytes)
    {
        if (bytes.length > sandbox.moduleMaxBytes())
        {
            throw tooLarge(bytes.length, sandbox.moduleMaxBytes());
        }
        if (!WasmAbi.hasMagic(bytes))
        {
            throw new WasmRefusal("not WebAssembly: a module starts with \\0asm (a .wasm file, not .wat text)");
        }
        final WasmModule module;
        try
        {
            module = Parser.parse(bytes);
        }
        catch (final RuntimeException | StackOverflowError ex)
        {
            throw new WasmRefusal("not valid WebAssembly: " + ex.getMessage());
        }
        final boolean[] optional = WasmAbi.check(module);

        final MemoryLimits declared = module.memorySection().get().getMemory(0).limits();
        final int capPages = sandbox.memoryMaxPages();
        if (declared.initialPages() > capPages)
        {
            throw new WasmRefusal("memory of " + declared.initialPages() + " pages at start exceeds " +
                WasmConfiguration.MEMORY_MAX_PROP + "=" + sandbox.memoryMaxBytes() + " (" + capPages + " pages)");
        }
        final MemoryLimits limits =
            new MemoryLimits(declared.initialPages(), Math.min(declared.maximumPages(), capPages));

        String engine = "interpreted";
        Function<Instance, Machine> machineFactory = InterpreterMachine::new;
        if (sandbox.isCompiled())
        {
            try
            {
                machineFactory = MachineFactoryCompiler.builder(module)
                    .withInterpreterFallback(InterpreterFallback.SILENT)
                    .compile();
                engine = "compiled";
            }
            catch (final RuntimeException ex)
            {
                engine = "interpreted (the compiler refused it: " + ex.getMessage() + ")";
            }
        }
        return new WasmUdf(name, sha256(bytes), bytes.length, engine, module, machineFactory, limits, watchdog,
            optional[0], optional[1], maxValueBytes);
    }

    /**
     * Loads a module outside a worker, for benchmarks and tools: the UDF gets its own watchdog, whose daemon thread
     * starts with its first call and lives as long as the JVM.
     *
     * @param name          the UDF's name.
     * @param bytes         the module.
     * @param sandbox       the limits it runs with; concluded here.
     * @param maxValueBytes the largest vertex value it is given.
     * @return the UDF; run it on one thread.
     * @throws WasmRefusal why the module cannot run, in one line.
     */
    public static Udf standalone(
        final String name, final byte[] bytes, final WasmSandbox sandbox, final int maxValueBytes)
    {
        final WasmSandbox concluded = sandbox.conclude();
        final CallWatchdog watchdog =
            new CallWatchdog("shawarma-wasm-watchdog-" + name, concluded.callBudgetNs(), CallWatchdog.CPU_TIME);
        return load(name, bytes, concluded, watchdog, maxValueBytes);
    }

    /**
     * @return the bytes of {@code add}, the WebAssembly twin of the built-in {@code add} UDF (an i64 counter).
     */
    public static byte[] addModule()
    {
        try (InputStream in = WasmModules.class.getResourceAsStream("add.wasm"))
        {
            if (null == in)
            {
                throw new IllegalStateException("add.wasm missing from the fabric-wasm jar");
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return the refusal of a module of {@code length} bytes.
     */
    static WasmRefusal tooLarge(final long length, final int maxBytes)
    {
        return new WasmRefusal("too large: the module has " + length + " bytes, " +
            WasmConfiguration.MODULE_MAX_BYTES_PROP + " is " + maxBytes);
    }

    /**
     * @return the SHA-256 of the bytes, in lower-case hex.
     */
    public static String sha256(final byte[] bytes)
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            final StringBuilder hex = new StringBuilder(digest.length * 2);
            for (final byte b : digest)
            {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JVM has SHA-256", ex);
        }
    }
}
