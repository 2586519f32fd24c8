package io.shawarma.fabric.aggregate;

import java.util.function.DoubleBinaryOperator;

/**
 * C, collect down a potential (e.g. a gradient's distance): each device accumulates its own local value with the
 * values its children collected, a child being a neighbour whose parent it is (a device's parent is its neighbour
 * of smallest potential, ties to the smaller id, when strictly below its own). At a source (potential 0) the
 * result is the accumulation over its whole region, e.g. the device count with {@code Double::sum} and 1. One
 * instance per call site.
 */
public final class Collect
{
    /** The parent of a device at a local minimum of the potential. */
    public static final long NO_PARENT = Long.MIN_VALUE;

    private DoubleBinaryOperator accumulate;
    private double local;
    private double nothing;
    private long parent;
    private double collected;
    private final Aggregate.DoubleExpression fromChild = (a) ->
    {
        final long neighbourParent = a.nbrLong(parent);
        final double neighbourValue = a.nbr(collected);
        return neighbourParent == a.mid() ? neighbourValue : nothing;
    };
    private final Aggregate.DoubleUpdate step = (a, previous) ->
    {
        collected = previous;
        return accumulate.applyAsDouble(local, a.foldhood(nothing, accumulate, fromChild));
    };

    /**
     * @param potential  this device's potential; values flow towards smaller potentials.
     * @param accumulate how values combine (associative and commutative, e.g. {@code Double::sum}).
     * @param local      this device's own value.
     * @param nothing    the identity of {@code accumulate} (0 for a sum).
     * @return the accumulation of this device's value and its children's collected values.
     */
    public double collect(
        final Aggregate a, final double potential, final DoubleBinaryOperator accumulate, final double local,
        final double nothing)
    {
        final DoubleField potentials = a.nbrField(potential);
        final int lowest = potentials.argMinPlus();
        parent = lowest >= 0 && potentials.value(lowest) < potential ? potentials.id(lowest) : NO_PARENT;
        this.accumulate = accumulate;
        this.local = local;
        this.nothing = nothing;
        return a.rep(local, step);
    }
}
