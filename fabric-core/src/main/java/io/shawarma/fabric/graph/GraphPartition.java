package io.shawarma.fabric.graph;

import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.Placement;

import java.util.Arrays;

/**
 * One worker's share of a graph: the vertices the placement gives it, in id order, with their out-edges in CSR
 * form (offsets into primitive arrays of target and weight). Every worker derives the same owner and local index
 * for every vertex of the graph, so messages travel by the receiver's local index.
 * <p>
 * For messages sent to all out-edges at once ({@link Broadcasts}) it also keeps the in-edges of its vertices, split
 * in two CSRs: from its own vertices (sources by local index) and from other workers' vertices (sources by index
 * in the mirror space, where peer p's vertices that have an edge into this worker take
 * {@code [mirrorBase[p], mirrorBase[p] + mirrorCount[p])} in id order), and for each peer the list of its own
 * vertices with an edge into that peer, in id order: the order the peer numbers them in its mirror space. Rows of
 * both in-edge CSRs list their sources in id order, so a gather reads the values forwards.
 */
final class GraphPartition
{
    final long[] vertexIds;
    final int[] ownerSlot;
    final int[] localIndex;
    final int[] localCountBySlot;
    final int slot;
    final int[] localVertices;
    final int[] edgeOffsets;
    final int[] edgeTargets;
    final double[] edgeWeights;
    final int[] edgeTargetSlots;
    final int[] edgeTargetLocals;
    final int verticesWithEdges;
    final int[] localInOffsets;
    final int[] localInSources;
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
    GraphPartition(final EdgeList graph, final FabricMembers members, final int workerId, final boolean undirected)
    {
        vertexIds = graph.vertexIds();
        final int vertexCount = vertexIds.length;
        final int workers = members.size();
        final Placement placement = new Placement(members, 1);
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

        // The directed edges (each undirected edge twice), visited in source order, stable.
        final int[] sources = graph.indexesOf(graph.src());
        final int[] targets = graph.indexesOf(graph.dst());
        final int[] from = undirected ? concat(sources, targets) : sources;
        final int[] to = undirected ? concat(targets, sources) : targets;
        final int[] bySource = orderBy(from, vertexCount);
        final double[] weights = graph.weight();

        edgeOffsets = new int[localCount + 1];
        localInOffsets = new int[localCount + 1];
        remoteInOffsets = new int[localCount + 1];
        final int[] mirrorIndex = new int[vertexCount];
        Arrays.fill(mirrorIndex, -1);
        final boolean[][] linksTo = new boolean[workers][];
        for (int p = 0; p < workers; p++)
        {
            linksTo[p] = p == slot ? null : new boolean[localCount];
        }
        for (int e = 0; e < from.length; e++)
        {
            final int source = from[e];
            final int target = to[e];
            final int sourceOwner = ownerSlot[source];
            final int targetOwner = ownerSlot[target];
            if (sourceOwner == slot)
            {
                edgeOffsets[localIndex[source] + 1]++;
                if (targetOwner != slot)
                {
                    linksTo[targetOwner][localIndex[source]] = true;
                }
            }
            if (targetOwner == slot)
            {
                if (sourceOwner == slot)
                {
                    localInOffsets[localIndex[target] + 1]++;
                }
                else
                {
                    remoteInOffsets[localIndex[target] + 1]++;
                    mirrorIndex[source] = 0;
                }
            }
        }
        int withEdges = 0;
        for (int i = 0; i < localCount; i++)
        {
            withEdges += edgeOffsets[i + 1] > 0 ? 1 : 0;
            edgeOffsets[i + 1] += edgeOffsets[i];
            localInOffsets[i + 1] += localInOffsets[i];
            remoteInOffsets[i + 1] += remoteInOffsets[i];
        }
        verticesWithEdges = withEdges;

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
            mirrorsTo[p] = p == slot ? new int[0] : trueIndexes(linksTo[p]);
        }

        edgeTargets = new int[edgeOffsets[localCount]];
        edgeWeights = new double[edgeTargets.length];
        edgeTargetSlots = new int[edgeTargets.length];
        edgeTargetLocals = new int[edgeTargets.length];
        localInSources = new int[localInOffsets[localCount]];
        remoteInSources = new int[remoteInOffsets[localCount]];
        final int[] outFill = Arrays.copyOf(edgeOffsets, localCount);
        final int[] localInFill = Arrays.copyOf(localInOffsets, localCount);
        final int[] remoteInFill = Arrays.copyOf(remoteInOffsets, localCount);
        for (final int e : bySource)
        {
            final int source = from[e];
            final int target = to[e];
            if (ownerSlot[source] == slot)
            {
                final int position = outFill[localIndex[source]]++;
                edgeTargets[position] = target;
                edgeWeights[position] = weights[e < weights.length ? e : e - weights.length];
                // Where a message along this edge goes, resolved once instead of per message.
                edgeTargetSlots[position] = ownerSlot[target];
                edgeTargetLocals[position] = localIndex[target];
            }
            if (ownerSlot[target] == slot)
            {
                if (ownerSlot[source] == slot)
                {
                    localInSources[localInFill[localIndex[target]]++] = localIndex[source];
                }
                else
                {
                    remoteInSources[remoteInFill[localIndex[target]]++] =
                        mirrorBase[ownerSlot[source]] + mirrorIndex[source];
                }
            }
        }
    }

    /**
     * @return the number of vertices in the whole graph.
     */
    int vertexCount()
    {
        return vertexIds.length;
    }

    /**
     * @return the number of vertices this worker owns.
     */
    int localCount()
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

    private static int[] concat(final int[] first, final int[] second)
    {
        final int[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /**
     * @return the indexes of {@code keys} sorted by key, equal keys in index order (a counting sort).
     */
    private static int[] orderBy(final int[] keys, final int keyCount)
    {
        final int[] starts = new int[keyCount + 1];
        for (final int key : keys)
        {
            starts[key + 1]++;
        }
        for (int k = 0; k < keyCount; k++)
        {
            starts[k + 1] += starts[k];
        }
        final int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++)
        {
            order[starts[keys[i]]++] = i;
        }
        return order;
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
