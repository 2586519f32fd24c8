package io.shawarma.fabric.graph;

import io.shawarma.udf.graph.Aggregator;
import io.shawarma.udf.graph.Combiner;
import io.shawarma.udf.graph.ComputeContext;
import io.shawarma.udf.graph.Messages;
import io.shawarma.udf.graph.VertexProgram;

/**
 * PageRank as networkx defines it: ranks start at 1/N; each iteration a vertex's rank becomes
 * (1 - d)/N + d * (the rank its in-neighbours send, each rank / out-degree per out-edge, duplicates counted) +
 * d * (the rank of all dangling vertices)/N; ranks sum to 1. Stops after {@code iterations} iterations or when the
 * L1 change of an iteration is below N * tolerance (networkx's test), whichever comes first.
 */
public final class PageRankProgram implements VertexProgram
{
    private static final int DANGLING = 0;
    private static final int CHANGE = 1;

    private final double damping;
    private final int iterations;
    private final double tolerance;

    /**
     * @param damping    d, in [0, 1].
     * @param iterations most iterations.
     * @param tolerance  stop when the L1 change is below N * tolerance; 0 to always run every iteration.
     */
    public PageRankProgram(final double damping, final int iterations, final double tolerance)
    {
        this.damping = damping;
        this.iterations = iterations;
        this.tolerance = tolerance;
    }

    public String name()
    {
        return "pagerank";
    }

    public long initialValue(final long vertexId, final long vertexCount)
    {
        return Double.doubleToRawLongBits(1.0 / vertexCount);
    }

    public Combiner combiner()
    {
        return Combiner.SUM_DOUBLE;
    }

    public Aggregator[] aggregators()
    {
        return new Aggregator[]{ Aggregator.sumDouble(), Aggregator.sumDouble() };
    }

    public void compute(final ComputeContext context, final Messages messages)
    {
        final long superstep = context.superstep();
        final double n = context.vertexCount();
        if (superstep > 0)
        {
            // The superstep test second: without a tolerance the first is always false, and a branch that takes the
            // same way in every superstep keeps the JIT's compiled loop (no recompiling in superstep 2).
            if (Double.longBitsToDouble(context.aggregated(CHANGE)) < n * tolerance && superstep > 1)
            {
                // The previous iteration converged: keep its ranks.
                context.voteToHalt();
                return;
            }
            final double incoming = messages.count() > 0 ? messages.getDouble(0) : 0.0;
            final double dangling = Double.longBitsToDouble(context.aggregated(DANGLING));
            final double rank = (1.0 - damping) / n + damping * (incoming + dangling / n);
            context.aggregate(CHANGE, Double.doubleToRawLongBits(Math.abs(rank - context.doubleValue())));
            context.doubleValue(rank);
        }
        if (superstep == iterations)
        {
            context.voteToHalt();
            return;
        }

        final int edges = context.edgeCount();
        if (0 == edges)
        {
            context.aggregate(DANGLING, context.value());
            return;
        }
        context.sendToAllEdges(Double.doubleToRawLongBits(context.doubleValue() / edges));
    }
}
