package io.shawarma.fabric.aggregate;

import java.util.function.DoubleBinaryOperator;

/**
 * The building blocks of the exchange calculus (Audrito et al., "The eXchange Calculus (XC)"), written with
 * {@link Aggregate#exchange} alone: the gradient (distance-to), broadcast along it, and single-path collection
 * (a convergecast that sends each device's partial result to its parent only, a per-neighbour value no field
 * calculus construct can send). Each is one {@code exchange} per round (two for broadcast and collect, which read
 * their neighbours' potential), so values move one hop per round, as with {@code share}. Like the other blocks,
 * one instance per call site, arguments kept in fields so that rounds allocate nothing.
 */
public final class XcBlocks
{
    private XcBlocks()
    {
    }

    /**
     * Distance to the nearest source: {@code exchange(inf, n -> retsend(mux(source, 0, nfold(min, n + range))))}.
     * It converges to the classic gradient's distances, twice as fast (one hop per round).
     */
    public static final class Gradient
    {
        private boolean source;
        private NValues neighbours;
        private final Exchange.RetSend step = (a, n, send) ->
        {
            neighbours = n;
            final double distance = Aggregate.mux(source, 0.0,
                n.zip(a.nbrRangeField(), Double::sum, Double.POSITIVE_INFINITY).minHoodPlus());
            send.defaultValue(distance);
            return distance;
        };

        /**
         * @return the distance from this device to the nearest device where {@code isSource} holds.
         */
        public double distanceTo(final Aggregate a, final boolean isSource)
        {
            source = isSource;
            return a.exchange(Double.POSITIVE_INFINITY, step);
        }

        /**
         * @return what the aligned neighbours sent in the last {@link #distanceTo}: their distances (valid for
         * the rest of that round).
         */
        NValues neighbourDistances()
        {
            return neighbours;
        }
    }

    /**
     * Broadcast along the gradient: every device takes the value its nearest neighbour towards the nearest source
     * sent (ties to the smaller device id); a source sends its own value; devices no source reaches keep theirs.
     * {@code exchange(value, n -> retsend(mux(source, value, n(argmin(d + range)))))}.
     */
    public static final class Broadcast
    {
        private final Gradient gradient = new Gradient();
        private boolean source;
        private double value;
        private final Exchange.RetSend step = (a, n, send) ->
        {
            final NValues distances = gradient.neighbourDistances().zip(a.nbrRangeField(), Double::sum,
                Double.POSITIVE_INFINITY);
            final long nearest = distances.argMinHoodPlus(Collect.NO_PARENT);
            final double result = source || Collect.NO_PARENT == nearest ||
                Double.POSITIVE_INFINITY == distances.get(nearest) ? value : n.get(nearest);
            send.defaultValue(result);
            return result;
        };

        /**
         * @return the value of the nearest source, or {@code value} while none is known.
         */
        public double broadcast(final Aggregate a, final boolean isSource, final double value)
        {
            source = isSource;
            this.value = value;
            gradient.distanceTo(a, isSource);
            return a.exchange(value, step);
        }
    }

    /**
     * Single-path collection down a potential: each device accumulates its own value with what its children sent
     * it and sends the result to its parent only (the neighbour of smallest potential, ties to the smaller id,
     * when below its own), every other neighbour getting the identity:
     * {@code exchange(nothing, n -> (c, mux(nbrId == parent, c, nothing)))} with {@code c = local + nfold(n)}.
     */
    public static final class Collect
    {
        /** The parent of a device at a local minimum of the potential. */
        public static final long NO_PARENT = Long.MIN_VALUE;

        private double potential;
        private NValues potentials;
        private DoubleBinaryOperator accumulate;
        private double local;
        private final Exchange.Update sharePotential = (a, n) ->
        {
            potentials = n;
            return a.nvalues(potential);
        };
        private final Exchange.RetSend step = (a, n, send) ->
        {
            final double collected = accumulate.applyAsDouble(local, n.foldPlus(send.defaultValue(), accumulate));
            final long parent = potentials.argMinHoodPlus(NO_PARENT);
            if (NO_PARENT != parent && potentials.get(parent) < potential)
            {
                send.put(parent, collected);
            }
            return collected;
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
            this.potential = potential;
            this.accumulate = accumulate;
            this.local = local;
            a.exchange(potential, sharePotential);
            return a.exchange(nothing, step);
        }
    }
}
