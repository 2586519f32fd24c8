package io.shawarma.fabric.aggregate;

/**
 * A self-healing gradient, CRF (constraint and restoring force; Beal et al., "Fast self-healing gradients",
 * 2008), as in ScaFi's {@code crfGradient} with a round as the unit of time: a device keeps the distance that its
 * neighbours constrain (neighbour distance + range + own rising speed x one round of lag not above its own); when
 * no neighbour constrains it, it rises at {@code raisingSpeed} per round instead of creeping up by the smallest
 * range as the classic gradient does. One instance per call site.
 */
public final class CrfGradient
{
    private double raisingSpeed;
    private boolean source;
    private double distance;
    private double speed;
    private double nextSpeed;
    private double result;
    private final Aggregate.DoubleExpression constrained = (a) ->
    {
        final double throughNeighbour = a.nbr(distance) + a.nbrRange();
        return throughNeighbour + speed <= distance ? throughNeighbour : Double.POSITIVE_INFINITY;
    };
    private final Aggregate.DoubleUpdate distanceStep = (a, previous) ->
    {
        distance = previous;
        final double nearest = a.foldhoodPlus(Double.POSITIVE_INFINITY, Math::min, constrained);
        final boolean free = Double.POSITIVE_INFINITY == nearest;
        nextSpeed = source || !free ? 0 : raisingSpeed;
        return Aggregate.mux(source, 0.0, free ? previous + raisingSpeed : nearest);
    };
    // The speed is state of its own; the distance's rep runs inside it so that both advance together.
    private final Aggregate.DoubleUpdate speedStep = (a, previousSpeed) ->
    {
        speed = previousSpeed;
        result = a.rep(Double.POSITIVE_INFINITY, distanceStep);
        return nextSpeed;
    };

    /**
     * @param raisingSpeed how fast an unconstrained device's distance rises, per round; positive.
     */
    public CrfGradient(final double raisingSpeed)
    {
        if (!(raisingSpeed > 0))
        {
            throw new IllegalArgumentException("raising speed must be positive, got " + raisingSpeed);
        }
        this.raisingSpeed = raisingSpeed;
    }

    /**
     * @return the distance from this device to the nearest device where {@code isSource} holds.
     */
    public double distanceTo(final Aggregate a, final boolean isSource)
    {
        source = isSource;
        a.rep(0.0, speedStep);
        return result;
    }
}
