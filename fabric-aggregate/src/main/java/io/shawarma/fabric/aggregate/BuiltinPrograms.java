package io.shawarma.fabric.aggregate;

import java.util.List;

/**
 * The programs {@code scripts/shawarma aggregate --program NAME} runs, each over the {@code source} sensor.
 */
public final class BuiltinPrograms
{
    /** The names {@link #byName(String)} knows. */
    public static final List<String> NAMES = List.of("hopcount", "gradient", "crf", "broadcast", "collect",
        "xc-gradient", "xc-broadcast", "xc-collect", "share-gradient");

    private BuiltinPrograms()
    {
    }

    /**
     * @return a new instance of the named program.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static AggregateProgram byName(final String name)
    {
        switch (name)
        {
            case "hopcount":
                return new HopCountProgram();
            case "gradient":
                return new GradientProgram();
            case "crf":
                return new CrfProgram();
            case "broadcast":
                return new BroadcastProgram();
            case "collect":
                return new CollectProgram();
            case "xc-gradient":
                return new XcGradientProgram();
            case "xc-broadcast":
                return new XcBroadcastProgram();
            case "xc-collect":
                return new XcCollectProgram();
            case "share-gradient":
                return new ShareGradientProgram();
            default:
                throw new IllegalArgumentException("unknown program '" + name + "', expected one of " + NAMES);
        }
    }

    /** Hops to the nearest source (inf when none is reachable). */
    public static final class HopCountProgram implements AggregateProgram
    {
        private final HopCount hopCount = new HopCount();

        public double round(final Aggregate a)
        {
            final long hops = hopCount.hops(a, a.senseFlag(Sensors.SOURCE));
            return HopCount.UNREACHED == hops ? Double.POSITIVE_INFINITY : hops;
        }

        public boolean integerOutput()
        {
            return true;
        }
    }

    /** The classic gradient: distance to the nearest source along edges weighted by their range. */
    public static final class GradientProgram implements AggregateProgram
    {
        private final Gradient gradient = new Gradient();

        public double round(final Aggregate a)
        {
            return gradient.distanceTo(a, a.senseFlag(Sensors.SOURCE));
        }
    }

    /** The self-healing CRF gradient, rising at 1 distance unit per round when unconstrained. */
    public static final class CrfProgram implements AggregateProgram
    {
        private final CrfGradient gradient = new CrfGradient(1.0);

        public double round(final Aggregate a)
        {
            return gradient.distanceTo(a, a.senseFlag(Sensors.SOURCE));
        }
    }

    /** G: every device learns the id of its nearest source (inf when none is reachable). */
    public static final class BroadcastProgram implements AggregateProgram
    {
        private final Broadcast broadcast = new Broadcast();

        public double round(final Aggregate a)
        {
            final boolean source = a.senseFlag(Sensors.SOURCE);
            return broadcast.broadcast(a, source, source ? a.mid() : Double.POSITIVE_INFINITY);
        }

        public boolean integerOutput()
        {
            return true;
        }
    }

    /**
     * C over the hop count: each device counts itself and the devices that collect through it, so a source ends
     * with the number of devices nearest to it.
     */
    public static final class CollectProgram implements AggregateProgram
    {
        private final HopCount hopCount = new HopCount();
        private final Collect collect = new Collect();

        public double round(final Aggregate a)
        {
            final long hops = hopCount.hops(a, a.senseFlag(Sensors.SOURCE));
            final double potential = HopCount.UNREACHED == hops ? Double.POSITIVE_INFINITY : hops;
            return collect.collect(a, potential, Double::sum, 1, 0);
        }

        public boolean integerOutput()
        {
            return true;
        }
    }

    /** The gradient written with {@code exchange} ({@link XcBlocks.Gradient}): one hop per round. */
    public static final class XcGradientProgram implements AggregateProgram
    {
        private final XcBlocks.Gradient gradient = new XcBlocks.Gradient();

        public double round(final Aggregate a)
        {
            return gradient.distanceTo(a, a.senseFlag(Sensors.SOURCE));
        }
    }

    /** {@link BroadcastProgram} written with {@code exchange} ({@link XcBlocks.Broadcast}). */
    public static final class XcBroadcastProgram implements AggregateProgram
    {
        private final XcBlocks.Broadcast broadcast = new XcBlocks.Broadcast();

        public double round(final Aggregate a)
        {
            final boolean source = a.senseFlag(Sensors.SOURCE);
            return broadcast.broadcast(a, source, source ? a.mid() : Double.POSITIVE_INFINITY);
        }

        public boolean integerOutput()
        {
            return true;
        }
    }

    /**
     * {@link CollectProgram} written with {@code exchange}: each device sends its count to its parent only
     * ({@link XcBlocks.Collect}), over the hop count.
     */
    public static final class XcCollectProgram implements AggregateProgram
    {
        private final HopCount hopCount = new HopCount();
        private final XcBlocks.Collect collect = new XcBlocks.Collect();

        public double round(final Aggregate a)
        {
            final long hops = hopCount.hops(a, a.senseFlag(Sensors.SOURCE));
            final double potential = HopCount.UNREACHED == hops ? Double.POSITIVE_INFINITY : hops;
            return collect.collect(a, potential, Double::sum, 1, 0);
        }

        public boolean integerOutput()
        {
            return true;
        }
    }

    /**
     * {@link XcGradientProgram} written with {@code share} (one hop per round, the same values): the yardstick of
     * what {@code exchange}'s per-neighbour values cost over {@code share}'s one value per device.
     */
    public static final class ShareGradientProgram implements AggregateProgram
    {
        private boolean source;
        private final Aggregate.ShareUpdate step = (a, shared) -> Aggregate.mux(source, 0.0,
            shared.zip(a.nbrRangeField(), Double::sum).minHoodPlus());

        public double round(final Aggregate a)
        {
            source = a.senseFlag(Sensors.SOURCE);
            return a.share(Double.POSITIVE_INFINITY, step);
        }
    }
}
