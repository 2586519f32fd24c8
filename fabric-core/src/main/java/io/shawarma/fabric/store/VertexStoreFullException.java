package io.shawarma.fabric.store;

/**
 * A {@link VertexStore} refused a write because it is full. Nothing stored changed and the store stays usable: a
 * remove frees space. The message is one line naming the limit that was reached and what to raise. Callers answer
 * it as {@link io.shawarma.udf.Status#STORE_FULL}, never as back pressure, since retrying does not free space.
 */
public final class VertexStoreFullException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line: the store, the limit reached and what to change.
     */
    public VertexStoreFullException(final String message)
    {
        super(message);
    }

    /**
     * @param message one line: the store, the limit reached and what to change.
     * @param cause   what the store's memory or file reported.
     */
    public VertexStoreFullException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
