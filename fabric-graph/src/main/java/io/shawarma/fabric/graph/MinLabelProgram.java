package io.shawarma.fabric.graph;

import io.shawarma.udf.graph.Combiner;
import io.shawarma.udf.graph.ComputeContext;
import io.shawarma.udf.graph.Messages;
import io.shawarma.udf.graph.VertexProgram;

/**
 * Propagates the smallest long label along edges: connected components (label = own id, edges undirected: the
 * label becomes the smallest id of the weakly connected component) and BFS (label = hops from the source, +1 per
 * edge; unreached vertices keep {@link Long#MAX_VALUE}).
 */
public final class MinLabelProgram implements VertexProgram
{
    /** Unreached, for BFS. */
    public static final long UNREACHED = Long.MAX_VALUE;

    private final String name;
    private final boolean components;
    private final long source;

    private MinLabelProgram(final String name, final boolean components, final long source)
    {
        this.name = name;
        this.components = components;
        this.source = source;
    }

    /**
     * @return weakly connected components, labelled by their smallest vertex id.
     */
    public static MinLabelProgram connectedComponents()
    {
        return new MinLabelProgram("cc", true, -1);
    }

    /**
     * @param source the vertex hops are counted from.
     * @return breadth-first hop distance.
     */
    public static MinLabelProgram bfs(final long source)
    {
        return new MinLabelProgram("bfs", false, source);
    }

    public String name()
    {
        return name;
    }

    public boolean undirected()
    {
        return components;
    }

    public long initialValue(final long vertexId, final long vertexCount)
    {
        return components ? vertexId : vertexId == source ? 0 : UNREACHED;
    }

    public Combiner combiner()
    {
        return Combiner.MIN_LONG;
    }

    public void compute(final ComputeContext context, final Messages messages)
    {
        final long offered = messages.count() > 0 ? messages.get(0) : UNREACHED;
        final boolean improved = offered < context.value();
        if (improved)
        {
            context.value(offered);
        }
        final boolean starts = 0 == context.superstep() && context.value() != UNREACHED;
        if (improved || starts)
        {
            context.sendToAllEdges(components ? context.value() : context.value() + 1);
        }
        context.voteToHalt();
    }
}
