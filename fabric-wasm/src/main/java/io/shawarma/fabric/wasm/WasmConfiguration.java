package io.shawarma.fabric.wasm;

/**
 * Property names and defaults of WebAssembly UDFs (the sandbox each call runs in), listed by {@link WasmProperties}
 * and read by {@link WasmSandbox}. Read by the workers: set them where the workers start.
 */
public final class WasmConfiguration
{
    /**
     * CPU time one call of a WebAssembly UDF may use (of the worker's agent thread: waiting for a core or a GC pause
     * does not count); past it the call is stopped and answered UDF_FAILED, and the worker goes on serving. A
     * duration with its unit, as Aeron's are: {@code 10ms}, {@code 500us}, {@code 1s}. Default 10ms.
     */
    public static final String CALL_BUDGET_PROP = "shawarma.wasm.call.budget";
    public static final String CALL_BUDGET_DEFAULT = "10ms";

    /**
     * Most linear memory a module may have (rounded down to whole 64 KiB pages): a module that declares more at start
     * is refused, a {@code memory.grow} past it fails (returns -1). Bytes, or with a unit as Aeron's sizes are:
     * {@code 16m}, {@code 512k}. Default 16m.
     */
    public static final String MEMORY_MAX_PROP = "shawarma.wasm.memory.max";
    public static final String MEMORY_MAX_DEFAULT = "16m";

    /** Largest module a worker accepts to deploy, in bytes; a larger one is refused as too large. Default 16 MiB. */
    public static final String MODULE_MAX_BYTES_PROP = "shawarma.wasm.module.max.bytes";
    public static final int MODULE_MAX_BYTES_DEFAULT = 16 * 1024 * 1024;

    /**
     * How modules run: {@code compiled} (Chicory's compiler to JVM bytecode, at deploy; a function it cannot compile
     * runs in the interpreter) or {@code interpreted} (Chicory's interpreter, for comparison). Default compiled.
     */
    public static final String ENGINE_PROP = "shawarma.wasm.engine";
    public static final String ENGINE_DEFAULT = "compiled";

    private WasmConfiguration()
    {
    }
}
