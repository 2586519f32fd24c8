package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.graph.GraphPartition;

import java.util.Arrays;

/**
 * Who neighbours whom, for one worker's devices. Rows {@code [0, localCount)} are this worker's devices (in the
 * partition's local order); rows from {@code localCount} on are remote neighbours, whose exports arrive over the
 * wire. Neighbours are the partition's undirected edges, each once, without self-loops, in edge-list order (the
 * same order on every worker, so rounds fold neighbours in the same order however the devices are spread); the
 * neighbour range ({@code nbrRange}) is the edge's weight.
 */
final class Neighbourhood
{
    final int localCount;
    final int rowCount;
    final int maxDegree;
    /** Device id of each row. */
    final long[] deviceIds;
    /** Dense graph index of each row (its position in the sorted id list), which is how the wire names devices. */
    final int[] graphIndex;
    /** Row of each graph index, or -1 when the device is neither this worker's nor a neighbour of it. */
    final int[] rowOfGraphIndex;
    final int[] offsets;
    final int[] neighbourRows;
    final double[] ranges;
    /** Worker slot of each row's owner (this worker's slot for rows below {@link #localCount}). */
    final int[] ownerSlot;
    /** Per worker slot: this worker's rows that have a neighbour there (empty for this worker's own slot). */
    final int[][] boundaryRows;
    /** How many of this worker's rows have a neighbour on another worker. */
    final int boundaryCount;
    private final boolean[] boundary;

    Neighbourhood(final GraphPartition partition, final int workerCount)
    {
        localCount = partition.localCount();
        final int vertexCount = partition.vertexCount();
        rowOfGraphIndex = new int[vertexCount];
        Arrays.fill(rowOfGraphIndex, -1);
        for (int row = 0; row < localCount; row++)
        {
            rowOfGraphIndex[partition.localVertices[row]] = row;
        }

        final int edgeSlots = partition.edgeOffsets[localCount];
        offsets = new int[localCount + 1];
        final int[] rows = new int[edgeSlots];
        final double[] edgeRanges = new double[edgeSlots];
        final int[] seenBy = new int[vertexCount];
        Arrays.fill(seenBy, -1);
        final boolean[][] onBoundary = new boolean[workerCount][localCount];
        final int[] boundaryCounts = new int[workerCount];
        int ghosts = 0;
        int count = 0;
        int widest = 0;
        int[] ghostIndex = new int[16];
        for (int row = 0; row < localCount; row++)
        {
            final int self = partition.localVertices[row];
            for (int e = partition.edgeOffsets[row]; e < partition.edgeOffsets[row + 1]; e++)
            {
                final int target = partition.edgeTargets[e];
                if (target == self || seenBy[target] == row)
                {
                    continue;
                }
                seenBy[target] = row;
                if (rowOfGraphIndex[target] < 0)
                {
                    if (ghosts == ghostIndex.length)
                    {
                        ghostIndex = Arrays.copyOf(ghostIndex, ghosts * 2);
                    }
                    ghostIndex[ghosts] = target;
                    rowOfGraphIndex[target] = localCount + ghosts++;
                }
                final int owner = partition.ownerSlot[target];
                if (owner != partition.slot && !onBoundary[owner][row])
                {
                    onBoundary[owner][row] = true;
                    boundaryCounts[owner]++;
                }
                rows[count] = rowOfGraphIndex[target];
                edgeRanges[count++] = partition.edgeWeights[e];
            }
            offsets[row + 1] = count;
            widest = Math.max(widest, count - offsets[row]);
        }
        maxDegree = widest;
        neighbourRows = Arrays.copyOf(rows, count);
        ranges = Arrays.copyOf(edgeRanges, count);
        rowCount = localCount + ghosts;
        graphIndex = new int[rowCount];
        deviceIds = new long[rowCount];
        ownerSlot = new int[rowCount];
        for (int row = 0; row < rowCount; row++)
        {
            graphIndex[row] = row < localCount ? partition.localVertices[row] : ghostIndex[row - localCount];
            deviceIds[row] = partition.vertexIds[graphIndex[row]];
            ownerSlot[row] = partition.ownerSlot[graphIndex[row]];
        }
        boundary = new boolean[localCount];
        int boundaries = 0;
        for (int row = 0; row < localCount; row++)
        {
            for (int peer = 0; peer < workerCount && !boundary[row]; peer++)
            {
                boundary[row] = onBoundary[peer][row];
            }
            boundaries += boundary[row] ? 1 : 0;
        }
        boundaryCount = boundaries;
        boundaryRows = new int[workerCount][];
        for (int peer = 0; peer < workerCount; peer++)
        {
            boundaryRows[peer] = new int[boundaryCounts[peer]];
            for (int row = 0, i = 0; row < localCount; row++)
            {
                if (onBoundary[peer][row])
                {
                    boundaryRows[peer][i++] = row;
                }
            }
        }
    }

    /**
     * @return whether one of this worker's rows has a neighbour on another worker.
     */
    boolean isBoundary(final int row)
    {
        return boundary[row];
    }

    /**
     * @return the row of a device id, or -1 when it is not one of this worker's devices or their neighbours.
     */
    int rowOf(final long deviceId, final long[] sortedDeviceIds)
    {
        final int index = Arrays.binarySearch(sortedDeviceIds, deviceId);
        return index < 0 ? -1 : rowOfGraphIndex[index];
    }
}
