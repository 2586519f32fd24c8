package io.shawarma.fabric.graph;

/**
 * What the workers of a job share when they are threads of one process: the graph's edges by source, grouped once
 * for all of them, and the values their vertices send to all out-edges, which each reads from the others' memory
 * instead of shipping them.
 */
final class SharedGraph
{
    final SourceRows rows;
    final boolean undirected;
    final BroadcastValues broadcasts;

    /**
     * @param graph      the whole graph.
     * @param workers    the worker threads of the job.
     * @param undirected whether the program wants every edge in both directions.
     */
    SharedGraph(final EdgeList graph, final int workers, final boolean undirected)
    {
        this.undirected = undirected;
        rows = new SourceRows(graph, undirected);
        broadcasts = new BroadcastValues(graph.vertexCount(), workers);
    }
}
