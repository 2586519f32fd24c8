package io.shawarma.fabric.wasm;

import io.shawarma.fabric.PropertySet;

import java.util.List;

/**
 * The properties of WebAssembly UDFs ({@link WasmConfiguration}), so that the workers know them.
 */
public final class WasmProperties implements PropertySet
{
    public List<String> names()
    {
        return PropertySet.constantsOf(WasmConfiguration.class);
    }
}
