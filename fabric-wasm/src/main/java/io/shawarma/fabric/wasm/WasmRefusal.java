package io.shawarma.fabric.wasm;

/**
 * Why a worker refuses a module: not WebAssembly, a missing export, a wrong signature, a trap at start, too large.
 * Its message is the one line the deploy prints for that worker.
 */
public final class WasmRefusal extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the reason, in one line.
     */
    public WasmRefusal(final String message)
    {
        super(message, null, false, false);
    }

    /**
     * @return the reason alone.
     */
    @Override
    public String toString()
    {
        return getMessage();
    }
}
