package io.shawarma.udf.graph;

/**
 * What {@link VertexProgram#compute} sees of its vertex and the run; a flyweight reused for every vertex.
 */
public interface ComputeContext
{
    /** @return the current superstep, from 0. */
    long superstep();

    /** @return the number of vertices in the whole graph. */
    long vertexCount();

    /** @return the vertex's id. */
    long vertexId();

    /** @return the vertex's value as a long. */
    long value();

    /** @param value the vertex's new value as a long. */
    void value(long value);

    /** @return the vertex's value as a double. */
    default double doubleValue()
    {
        return Double.longBitsToDouble(value());
    }

    /** @param value the vertex's new value as a double. */
    default void doubleValue(final double value)
    {
        value(Double.doubleToRawLongBits(value));
    }

    /** @return the number of out-edges (with {@link VertexProgram#undirected()}, edges in both directions). */
    int edgeCount();

    /** @param edge in [0, edgeCount()). @return the id of the vertex the edge leads to. */
    long edgeTarget(int edge);

    /** @param edge in [0, edgeCount()). @return the edge's weight (1.0 when the input had none). */
    double edgeWeight(int edge);

    /**
     * Sends a message along an out-edge, for the next superstep.
     *
     * @param edge    in [0, edgeCount()).
     * @param message as a 64-bit word.
     */
    void sendAlong(int edge, long message);

    /**
     * Sends the same message along every out-edge, for the next superstep: what {@link #sendAlong} for each edge
     * would send. With a {@link VertexProgram#combiner()} the engine ships one value per sending vertex instead of
     * one message per edge, and each receiver combines the values of its in-neighbours (a pull), so this is the
     * fast way for programs where most vertices send to all their neighbours (PageRank, label propagation).
     *
     * @param message as a 64-bit word.
     */
    default void sendToAllEdges(final long message)
    {
        for (int edge = 0, edges = edgeCount(); edge < edges; edge++)
        {
            sendAlong(edge, message);
        }
    }

    /**
     * Sends a message to any vertex, for the next superstep.
     *
     * @param vertexId of the receiver; unknown ids are counted and dropped.
     * @param message  as a 64-bit word.
     */
    void send(long vertexId, long message);

    /** Halts this vertex until a message arrives. */
    void voteToHalt();

    /**
     * Contributes to an aggregator for this superstep.
     *
     * @param aggregator index in {@link VertexProgram#aggregators()}.
     * @param value      as a 64-bit word.
     */
    void aggregate(int aggregator, long value);

    /**
     * @param aggregator index in {@link VertexProgram#aggregators()}.
     * @return the aggregator's global value over the previous superstep (its identity in superstep 0).
     */
    long aggregated(int aggregator);
}
