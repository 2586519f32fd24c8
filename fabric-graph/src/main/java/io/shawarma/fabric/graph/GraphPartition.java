package io.shawarma.fabric.graph;

import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.Ownership;
import io.shawarma.fabric.Placement;

import java.util.Arrays;

/**
 * One worker's share of a graph: the vertices the placement gives it, in id order, with their out-edges in CSR
 * form (offsets into primitive arrays of target and weight). Every worker derives the same owner and local index
 * for every vertex of the graph, so messages travel by the receiver's local index. Public for the aggregate
 * layer, which partitions its devices the same way.
 * <p>
 * For messages sent to all out-edges at once ({@link Broadcasts}) it also keeps the in-edges of its vertices, split
 * in two CSRs: from the vertices whose values this worker reads in memory (its own, and every worker's when the
 * workers are threads of one process; sources by vertex index in the whole graph) and from the vertices of workers
 * that ship their values (sources by index in the mirror space, where peer p's vertices that have an edge into this
 * worker take {@code [mirrorBase[p], mirrorBase[p] + mirrorCount[p])} in id order), and for each such peer the list
 * of its own vertices with an edge into that peer, in id order: the order the peer numbers them in its mirror space.
 * Rows of both in-edge CSRs list their sources in id order, so a gather reads the values forwards.
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
    final int[] verticesWithEdgesBySlot;
    final boolean sharesMemory;
    final int[] sharedInOffsets;
    final int[] sharedInSources;
    final int[] remoteInOffsets;
    final int[] remoteInSources;
    final int[] mirrorBase;
    final int[] mirrorCount;
    final int[][] mirrorsTo;

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
        final Ownership placement)
    {
        this(graph, members, workerId, placement, new SourceRows(graph, undirected), false);
    }

    /**
     * @param graph        the whole graph.
     * @param members      the workers sharing it.
     * @param workerId     this worker.
     * @param placement    which worker owns which vertex (the same on every worker).
     * @param rows         the graph's edges by source, each undirected edge both ways when the program wants that.
     * @param sharesMemory whether the workers are threads of one process that read each other's values in memory.
     */
    GraphPartition(
        final EdgeList graph, final FabricMembers members, final int workerId, final Ownership placement,
        final SourceRows rows, final boolean sharesMemory)
    {
        this.sharesMemory = sharesMemory;
        vertexIds = graph.vertexIds();
        final int vertexCount = vertexIds.length;
        final int workers = members.size();
        final int[] slotOfWorker = new int[workers];
        int mySlot = -1;
        for (int i = 0; i < workers; i++)
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
        localCountBySlot = new int[workers];
        for (int v = 0; v < vertexCount; v++)
        {
            final int owner = slotOf(slotOfWorker, placement.ownerOf(vertexIds[v]));
            ownerSlot[v] = owner;
            localIndex[v] = localCountBySlot[owner]++;
        }

        final int localCount = localCountBySlot[slot];
        localVertices = new int[localCount];
        for (int v = 0, i = 0; v < vertexCount; v++)
        {
            if (ownerSlot[v] == slot)
            {
                localVertices[i++] = v;
            }
        }

        edgeOffsets = new int[localCount + 1];
        verticesWithEdgesBySlot = new int[workers];
        sharedInOffsets = new int[localCount + 1];
        remoteInOffsets = new int[localCount + 1];
        final int[] mirrorIndex = new int[vertexCount];
        Arrays.fill(mirrorIndex, -1);
        final boolean[][] linksTo = new boolean[workers][];
        for (int p = 0; p < workers; p++)
        {
            linksTo[p] = p == slot ? null : new boolean[localCount];
        }
        for (int source = 0; source < vertexCount; source++)
        {
            final int sourceOwner = ownerSlot[source];
            final int sourceLocal = localIndex[source];
            final boolean readInMemory = sharesMemory || sourceOwner == slot;
            verticesWithEdgesBySlot[sourceOwner] += rows.starts[source + 1] > rows.starts[source] ? 1 : 0;
            if (sourceOwner == slot)
            {
                edgeOffsets[sourceLocal + 1] = rows.starts[source + 1] - rows.starts[source];
            }
            for (int i = rows.starts[source], end = rows.starts[source + 1]; i < end; i++)
            {
                final int target = rows.targets[i];
                final int targetOwner = ownerSlot[target];
                if (targetOwner == slot)
                {
                    if (readInMemory)
                    {
                        sharedInOffsets[localIndex[target] + 1]++;
                    }
                    else
                    {
                        remoteInOffsets[localIndex[target] + 1]++;
                        mirrorIndex[source] = 0;
                    }
                }
                else if (sourceOwner == slot && !sharesMemory)
                {
                    linksTo[targetOwner][sourceLocal] = true;
                }
            }
        }
        for (int i = 0; i < localCount; i++)
        {
            edgeOffsets[i + 1] += edgeOffsets[i];
            sharedInOffsets[i + 1] += sharedInOffsets[i];
            remoteInOffsets[i + 1] += remoteInOffsets[i];
        }

        mirrorCount = new int[workers];
        for (int v = 0; v < vertexCount; v++)
        {
            if (mirrorIndex[v] >= 0)
            {
                mirrorIndex[v] = mirrorCount[ownerSlot[v]]++;
            }
        }
        mirrorBase = new int[workers + 1];
        mirrorsTo = new int[workers][];
        for (int p = 0; p < workers; p++)
        {
            mirrorBase[p + 1] = mirrorBase[p] + mirrorCount[p];
            mirrorsTo[p] = p == slot || sharesMemory ? new int[0] : trueIndexes(linksTo[p]);
        }

        edgeTargets = new int[edgeOffsets[localCount]];
        edgeWeights = new double[edgeTargets.length];
        edgeTargetSlots = new int[edgeTargets.length];
        edgeTargetLocals = new int[edgeTargets.length];
        sharedInSources = new int[sharedInOffsets[localCount]];
        remoteInSources = new int[remoteInOffsets[localCount]];
        final int[] sharedInFill = Arrays.copyOf(sharedInOffsets, localCount);
        final int[] remoteInFill = Arrays.copyOf(remoteInOffsets, localCount);
        for (int source = 0; source < vertexCount; source++)
        {
            final int sourceOwner = ownerSlot[source];
            final int rowStart = rows.starts[source];
            final int rowEnd = rows.starts[source + 1];
            if (sourceOwner == slot)
            {
                for (int i = rowStart, position = edgeOffsets[localIndex[source]]; i < rowEnd; i++, position++)
                {
                    final int target = rows.targets[i];
                    edgeTargets[position] = target;
                    edgeWeights[position] = rows.weight(i);
                    // Where a message along this edge goes, resolved once instead of per message.
                    edgeTargetSlots[position] = ownerSlot[target];
                    edgeTargetLocals[position] = localIndex[target];
                }
            }
            for (int i = rowStart; i < rowEnd; i++)
            {
                final int target = rows.targets[i];
                if (ownerSlot[target] == slot)
                {
                    final int local = localIndex[target];
                    if (sharesMemory || sourceOwner == slot)
                    {
                        sharedInSources[sharedInFill[local]++] = source;
                    }
                    else
                    {
                        remoteInSources[remoteInFill[local]++] = mirrorBase[sourceOwner] + mirrorIndex[source];
                    }
                }
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

    /**
     * @return the number of out-edges of this worker's vertices.
     */
    int edgeCount()
    {
        return edgeTargets.length;
    }

    private static int[] trueIndexes(final boolean[] flags)
    {
        int count = 0;
        for (final boolean flag : flags)
        {
            count += flag ? 1 : 0;
        }
        final int[] indexes = new int[count];
        for (int i = 0, j = 0; i < flags.length; i++)
        {
            if (flags[i])
            {
                indexes[j++] = i;
            }
        }
        return indexes;
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
