package io.shawarma.fabric.graph;

import java.util.Arrays;

/**
 * A directed multigraph as three parallel primitive columns: edge {@code e} runs from {@code src()[e]} to
 * {@code dst()[e]} with weight {@code weight()[e]} (1.0 when the input had no weight column). Self-loops and
 * duplicate edges are kept as given. Vertex ids are non-negative 64-bit integers, sparse; every vertex named by an
 * edge exists, and {@link #vertexIds()} lists them sorted so that a vertex has a dense index in
 * {@code [0, vertexCount())}, which is how results are indexed.
 * <p>
 * The arrays are shared, not copied: callers must not modify them.
 */
public final class EdgeList
{
    private final long[] src;
    private final long[] dst;
    private final double[] weight;
    private final long[] vertexIds;

    /**
     * Takes the columns as they are when exactly {@code edgeCount} long, or copies their first
     * {@code edgeCount} entries when longer.
     *
     * @param src       source vertex id of each edge, non-negative.
     * @param dst       destination vertex id of each edge, non-negative.
     * @param weight    weight of each edge, non-negative and finite.
     * @param edgeCount number of edges.
     * @throws IllegalArgumentException when a column is shorter than {@code edgeCount}, or an id is negative, or a
     *                                  weight is negative, NaN or infinite.
     */
    public EdgeList(final long[] src, final long[] dst, final double[] weight, final int edgeCount)
    {
        if (edgeCount < 0 || src.length < edgeCount || dst.length < edgeCount || weight.length < edgeCount)
        {
            throw new IllegalArgumentException("edge count " + edgeCount + " does not fit columns of length " +
                src.length + ", " + dst.length + ", " + weight.length);
        }
        this.src = exactly(src, edgeCount);
        this.dst = exactly(dst, edgeCount);
        this.weight = weight.length == edgeCount ? weight : Arrays.copyOf(weight, edgeCount);
        final long maxId = validate(this.src, this.dst, this.weight);
        vertexIds = VertexIdTable.sortedUnique(this.src, this.dst, maxId);
    }

    /** @return the source vertex id of each edge, {@link #edgeCount()} long. */
    public long[] src()
    {
        return src;
    }

    /** @return the destination vertex id of each edge, {@link #edgeCount()} long. */
    public long[] dst()
    {
        return dst;
    }

    /** @return the weight of each edge (1.0 when the input had none), {@link #edgeCount()} long. */
    public double[] weight()
    {
        return weight;
    }

    /** @return the number of edges, counting self-loops and duplicates. */
    public int edgeCount()
    {
        return src.length;
    }

    /** @return the id of every vertex named by an edge, sorted ascending, each once. */
    public long[] vertexIds()
    {
        return vertexIds;
    }

    /** @return the number of vertices, {@code vertexIds().length}. */
    public int vertexCount()
    {
        return vertexIds.length;
    }

    /**
     * Binary search over {@link #vertexIds()}.
     *
     * @param vertexId a vertex id.
     * @return its index in {@link #vertexIds()}, or -1 when no edge names it.
     */
    public int indexOf(final long vertexId)
    {
        final int index = Arrays.binarySearch(vertexIds, vertexId);
        return index < 0 ? -1 : index;
    }

    /**
     * Maps many ids at once, much faster than {@link #indexOf(long)} per id on large graphs (a direct table when
     * the ids are dense enough, else a hash table): {@code indexesOf(src())} gives each edge's source index.
     *
     * @param ids vertex ids.
     * @return for each id its index in {@link #vertexIds()}, or -1 when no edge names it.
     */
    public int[] indexesOf(final long[] ids)
    {
        return VertexIdTable.indexesOf(vertexIds, ids);
    }

    private static long[] exactly(final long[] column, final int edgeCount)
    {
        return column.length == edgeCount ? column : Arrays.copyOf(column, edgeCount);
    }

    /**
     * @return the largest vertex id, -1 when there are no edges.
     */
    private static long validate(final long[] src, final long[] dst, final double[] weight)
    {
        long maxId = -1;
        for (int e = 0; e < src.length; e++)
        {
            final long from = src[e];
            final long to = dst[e];
            final double w = weight[e];
            if ((from | to) < 0)
            {
                throw new IllegalArgumentException("edge " + e + " (" + from + " -> " + to + ") has a negative id");
            }
            if (!(w >= 0.0) || w == Double.POSITIVE_INFINITY)
            {
                throw new IllegalArgumentException("edge " + e + " (" + from + " -> " + to + ") has weight " + w +
                    ": weights must be non-negative and finite");
            }
            maxId = Math.max(maxId, Math.max(from, to));
        }
        return maxId;
    }

    /**
     * Id lookups for {@link EdgeList}: a bitmap or direct table when the largest id is small relative to the
     * vertex count (R-MAT ids are in [0, 2^scale)), an open-addressing table otherwise (SNAP ids may be sparse).
     * Ids are non-negative, so -1 marks an empty slot.
     */
    private static final class VertexIdTable
    {
        private static final long EMPTY = -1;
        private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

        private long[] keys;
        private int[] values;
        private int mask;
        private int size;

        private VertexIdTable(final int expected)
        {
            final int capacity = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
            keys = new long[capacity];
            values = new int[capacity];
            mask = capacity - 1;
            Arrays.fill(keys, EMPTY);
        }

        static long[] sortedUnique(final long[] src, final long[] dst, final long maxId)
        {
            if (maxId < 0)
            {
                return new long[0];
            }
            final long words = (maxId >>> 6) + 1;
            if (words <= Math.min(MAX_ARRAY, 2L * src.length + 1024))
            {
                return sortedUniqueByBitmap(src, dst, (int)words);
            }
            final VertexIdTable table = new VertexIdTable(1024);
            for (int e = 0; e < src.length; e++)
            {
                table.add(src[e]);
                table.add(dst[e]);
            }
            final long[] ids = new long[table.size];
            int count = 0;
            for (final long key : table.keys)
            {
                if (EMPTY != key)
                {
                    ids[count++] = key;
                }
            }
            Arrays.sort(ids);
            return ids;
        }

        static int[] indexesOf(final long[] vertexIds, final long[] ids)
        {
            final int[] indexes = new int[ids.length];
            final int n = vertexIds.length;
            final long maxId = 0 == n ? -1 : vertexIds[n - 1];
            if (maxId < Math.min(MAX_ARRAY, 4L * n + 4096))
            {
                final int[] direct = new int[(int)maxId + 1];
                Arrays.fill(direct, -1);
                for (int i = 0; i < n; i++)
                {
                    direct[(int)vertexIds[i]] = i;
                }
                for (int i = 0; i < ids.length; i++)
                {
                    final long id = ids[i];
                    indexes[i] = id >= 0 && id <= maxId ? direct[(int)id] : -1;
                }
                return indexes;
            }
            final VertexIdTable table = new VertexIdTable(n);
            for (int i = 0; i < n; i++)
            {
                table.put(vertexIds[i], i);
            }
            for (int i = 0; i < ids.length; i++)
            {
                indexes[i] = table.get(ids[i]);
            }
            return indexes;
        }

        private static long[] sortedUniqueByBitmap(final long[] src, final long[] dst, final int words)
        {
            final long[] present = new long[words];
            for (int e = 0; e < src.length; e++)
            {
                present[(int)(src[e] >>> 6)] |= 1L << src[e];
                present[(int)(dst[e] >>> 6)] |= 1L << dst[e];
            }
            int count = 0;
            for (final long word : present)
            {
                count += Long.bitCount(word);
            }
            final long[] ids = new long[count];
            int next = 0;
            for (int w = 0; w < words; w++)
            {
                long word = present[w];
                while (0 != word)
                {
                    ids[next++] = ((long)w << 6) | Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                }
            }
            return ids;
        }

        private static int slot(final long key, final int mask)
        {
            return (int)((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
        }

        private void add(final long key)
        {
            put(key, 0);
        }

        private void put(final long key, final int value)
        {
            int slot = slot(key, mask);
            while (EMPTY != keys[slot])
            {
                if (keys[slot] == key)
                {
                    values[slot] = value;
                    return;
                }
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = value;
            if (++size * 2 > keys.length)
            {
                grow();
            }
        }

        private int get(final long key)
        {
            int slot = slot(key, mask);
            while (EMPTY != keys[slot])
            {
                if (keys[slot] == key)
                {
                    return values[slot];
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }

        private void grow()
        {
            final long[] oldKeys = keys;
            final int[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            mask = keys.length - 1;
            Arrays.fill(keys, EMPTY);
            for (int i = 0; i < oldKeys.length; i++)
            {
                if (EMPTY != oldKeys[i])
                {
                    int slot = slot(oldKeys[i], mask);
                    while (EMPTY != keys[slot])
                    {
                        slot = (slot + 1) & mask;
                    }
                    keys[slot] = oldKeys[i];
                    values[slot] = oldValues[i];
                }
            }
        }
    }
}
