package io.shawarma.fabric.store;

import java.io.File;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Opens the vertex store a worker's settings name ({@code shawarma.store}).
 */
public final class VertexStores
{
    /** The kinds {@link #open} knows, for error messages. */
    public static final String KINDS = "table or chronicle";

    private VertexStores()
    {
    }

    /**
     * @param kind a value of {@code shawarma.store}.
     * @return true when {@link #open} knows it.
     */
    public static boolean isKnown(final String kind)
    {
        return "table".equals(kind) || "chronicle".equals(kind);
    }

    /**
     * Opens an in-memory store, or creates or reopens a file-backed one.
     *
     * @param kind              {@code table} ({@link VertexTable}) or {@code chronicle} ({@link ChronicleVertexStore}).
     * @param entries           expected number of vertices, used to size the store.
     * @param averageValueBytes expected average value length, used to size the store.
     * @param maxValueBytes     largest value accepted.
     * @param dataFileOrNull    {@code null} for an in-memory store, else the file backing it.
     * @return the open store.
     * @throws IllegalArgumentException for an unknown kind or a bad size.
     */
    public static VertexStore open(
        final String kind, final long entries, final int averageValueBytes, final int maxValueBytes,
        final File dataFileOrNull)
    {
        return open(kind, entries, averageValueBytes, maxValueBytes, dataFileOrNull, StoreSync.NONE, false);
    }

    /**
     * Opens an in-memory store, or creates or reopens a file-backed one, saying how the table syncs and whether it
     * opens a damaged file with what it can prove.
     *
     * @param kind              {@code table} ({@link VertexTable}) or {@code chronicle} ({@link ChronicleVertexStore}).
     * @param entries           expected number of vertices, used to size the store.
     * @param averageValueBytes expected average value length, used to size the store.
     * @param maxValueBytes     largest value accepted.
     * @param dataFileOrNull    {@code null} for an in-memory store, else the file backing it.
     * @param sync              when the table forces its file to the device ({@code NONE} for chronicle).
     * @param acceptLoss        the table opens a damaged file keeping what proves whole (chronicle: unused).
     * @return the open store.
     * @throws IllegalArgumentException for an unknown kind, a bad size, or a sync chronicle cannot do.
     */
    public static VertexStore open(
        final String kind, final long entries, final int averageValueBytes, final int maxValueBytes,
        final File dataFileOrNull, final StoreSync sync, final boolean acceptLoss)
    {
        if ("table".equals(kind))
        {
            return new VertexTable(entries, averageValueBytes, maxValueBytes, dataFileOrNull, sync, acceptLoss);
        }
        if (StoreSync.NONE != sync)
        {
            throw new IllegalArgumentException("shawarma.store.sync=" + sync.name().toLowerCase() + " needs " +
                "shawarma.store=table: the " + kind + " store does not sync");
        }
        if ("chronicle".equals(kind))
        {
            return new ChronicleVertexStore(entries, averageValueBytes, maxValueBytes, dataFileOrNull);
        }
        throw new IllegalArgumentException("unknown vertex store '" + kind + "': use one of " + KINDS);
    }

    static void validate(final long entries, final int averageValueBytes, final int maxValueBytes)
    {
        if (entries <= 0)
        {
            throw new IllegalArgumentException("maxEntries must be positive: " + entries);
        }
        if (averageValueBytes <= 0)
        {
            throw new IllegalArgumentException("averageValueBytes must be positive: " + averageValueBytes);
        }
        if (maxValueBytes < averageValueBytes)
        {
            throw new IllegalArgumentException(
                "maxValueBytes must be >= averageValueBytes=" + averageValueBytes + ": " + maxValueBytes);
        }
    }

    /**
     * The copy out of {@link VertexStore#get}, from a view of the stored value.
     *
     * @return {@code length}: the value's length, or -1 when the vertex is absent (nothing copied).
     * @throws IllegalArgumentException if {@code dst} is too small for the value and not expandable.
     */
    static int copy(final long vertexId, final DirectBuffer view, final int length, final MutableDirectBuffer dst)
    {
        if (length > dst.capacity() && !dst.isExpandable())
        {
            throw new IllegalArgumentException(
                "dst capacity " + dst.capacity() + " < value length " + length + " for vertexId=" + vertexId);
        }
        if (length > 0)
        {
            dst.putBytes(0, view, 0, length);
        }
        return length;
    }
}
