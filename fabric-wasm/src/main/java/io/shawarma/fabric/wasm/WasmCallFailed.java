package io.shawarma.fabric.wasm;

/**
 * A call of a WebAssembly UDF that ended without an answer: a trap (its message), a call stopped past its time
 * budget, an ABI breach (an update or a result out of bounds). The worker answers UDF_FAILED with this text and
 * records it once in its error log; the module's instance is made anew for the next call.
 */
final class WasmCallFailed extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    WasmCallFailed(final String message)
    {
        super(message, null, false, false);
    }

    /**
     * @return the reason alone: the caller reads it after "UDF 'name' threw".
     */
    @Override
    public String toString()
    {
        return getMessage();
    }
}
