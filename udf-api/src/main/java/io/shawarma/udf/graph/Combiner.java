package io.shawarma.udf.graph;

/**
 * Merges two messages bound for the same vertex into one. Must be commutative and associative.
 */
@FunctionalInterface
public interface Combiner
{
    /**
     * @param a a message, as a 64-bit word.
     * @param b another message.
     * @return their combination.
     */
    long combine(long a, long b);

    /** Sum of doubles. */
    Combiner SUM_DOUBLE = (a, b) -> Double.doubleToRawLongBits(Double.longBitsToDouble(a) + Double.longBitsToDouble(b));
    /** Minimum of doubles. */
    Combiner MIN_DOUBLE = (a, b) -> Double.longBitsToDouble(a) <= Double.longBitsToDouble(b) ? a : b;
    /** Maximum of doubles. */
    Combiner MAX_DOUBLE = (a, b) -> Double.longBitsToDouble(a) >= Double.longBitsToDouble(b) ? a : b;
    /** Sum of longs. */
    Combiner SUM_LONG = Long::sum;
    /** Minimum of longs. */
    Combiner MIN_LONG = Math::min;
    /** Maximum of longs. */
    Combiner MAX_LONG = Math::max;
}
