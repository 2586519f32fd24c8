package io.shawarma.udf.graph;

/**
 * A vertex-centric program run in supersteps (Pregel): in every superstep each active vertex runs
 * {@link #compute} over the messages sent to it in the previous superstep; it may change its value, send messages
 * along its out-edges or to any vertex, and vote to halt. A halted vertex wakes when a message arrives. The run
 * ends when every vertex has halted and no message is in flight, or at the superstep limit.
 * <p>
 * Vertex values, messages and aggregates are 64-bit words: a {@code long}, or a {@code double} through
 * {@link Double#doubleToRawLongBits}; {@link ComputeContext} has accessors for both. Implementations are called on
 * one thread per worker and must not allocate in {@code compute}.
 */
public interface VertexProgram
{
    /**
     * @return the stable name of the program.
     */
    String name();

    /**
     * @param vertexId    of the vertex.
     * @param vertexCount number of vertices in the whole graph.
     * @return the vertex's value before superstep 0, as a 64-bit word.
     */
    long initialValue(long vertexId, long vertexCount);

    /**
     * Runs one vertex for one superstep.
     *
     * @param context  the vertex, its edges, and how to send, halt and aggregate.
     * @param messages the messages sent to it in the previous superstep (combined to at most one with a combiner).
     */
    void compute(ComputeContext context, Messages messages);

    /**
     * @return the combiner that merges messages bound for one vertex before they leave a worker, or null to keep
     * every message.
     */
    default Combiner combiner()
    {
        return null;
    }

    /**
     * @return the aggregators, indexed as in {@link ComputeContext#aggregate(int, long)}; empty for none.
     */
    default Aggregator[] aggregators()
    {
        return new Aggregator[0];
    }

    /**
     * @return true to treat every edge as undirected (each edge also runs from its destination to its source).
     */
    default boolean undirected()
    {
        return false;
    }
}
