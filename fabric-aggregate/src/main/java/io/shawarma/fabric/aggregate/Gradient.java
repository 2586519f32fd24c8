package io.shawarma.fabric.aggregate;

/**
 * The classic gradient (distance-to): each device's distance to the nearest source, the minimum over its
 * neighbours of their distance plus the range to them; infinity while no source is known. Self-stabilising but
 * slow to rise when a source goes away (see {@link CrfGradient}). Like {@link HopCount}, rep + nbr: one hop every
 * two rounds ({@link XcBlocks.Gradient}, with exchange, moves one per round). One instance per call site.
 */
public final class Gradient
{
    private boolean source;
    private double distance;
    private final Aggregate.DoubleExpression viaNeighbour = (a) -> a.nbr(distance) + a.nbrRange();
    private final Aggregate.DoubleUpdate step = (a, previous) ->
    {
        distance = previous;
        return Aggregate.mux(source, 0.0, a.foldhoodPlus(Double.POSITIVE_INFINITY, Math::min, viaNeighbour));
    };

    /**
     * @return the distance from this device to the nearest device where {@code isSource} holds.
     */
    public double distanceTo(final Aggregate a, final boolean isSource)
    {
        source = isSource;
        return a.rep(Double.POSITIVE_INFINITY, step);
    }
}
