package io.shawarma.fabric.wasm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WasmSandboxTest
{
    @Test
    void shouldReadDurationsWithTheirUnitAndRefuseABareNumber()
    {
        assertEquals(10_000_000L, WasmSandbox.duration(WasmConfiguration.CALL_BUDGET_PROP, "10ms"));
        assertEquals(1_000_000_000L, WasmSandbox.duration(WasmConfiguration.CALL_BUDGET_PROP, "1s"));
        assertEquals(500_000L, WasmSandbox.duration(WasmConfiguration.CALL_BUDGET_PROP, "500us"));
        assertEquals("shawarma.wasm.call.budget=10: give its unit, e.g. 10ms (ns, us, ms or s)", refusedDuration("10"));
        assertEquals("shawarma.wasm.call.budget=tenms is not a duration such as 10ms", refusedDuration("tenms"));
    }

    @Test
    void shouldReadSizesInBytesOrWithAUnit()
    {
        assertEquals(16L * 1024 * 1024, WasmSandbox.size(WasmConfiguration.MEMORY_MAX_PROP, "16m"));
        assertEquals(131072, WasmSandbox.size(WasmConfiguration.MEMORY_MAX_PROP, "131072"));
        final String refused = assertThrows(IllegalArgumentException.class,
            () -> WasmSandbox.size(WasmConfiguration.MEMORY_MAX_PROP, "lots")).getMessage();
        assertEquals("shawarma.wasm.memory.max=lots is not a size such as 16m", refused);
    }

    private static String refusedDuration(final String value)
    {
        return assertThrows(IllegalArgumentException.class,
            () -> WasmSandbox.duration(WasmConfiguration.CALL_BUDGET_PROP, value)).getMessage();
    }
}
