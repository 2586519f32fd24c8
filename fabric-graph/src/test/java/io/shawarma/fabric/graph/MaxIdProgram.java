package io.shawarma.fabric.graph;

import io.shawarma.udf.graph.ComputeContext;
import io.shawarma.udf.graph.Messages;
import io.shawarma.udf.graph.VertexProgram;

/**
 * A user's own vertex program, as {@code pregel --program-class} runs it: labels each weakly connected component
 * with its largest vertex id (the mirror of {@code cc}, so its answers are known).
 */
public final class MaxIdProgram implements VertexProgram
{
    public String name()
    {
        return "max-id";
    }

    public boolean undirected()
    {
        return true;
    }

    public long initialValue(final long vertexId, final long vertexCount)
    {
        return vertexId;
    }

    public void compute(final ComputeContext context, final Messages messages)
    {
        long largest = context.value();
        for (int i = 0; i < messages.count(); i++)
        {
            largest = Math.max(largest, messages.get(i));
        }
        if (largest > context.value() || 0 == context.superstep())
        {
            context.value(largest);
            context.sendToAllEdges(largest);
        }
        context.voteToHalt();
    }
}
