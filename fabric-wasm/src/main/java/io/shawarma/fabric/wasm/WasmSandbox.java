package io.shawarma.fabric.wasm;

import io.shawarma.fabric.Configuration;

import static io.shawarma.fabric.Configuration.check;
import static io.shawarma.fabric.wasm.WasmConfiguration.*;

/**
 * The limits and engine every WebAssembly UDF of a worker runs with, each defaulted from its property
 * ({@link WasmConfiguration}); code sets them with the fluent setters, then {@link #conclude()}.
 */
public final class WasmSandbox
{
    /** Bytes in a WebAssembly memory page. */
    public static final int PAGE_BYTES = 64 * 1024;

    private long callBudgetNs = Configuration.durationNs(CALL_BUDGET_MS_PROP, CALL_BUDGET_MS_DEFAULT);
    private long memoryMaxBytes = Configuration.number(MEMORY_MAX_BYTES_PROP, MEMORY_MAX_BYTES_DEFAULT);
    private int moduleMaxBytes = Configuration.integer(MODULE_MAX_BYTES_PROP, MODULE_MAX_BYTES_DEFAULT);
    private String engine = Configuration.string(ENGINE_PROP, ENGINE_DEFAULT);

    /**
     * Validates the settings.
     *
     * @return this.
     * @throws IllegalArgumentException naming the property and the bad value.
     */
    public WasmSandbox conclude()
    {
        check(callBudgetNs >= 1_000_000L, CALL_BUDGET_MS_PROP, callBudgetNs / 1_000_000.0, "at least 1");
        check(memoryMaxBytes >= PAGE_BYTES && memoryMaxBytes <= 65536L * PAGE_BYTES, MEMORY_MAX_BYTES_PROP,
            memoryMaxBytes, "from 65536 (one page) to 4 GiB");
        check(moduleMaxBytes >= 8, MODULE_MAX_BYTES_PROP, moduleMaxBytes, "at least 8");
        check("compiled".equals(engine) || "interpreted".equals(engine), ENGINE_PROP, engine,
            "compiled or interpreted");
        return this;
    }

    /** @return how long one call may run, in nanoseconds. */
    public long callBudgetNs()
    {
        return callBudgetNs;
    }

    /** @param callBudgetNs how long one call may run, at least 1 ms. @return this. */
    public WasmSandbox callBudgetNs(final long callBudgetNs)
    {
        this.callBudgetNs = callBudgetNs;
        return this;
    }

    /** @return most linear memory a module may have, in bytes. */
    public long memoryMaxBytes()
    {
        return memoryMaxBytes;
    }

    /** @return most linear memory a module may have, in whole pages. */
    public int memoryMaxPages()
    {
        return (int)(memoryMaxBytes / PAGE_BYTES);
    }

    /** @param memoryMaxBytes most linear memory a module may have, at least one page. @return this. */
    public WasmSandbox memoryMaxBytes(final long memoryMaxBytes)
    {
        this.memoryMaxBytes = memoryMaxBytes;
        return this;
    }

    /** @return largest module accepted, in bytes. */
    public int moduleMaxBytes()
    {
        return moduleMaxBytes;
    }

    /** @param moduleMaxBytes largest module accepted, in bytes. @return this. */
    public WasmSandbox moduleMaxBytes(final int moduleMaxBytes)
    {
        this.moduleMaxBytes = moduleMaxBytes;
        return this;
    }

    /** @return {@code compiled} or {@code interpreted}. */
    public String engine()
    {
        return engine;
    }

    /** @param engine {@code compiled} (default) or {@code interpreted}. @return this. */
    public WasmSandbox engine(final String engine)
    {
        this.engine = engine;
        return this;
    }

    /** @return true when modules are compiled to JVM bytecode. */
    public boolean isCompiled()
    {
        return "compiled".equals(engine);
    }
}
