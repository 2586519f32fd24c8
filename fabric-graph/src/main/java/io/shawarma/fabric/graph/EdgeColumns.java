package io.shawarma.fabric.graph;

import java.util.Arrays;

/**
 * The columns of an edge list being read ({@link EdgeListParser}), in chunks that double in size up to a limit
 * (small files stay small, large ones are copied once, into exactly sized arrays, at the end). Weights are stored
 * only once a line has one.
 */
final class EdgeColumns
{
    static final int MAX_EDGES = Integer.MAX_VALUE - 8;
    private static final int FIRST_CHUNK = 1 << 10;
    private static final int LARGEST_CHUNK = 1 << 20;

    private long[][] srcChunks = new long[16][];
    private long[][] dstChunks = new long[16][];
    private double[][] weightChunks;
    private int chunkCount;
    private long[] src = new long[0];
    private long[] dst = new long[0];
    private double[] weight;
    private int position;
    private int edgeCount;

    boolean isFull()
    {
        return edgeCount == MAX_EDGES;
    }

    void add(final long source, final long destination)
    {
        if (position == src.length)
        {
            nextChunk();
        }
        src[position] = source;
        dst[position] = destination;
        if (null != weight)
        {
            weight[position] = 1.0;
        }
        position++;
        edgeCount++;
    }

    void add(final long source, final long destination, final double edgeWeight)
    {
        if (position == src.length)
        {
            nextChunk();
        }
        if (null == weight)
        {
            startWeights();
        }
        src[position] = source;
        dst[position] = destination;
        weight[position] = edgeWeight;
        position++;
        edgeCount++;
    }

    EdgeList toEdgeList()
    {
        final long[] allSrc = concatenate(srcChunks);
        final long[] allDst = concatenate(dstChunks);
        final double[] allWeights = new double[edgeCount];
        if (null == weightChunks)
        {
            Arrays.fill(allWeights, 1.0);
        }
        else
        {
            int offset = 0;
            for (int c = 0; c < chunkCount; c++)
            {
                final int length = Math.min(weightChunks[c].length, edgeCount - offset);
                System.arraycopy(weightChunks[c], 0, allWeights, offset, length);
                weightChunks[c] = null;
                offset += length;
            }
        }
        return new EdgeList(allSrc, allDst, allWeights, edgeCount);
    }

    private long[] concatenate(final long[][] chunks)
    {
        final long[] all = new long[edgeCount];
        int offset = 0;
        for (int c = 0; c < chunkCount; c++)
        {
            final int length = Math.min(chunks[c].length, edgeCount - offset);
            System.arraycopy(chunks[c], 0, all, offset, length);
            chunks[c] = null;
            offset += length;
        }
        return all;
    }

    private void nextChunk()
    {
        final int size = (int)Math.min(MAX_EDGES - (long)edgeCount,
            Math.min(LARGEST_CHUNK, Math.max(FIRST_CHUNK, edgeCount)));
        if (chunkCount == srcChunks.length)
        {
            srcChunks = Arrays.copyOf(srcChunks, chunkCount * 2);
            dstChunks = Arrays.copyOf(dstChunks, chunkCount * 2);
            if (null != weightChunks)
            {
                weightChunks = Arrays.copyOf(weightChunks, chunkCount * 2);
            }
        }
        src = new long[size];
        dst = new long[size];
        srcChunks[chunkCount] = src;
        dstChunks[chunkCount] = dst;
        if (null != weightChunks)
        {
            weight = new double[size];
            weightChunks[chunkCount] = weight;
        }
        chunkCount++;
        position = 0;
    }

    /** The first weighted line: earlier edges had no weight column, so they weigh 1.0. */
    private void startWeights()
    {
        weightChunks = new double[srcChunks.length][];
        for (int c = 0; c < chunkCount; c++)
        {
            weightChunks[c] = new double[srcChunks[c].length];
            Arrays.fill(weightChunks[c], 1.0);
        }
        weight = weightChunks[chunkCount - 1];
    }
}
