package io.shawarma.fabric.graph;

/**
 * A bad edge list: the message names the file, the line number and what is wrong.
 */
public final class EdgeListException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public EdgeListException(final String message)
    {
        super(message);
    }
}
