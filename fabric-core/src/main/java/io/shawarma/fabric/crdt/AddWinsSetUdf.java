package io.shawarma.fabric.crdt;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code awset}: an add-wins set over the elements 0..63, held and merged by many workers.
 * <p>
 * Each element has two tags, int32 add and int32 remove ({@value #VALUE_BYTES} bytes in all); the element is in
 * the set when its add tag is greater than its remove tag. Adding sets add = max(add, remove) + 1; removing sets
 * remove = add, so a remove takes out only the adds its replica has seen. Copies merge by taking each tag's
 * maximum, so an add concurrent with a remove of the same element wins (its tag is above what the remove saw).
 * <p>
 * Args: int32 operation ({@link #ADD}, {@link #REMOVE}) and int32 element, or empty to read. Result: int64 bit set
 * of the members.
 */
public final class AddWinsSetUdf implements Udf
{
    /** Name callers use. */
    public static final String NAME = "awset";
    /** Elements are 0 to this minus one. */
    public static final int ELEMENTS = 64;
    /** Bytes of the value. */
    public static final int VALUE_BYTES = ELEMENTS * 8;
    /** Operation: add an element. */
    public static final int ADD = 0;
    /** Operation: remove an element. */
    public static final int REMOVE = 1;

    public String name()
    {
        return NAME;
    }

    public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
    {
        final int argsLength = args.capacity();
        if (0 != argsLength && 8 != argsLength)
        {
            return Udf.fail(Status.UDF_FAILED);
        }
        if (8 == argsLength)
        {
            final int operation = args.getInt(0, LITTLE_ENDIAN);
            final int element = args.getInt(4, LITTLE_ENDIAN);
            if (element < 0 || element >= ELEMENTS || (ADD != operation && REMOVE != operation))
            {
                return Udf.fail(Status.UDF_FAILED);
            }
            FixedSize.ensure(vertex, VALUE_BYTES);
            final MutableDirectBuffer value = vertex.edit();
            final int added = value.getInt(element * 8, LITTLE_ENDIAN);
            final int removed = value.getInt(element * 8 + 4, LITTLE_ENDIAN);
            if (ADD == operation)
            {
                value.putInt(element * 8, Math.max(added, removed) + 1, LITTLE_ENDIAN);
            }
            else
            {
                value.putInt(element * 8 + 4, added, LITTLE_ENDIAN);
            }
            vertex.update(VALUE_BYTES);
        }
        result.putLong(0, members(vertex), LITTLE_ENDIAN);
        return Long.BYTES;
    }

    public boolean isMergeable()
    {
        return true;
    }

    public void merge(final Vertex into, final DirectBuffer from)
    {
        if (from.capacity() < VALUE_BYTES)
        {
            return;
        }
        FixedSize.ensure(into, VALUE_BYTES);
        final MutableDirectBuffer value = into.edit();
        for (int offset = 0; offset < VALUE_BYTES; offset += 4)
        {
            final int theirs = from.getInt(offset, LITTLE_ENDIAN);
            if (theirs > value.getInt(offset, LITTLE_ENDIAN))
            {
                value.putInt(offset, theirs, LITTLE_ENDIAN);
            }
        }
        into.update(VALUE_BYTES);
    }

    /**
     * @return the members of a value as a bit set (bit i set when element i is in the set).
     */
    private static long members(final Vertex vertex)
    {
        if (vertex.length() < VALUE_BYTES)
        {
            return 0;
        }
        final DirectBuffer value = vertex.value();
        long members = 0;
        for (int element = 0; element < ELEMENTS; element++)
        {
            if (value.getInt(element * 8, LITTLE_ENDIAN) > value.getInt(element * 8 + 4, LITTLE_ENDIAN))
            {
                members |= 1L << element;
            }
        }
        return members;
    }
}
