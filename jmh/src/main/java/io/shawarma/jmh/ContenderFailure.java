package io.shawarma.jmh;

/** A contender's JVM failed or ran out of time. */
final class ContenderFailure extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    ContenderFailure(final String message)
    {
        super(message);
    }
}
