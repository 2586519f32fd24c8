package io.shawarma.fabric.crdt;

/**
 * {@code pncounter}: a counter that goes up and down, held and merged by many workers. The value is two
 * {@link ReplicaCounts} tables, increments then decrements ({@value #VALUE_BYTES} bytes); args are an int64 delta
 * of either sign, or empty to read; the result is the int64 total (increments minus decrements).
 */
public final class PnCounterUdf extends CounterUdf
{
    /** Name callers use. */
    public static final String NAME = "pncounter";
    /** Bytes of the value. */
    public static final int VALUE_BYTES = 2 * ReplicaCounts.BYTES;

    public PnCounterUdf()
    {
        super(NAME, 2);
    }

    boolean accepts(final long delta)
    {
        return Long.MIN_VALUE != delta;
    }
}
