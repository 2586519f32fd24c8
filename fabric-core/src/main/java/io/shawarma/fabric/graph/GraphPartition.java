package io.shawarma.fabric.graph;

import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.Placement;

/**
 * One worker's share of a graph: the vertices the placement gives it, in id order, with their out-edges in CSR
 * form (offsets into primitive arrays of target and weight). Every worker derives the same owner and local index
 * for every vertex of the graph, so messages travel by the receiver's local index. Public for the aggregate
 * layer, which partitions its devices the same way.
 */
public final class GraphPartition
{
    public final long[] vertexIds;
    public final int[] ownerSlot;
    public final int[] localIndex;
    public final int[] localCountBySlot;
    public final int slot;
    public final int[] localVertices;
    public final int[] edgeOffsets;
    public final int[] edgeTargets;
    public final double[] edgeWeights;
    final int[] edgeTargetSlots;
    final int[] edgeTargetLocals;

    /**
     * @param graph      the whole graph.
     * @param members    the workers sharing it.
     * @param workerId   this worker.
     * @param undirected add every edge in both directions.
     */
    public GraphPartition(
        final EdgeList graph, final FabricMembers members, final int workerId, final boolean undirected)
    {
        this(graph, members, workerId, undirected, new Placement(members, 1));
    }

    /**
     * @param graph      the whole graph.
     * @param members    the workers sharing it.
     * @param workerId   this worker.
     * @param undirected add every edge in both directions.
     * @param placement  which worker owns which vertex (the same on every worker).
     */
    public GraphPartition(
        final EdgeList graph, final FabricMembers members, final int workerId, final boolean undirected,
        final Placement placement)
    {
        vertexIds = graph.vertexIds();
        final int vertexCount = vertexIds.length;
        final int[] slotOfWorker = new int[members.size()];
        int mySlot = -1;
        for (int i = 0; i < members.size(); i++)
        {
            slotOfWorker[i] = members.idAt(i);
            if (members.idAt(i) == workerId)
            {
                mySlot = i;
            }
        }
        if (mySlot < 0)
        {
            throw new IllegalArgumentException("worker " + workerId + " is not in " + members);
        }
        slot = mySlot;

        ownerSlot = new int[vertexCount];
        localIndex = new int[vertexCount];
        localCountBySlot = new int[members.size()];
        for (int v = 0; v < vertexCount; v++)
        {
            final int owner = slotOf(slotOfWorker, placement.ownerOf(vertexIds[v]));
            ownerSlot[v] = owner;
            localIndex[v] = localCountBySlot[owner]++;
        }

        localVertices = new int[localCountBySlot[slot]];
        for (int v = 0, i = 0; v < vertexCount; v++)
        {
            if (ownerSlot[v] == slot)
            {
                localVertices[i++] = v;
            }
        }

        final int edgeCount = graph.edgeCount();
        edgeOffsets = new int[localVertices.length + 1];
        final int[] sourceIndex = graph.indexesOf(graph.src());
        final int[] targetIndex = graph.indexesOf(graph.dst());
        for (int e = 0; e < edgeCount; e++)
        {
            countEdge(sourceIndex[e]);
            if (undirected)
            {
                countEdge(targetIndex[e]);
            }
        }
        for (int i = 0; i < localVertices.length; i++)
        {
            edgeOffsets[i + 1] += edgeOffsets[i];
        }
        edgeTargets = new int[edgeOffsets[localVertices.length]];
        edgeWeights = new double[edgeTargets.length];
        edgeTargetSlots = new int[edgeTargets.length];
        edgeTargetLocals = new int[edgeTargets.length];
        final int[] fill = new int[localVertices.length];
        for (int e = 0; e < edgeCount; e++)
        {
            placeEdge(fill, sourceIndex[e], targetIndex[e], graph.weight()[e]);
            if (undirected)
            {
                placeEdge(fill, targetIndex[e], sourceIndex[e], graph.weight()[e]);
            }
        }
    }

    /**
     * @return the number of vertices in the whole graph.
     */
    public int vertexCount()
    {
        return vertexIds.length;
    }

    /**
     * @return the number of vertices this worker owns.
     */
    public int localCount()
    {
        return localVertices.length;
    }

    private void countEdge(final int source)
    {
        if (ownerSlot[source] == slot)
        {
            edgeOffsets[localIndex[source] + 1]++;
        }
    }

    private void placeEdge(final int[] fill, final int source, final int target, final double weight)
    {
        if (ownerSlot[source] == slot)
        {
            final int local = localIndex[source];
            final int position = edgeOffsets[local] + fill[local]++;
            edgeTargets[position] = target;
            edgeWeights[position] = weight;
            // Where a message along this edge goes, resolved once instead of per message.
            edgeTargetSlots[position] = ownerSlot[target];
            edgeTargetLocals[position] = localIndex[target];
        }
    }

    private static int slotOf(final int[] slotOfWorker, final int workerId)
    {
        for (int i = 0; i < slotOfWorker.length; i++)
        {
            if (slotOfWorker[i] == workerId)
            {
                return i;
            }
        }
        throw new IllegalStateException("placement named unknown worker " + workerId);
    }
}
