package io.shawarma.fabric.aggregate;

/**
 * G, broadcast along a gradient: every device gets the value of its nearest source, passed on from the neighbour
 * that is its next step towards that source (ties to the smaller device id). Devices no source reaches keep their
 * own {@code value}. One instance per call site.
 */
public final class Broadcast
{
    private final Gradient gradient = new Gradient();
    private boolean source;
    private double value;
    private double distance;
    private final Aggregate.DoubleUpdate step = (a, previous) ->
    {
        final DoubleField distances = a.nbrField(distance).zip(a.nbrRangeField(), Double::sum);
        final DoubleField values = a.nbrField(previous);
        final int nearest = distances.argMinPlus();
        final double fromNeighbour = nearest < 0 || Double.POSITIVE_INFINITY == distances.value(nearest) ?
            value : values.valueOf(distances.id(nearest), value);
        return Aggregate.mux(source, value, fromNeighbour);
    };

    /**
     * @param isSource whether this device is a source.
     * @param value    this device's own value: what it broadcasts when a source, keeps while unreached.
     * @return the value of the nearest source.
     */
    public double broadcast(final Aggregate a, final boolean isSource, final double value)
    {
        source = isSource;
        this.value = value;
        distance = gradient.distanceTo(a, isSource);
        return a.rep(value, step);
    }
}
