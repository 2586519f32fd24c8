package io.shawarma.fabric.aggregate;

/**
 * T, time decay: a value that starts at {@code initial} and falls by {@code decayPerRound} each round down to
 * {@code floor}, e.g. a timer. ScaFi's {@code T(initial, floor, decay)} with a round as the unit of time. One
 * instance per call site.
 */
public final class Decay
{
    private double initial;
    private double floor;
    private double decayPerRound;
    private final Aggregate.DoubleUpdate step =
        (a, previous) -> Math.min(initial, Math.max(floor, previous - decayPerRound));

    /**
     * @return the decayed value: {@code initial} in the first round, then lower by {@code decayPerRound} each
     * round, never below {@code floor}.
     */
    public double decay(final Aggregate a, final double initial, final double floor, final double decayPerRound)
    {
        this.initial = initial;
        this.floor = floor;
        this.decayPerRound = decayPerRound;
        return a.rep(initial + decayPerRound, step);
    }
}
