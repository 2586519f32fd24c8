package io.shawarma.fabric.graph;

import io.shawarma.fabric.Configuration;

/**
 * The graph jobs' property names and defaults ({@code shawarma pagerank|sssp|cc|bfs|pregel}); each property is also the
 * option after the prefix, with dashes ({@link #MAX_SUPERSTEPS_PROP} is {@code --max-supersteps}), which wins over
 * it. Read like every other property ({@link Configuration}).
 */
public final class GraphConfiguration
{
    /** The prefix of the graph jobs' properties. */
    public static final String PREFIX = "shawarma.graph.";

    /** The SNAP-style edge list to read. */
    public static final String EDGES_PROP = "shawarma.graph.edges";

    /** The file to write, one {@code vertexId<TAB>value} line per vertex. */
    public static final String OUT_PROP = "shawarma.graph.out";

    /** A running fabric to put the results into, one vertex per graph vertex (its value the result's 8 bytes). */
    public static final String INTO_PROP = "shawarma.graph.into";

    /** The {@code pregel} command's {@code VertexProgram}, a class on {@code SHAWARMA_CLASSPATH}. */
    public static final String PROGRAM_CLASS_PROP = "shawarma.graph.program.class";

    /** How the {@code pregel} command prints its program's values: {@code i64} or {@code f64}. */
    public static final String VALUES_PROP = "shawarma.graph.values";
    public static final String VALUES_DEFAULT = "i64";

    /** Worker processes on this machine, the launcher's included. */
    public static final String WORKERS_PROP = "shawarma.graph.workers";
    public static final int WORKERS_DEFAULT = 2;

    /**
     * How the workers on this machine run: {@code threads} of one process (the default: one JIT, one copy of the
     * graph, shared memory between them) or {@code processes}, a JVM each.
     */
    public static final String WORKERS_AS_PROP = "shawarma.graph.workers.as";
    public static final String WORKERS_AS_THREADS = "threads";
    public static final String WORKERS_AS_PROCESSES = "processes";

    /** PageRank iterations; default 100 with a tolerance, else 20. */
    public static final String ITERATIONS_PROP = "shawarma.graph.iterations";

    /** Stop PageRank when the L1 change is below N times this; 0 for a fixed number of iterations. */
    public static final String TOLERANCE_PROP = "shawarma.graph.tolerance";

    /** PageRank's damping factor. */
    public static final String DAMPING_PROP = "shawarma.graph.damping";
    public static final double DAMPING_DEFAULT = 0.85;

    /** The source vertex of SSSP and BFS. */
    public static final String SOURCE_PROP = "shawarma.graph.source";

    /** Any program stops after this many supersteps. */
    public static final String MAX_SUPERSTEPS_PROP = "shawarma.graph.max.supersteps";
    public static final long MAX_SUPERSTEPS_DEFAULT = 1_000_000;

    private GraphConfiguration()
    {
    }
}
