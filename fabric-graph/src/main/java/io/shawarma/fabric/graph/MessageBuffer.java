package io.shawarma.fabric.graph;

import io.shawarma.udf.graph.Combiner;

import java.util.Arrays;

/**
 * Messages bound for the vertices of one worker, by the receiver's local vertex index. With a combiner, one
 * combined message per vertex in dense arrays; without, every message, grouped by vertex on {@link #seal()}
 * with a counting sort. Primitive arrays only: nothing is allocated per message once the arrays have grown.
 */
final class MessageBuffer
{
    private final Combiner combiner;
    private final int vertexCount;

    // Combiner mode: the combined message per vertex, whether it has one, and the vertices touched (to clear fast).
    private final long[] combined;
    private final boolean[] present;
    private int[] touched;

    // List mode: messages in arrival order, then grouped by vertex.
    private int[] targets;
    private long[] values;
    private int[] offsets;
    private long[] grouped;

    private int size;

    MessageBuffer(final int vertexCount, final Combiner combiner)
    {
        this.vertexCount = vertexCount;
        this.combiner = combiner;
        if (null != combiner)
        {
            combined = new long[vertexCount];
            present = new boolean[vertexCount];
            touched = new int[16];
        }
        else
        {
            combined = null;
            present = null;
            targets = new int[16];
            values = new long[16];
            offsets = new int[vertexCount + 1];
            grouped = new long[16];
        }
    }

    void add(final int vertex, final long message)
    {
        if (null != combiner)
        {
            if (present[vertex])
            {
                combined[vertex] = combiner.combine(combined[vertex], message);
            }
            else
            {
                present[vertex] = true;
                combined[vertex] = message;
                if (size == touched.length)
                {
                    touched = Arrays.copyOf(touched, size * 2);
                }
                touched[size++] = vertex;
            }
        }
        else
        {
            if (size == targets.length)
            {
                targets = Arrays.copyOf(targets, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            targets[size] = vertex;
            values[size++] = message;
        }
    }

    /**
     * @return the number of entries: vertices with a combined message, or messages.
     */
    int size()
    {
        return size;
    }

    /** @param entry in [0, size()). @return the receiving vertex of an entry. */
    int vertexAt(final int entry)
    {
        return null != combiner ? touched[entry] : targets[entry];
    }

    /** @param entry in [0, size()). @return the message of an entry. */
    long messageAt(final int entry)
    {
        return null != combiner ? combined[touched[entry]] : values[entry];
    }

    /**
     * Groups the messages by vertex for {@link #count(int)} and {@link #message(int, int)}.
     */
    void seal()
    {
        if (null != combiner)
        {
            return;
        }
        Arrays.fill(offsets, 0);
        for (int i = 0; i < size; i++)
        {
            offsets[targets[i] + 1]++;
        }
        for (int v = 0; v < vertexCount; v++)
        {
            offsets[v + 1] += offsets[v];
        }
        if (grouped.length < size)
        {
            grouped = new long[Math.max(size, grouped.length * 2)];
        }
        final int[] next = targets;
        for (int i = 0; i < size; i++)
        {
            // offsets[v] walks forward as v's messages are placed; restored below.
            grouped[offsets[next[i]]++] = values[i];
        }
        for (int v = vertexCount; v > 0; v--)
        {
            offsets[v] = offsets[v - 1];
        }
        offsets[0] = 0;
    }

    /** @param vertex local index. @return how many messages it has (after {@link #seal()}). */
    int count(final int vertex)
    {
        if (null != combiner)
        {
            return present[vertex] ? 1 : 0;
        }
        return offsets[vertex + 1] - offsets[vertex];
    }

    /** @param vertex local index. @param index in [0, count(vertex)). @return the message. */
    long message(final int vertex, final int index)
    {
        return null != combiner ? combined[vertex] : grouped[offsets[vertex] + index];
    }

    void clear()
    {
        if (null != combiner)
        {
            for (int i = 0; i < size; i++)
            {
                present[touched[i]] = false;
            }
        }
        else
        {
            Arrays.fill(offsets, 0);
        }
        size = 0;
    }
}
