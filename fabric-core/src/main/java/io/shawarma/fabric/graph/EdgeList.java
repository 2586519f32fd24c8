package io.shawarma.fabric.graph;

import java.util.Arrays;

/**
 * A directed multigraph as primitive arrays: edge i runs from {@code src[i]} to {@code dst[i]} with
 * {@code weight[i]} (1.0 when the input had no weight column). Every vertex named by an edge exists.
 */
public final class EdgeList
{
    private final long[] src;
    private final long[] dst;
    private final double[] weight;
    private final int edgeCount;
    private final long[] vertexIds;

    /**
     * @param src       sources, at least {@code edgeCount} long.
     * @param dst       destinations.
     * @param weight    weights.
     * @param edgeCount number of edges.
     */
    public EdgeList(final long[] src, final long[] dst, final double[] weight, final int edgeCount)
    {
        this.src = src;
        this.dst = dst;
        this.weight = weight;
        this.edgeCount = edgeCount;
        final long[] ids = new long[2 * edgeCount];
        System.arraycopy(src, 0, ids, 0, edgeCount);
        System.arraycopy(dst, 0, ids, edgeCount, edgeCount);
        Arrays.sort(ids);
        int unique = 0;
        for (int i = 0; i < ids.length; i++)
        {
            if (0 == i || ids[i] != ids[i - 1])
            {
                ids[unique++] = ids[i];
            }
        }
        vertexIds = Arrays.copyOf(ids, unique);
    }

    /** @return the sources of the edges. */
    public long[] src()
    {
        return src;
    }

    /** @return the destinations of the edges. */
    public long[] dst()
    {
        return dst;
    }

    /** @return the weights of the edges. */
    public double[] weight()
    {
        return weight;
    }

    /** @return the number of edges. */
    public int edgeCount()
    {
        return edgeCount;
    }

    /** @return the ids of every vertex, sorted ascending, each once. */
    public long[] vertexIds()
    {
        return vertexIds;
    }

    /**
     * @param vertexId a vertex id.
     * @return its index in {@link #vertexIds()}, or -1 when no edge names it.
     */
    public int indexOf(final long vertexId)
    {
        final int index = Arrays.binarySearch(vertexIds, vertexId);
        return index < 0 ? -1 : index;
    }
}
