package io.shawarma.fabric.graph;

import io.shawarma.udf.graph.Combiner;
import io.shawarma.udf.graph.ComputeContext;
import io.shawarma.udf.graph.Messages;
import io.shawarma.udf.graph.VertexProgram;

/**
 * Single-source shortest paths over non-negative edge weights: a vertex takes the smallest distance offered and,
 * when it improves, offers distance + weight along its out-edges. Unreached vertices stay at +infinity.
 */
public final class SsspProgram implements VertexProgram
{
    private final long source;

    /**
     * @param source the vertex distances are measured from.
     */
    public SsspProgram(final long source)
    {
        this.source = source;
    }

    public String name()
    {
        return "sssp";
    }

    public long initialValue(final long vertexId, final long vertexCount)
    {
        return Double.doubleToRawLongBits(vertexId == source ? 0.0 : Double.POSITIVE_INFINITY);
    }

    public Combiner combiner()
    {
        return Combiner.MIN_DOUBLE;
    }

    public void compute(final ComputeContext context, final Messages messages)
    {
        final double offered = messages.count() > 0 ? messages.getDouble(0) : Double.POSITIVE_INFINITY;
        final boolean improved = offered < context.doubleValue();
        if (improved)
        {
            context.doubleValue(offered);
        }
        if (improved || (0 == context.superstep() && context.vertexId() == source))
        {
            final double distance = context.doubleValue();
            for (int edge = 0, edges = context.edgeCount(); edge < edges; edge++)
            {
                context.sendAlong(edge, Double.doubleToRawLongBits(distance + context.edgeWeight(edge)));
            }
        }
        context.voteToHalt();
    }
}
