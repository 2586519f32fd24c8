package io.shawarma.fabric.aggregate;

/**
 * Hop count: the number of hops to the nearest source, {@link #UNREACHED} while none is known. Self-stabilising,
 * like the classic gradient. Written with rep + nbr, it advances one hop every two rounds ({@code nbr} exports the
 * value {@code rep} had before the round, which neighbours read the round after), as in ScaFi and Protelis; a
 * {@code share} or {@code exchange} hop count advances one hop per round (docs/aggregate-xc.md). One instance per call site (it keeps its arguments in fields so that its lambdas
 * capture nothing and a round allocates nothing).
 */
public final class HopCount
{
    public static final long UNREACHED = Long.MAX_VALUE;

    private boolean source;
    private long hops;
    private final Aggregate.LongExpression neighbourHops = (a) -> a.nbrLong(hops);
    private final Aggregate.LongUpdate step = (a, previous) ->
    {
        hops = previous;
        final long nearest = a.foldhoodPlusLong(UNREACHED, Math::min, neighbourHops);
        return Aggregate.mux(source, 0L, UNREACHED == nearest ? UNREACHED : nearest + 1);
    };

    /**
     * @return hops from this device to the nearest device where {@code isSource} holds.
     */
    public long hops(final Aggregate a, final boolean isSource)
    {
        source = isSource;
        return a.repLong(UNREACHED, step);
    }
}
