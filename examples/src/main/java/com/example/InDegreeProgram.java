package com.example;

import io.shawarma.udf.graph.Combiner;
import io.shawarma.udf.graph.ComputeContext;
import io.shawarma.udf.graph.Messages;
import io.shawarma.udf.graph.VertexProgram;

/**
 * {@code in-degree}: each vertex's number of in-edges (duplicates counted), as a graph job's own vertex program. In
 * superstep 0 every vertex sends 1 to all its out-edges; the sum combiner adds them up on the way, so in superstep 1
 * each vertex has one message, its in-degree. Run it with
 * {@code scripts/shawarma pregel --program-class com.example.InDegreeProgram --values i64 ...}, this jar on
 * {@code SHAWARMA_CLASSPATH}.
 */
public final class InDegreeProgram implements VertexProgram
{
    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "in-degree";
    }

    /**
     * {@inheritDoc}
     */
    public long initialValue(final long vertexId, final long vertexCount)
    {
        return 0;
    }

    /**
     * {@inheritDoc}
     */
    public Combiner combiner()
    {
        return Combiner.SUM_LONG;
    }

    /**
     * {@inheritDoc}
     */
    public void compute(final ComputeContext context, final Messages messages)
    {
        if (0 == context.superstep())
        {
            context.sendToAllEdges(1);
        }
        else if (messages.count() > 0)
        {
            context.value(messages.get(0));
        }
        context.voteToHalt();
    }
}
