package io.shawarma.udf.graph;

/**
 * A global value per superstep: every vertex may contribute in superstep s; the combination over all vertices of
 * all workers is visible to every vertex in superstep s + 1.
 */
public interface Aggregator
{
    /**
     * @return the value that changes nothing when aggregated (0 for a sum, +inf for a minimum, ...).
     */
    long identity();

    /**
     * @param a an aggregate, as a 64-bit word.
     * @param b another.
     * @return their combination; commutative and associative.
     */
    long aggregate(long a, long b);

    /**
     * @param identity of the aggregator.
     * @param combiner its operation.
     * @return an aggregator from an identity and an operation (user-defined aggregators included).
     */
    static Aggregator of(final long identity, final Combiner combiner)
    {
        return new Aggregator()
        {
            public long identity()
            {
                return identity;
            }

            public long aggregate(final long a, final long b)
            {
                return combiner.combine(a, b);
            }
        };
    }

    /** @return a sum of doubles. */
    static Aggregator sumDouble()
    {
        return of(Double.doubleToRawLongBits(0.0), Combiner.SUM_DOUBLE);
    }

    /** @return a minimum of doubles. */
    static Aggregator minDouble()
    {
        return of(Double.doubleToRawLongBits(Double.POSITIVE_INFINITY), Combiner.MIN_DOUBLE);
    }

    /** @return a maximum of doubles. */
    static Aggregator maxDouble()
    {
        return of(Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY), Combiner.MAX_DOUBLE);
    }

    /** @return a count (a sum of longs: aggregate 1 per vertex counted). */
    static Aggregator count()
    {
        return of(0, Combiner.SUM_LONG);
    }
}
