package io.shawarma.fabric.wasm;

import io.shawarma.fabric.Configuration;
import org.agrona.SystemUtil;

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

    private long callBudgetNs = duration(CALL_BUDGET_PROP, Configuration.string(CALL_BUDGET_PROP, CALL_BUDGET_DEFAULT));
    private long memoryMaxBytes = size(MEMORY_MAX_PROP, Configuration.string(MEMORY_MAX_PROP, MEMORY_MAX_DEFAULT));
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
        check(callBudgetNs >= 1_000_000L, CALL_BUDGET_PROP, callBudgetNs + "ns", "at least 1ms");
        check(memoryMaxBytes >= PAGE_BYTES && memoryMaxBytes <= 65536L * PAGE_BYTES, MEMORY_MAX_PROP,
            memoryMaxBytes, "from 64k (one page) to 4g");
        check(moduleMaxBytes >= 8, MODULE_MAX_BYTES_PROP, moduleMaxBytes, "at least 8");
        check("compiled".equals(engine) || "interpreted".equals(engine), ENGINE_PROP, engine,
            "compiled or interpreted");
        return this;
    }

    /**
     * @return a duration with its unit ({@code 10ms}, {@code 500us}, {@code 1s}), in nanoseconds.
     * @throws IllegalArgumentException naming the property when the unit is missing or the value is not a duration.
     */
    static long duration(final String property, final String value)
    {
        if (!value.isEmpty() && Character.isDigit(value.charAt(value.length() - 1)))
        {
            throw new IllegalArgumentException(property + "=" + value + ": give its unit, e.g. " + value + "ms " +
                "(ns, us, ms or s)");
        }
        try
        {
            return SystemUtil.parseDuration(property, value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(property + "=" + value + " is not a duration such as 10ms");
        }
    }

    /**
     * @return a size in bytes, or with a unit ({@code 16m}, {@code 512k}, {@code 1g}), in bytes.
     * @throws IllegalArgumentException naming the property when the value is not a size.
     */
    static long size(final String property, final String value)
    {
        try
        {
            return SystemUtil.parseSize(property, value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(property + "=" + value + " is not a size such as 16m");
        }
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
