package io.shawarma.fabric.wasm;

import io.shawarma.fabric.PropertySet;

import java.util.List;
import java.util.Map;

/**
 * The properties of WebAssembly UDFs ({@link WasmConfiguration}), so that the workers know them. The short names
 * without a unit point to the names with one ({@code .ms}, {@code .bytes}), as every Shawarma property has.
 */
public final class WasmProperties implements PropertySet
{
    public List<String> names()
    {
        return PropertySet.constantsOf(WasmConfiguration.class);
    }

    public Map<String, String> renamed()
    {
        return Map.of(
            WasmConfiguration.CALL_BUDGET_OLD_NAME, WasmConfiguration.CALL_BUDGET_MS_PROP,
            WasmConfiguration.MEMORY_MAX_OLD_NAME, WasmConfiguration.MEMORY_MAX_BYTES_PROP);
    }
}
