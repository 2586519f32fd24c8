package io.shawarma.udf.graph;

/**
 * The messages a vertex received, as 64-bit words; a flyweight reused for every vertex.
 */
public interface Messages
{
    /**
     * @return the number of messages.
     */
    int count();

    /**
     * @param index in [0, count()).
     * @return the message as a long.
     */
    long get(int index);

    /**
     * @param index in [0, count()).
     * @return the message as a double.
     */
    default double getDouble(final int index)
    {
        return Double.longBitsToDouble(get(index));
    }
}
