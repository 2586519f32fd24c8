package io.shawarma.fabric.crdt;

/**
 * {@code gcounter}: a grow-only counter that many workers may hold at once and merge. The value is a
 * {@link ReplicaCounts} table ({@value #VALUE_BYTES} bytes); args are an int64 increment {@code >= 0}, or empty to
 * read; the result is the int64 total. A negative increment, or a 17th distinct replica, fails.
 */
public final class GCounterUdf extends CounterUdf
{
    /** Name callers use. */
    public static final String NAME = "gcounter";
    /** Bytes of the value. */
    public static final int VALUE_BYTES = ReplicaCounts.BYTES;

    public GCounterUdf()
    {
        super(NAME, 1);
    }

    boolean accepts(final long delta)
    {
        return delta >= 0;
    }
}
