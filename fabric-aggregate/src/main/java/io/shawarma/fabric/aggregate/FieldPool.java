package io.shawarma.fabric.aggregate;

import java.util.Arrays;

/**
 * The reified fields of one device's round, reused from round to round so that building fields allocates nothing
 * once the pool is as large as the program needs.
 */
final class FieldPool
{
    private final int capacity;
    private DoubleField[] fields = new DoubleField[0];
    private int lent;

    /**
     * @param capacity values per field: the most neighbours a device has, plus itself.
     */
    FieldPool(final int capacity)
    {
        this.capacity = capacity;
    }

    /**
     * @return an empty field, valid until the next {@link #reclaimAll()}.
     */
    DoubleField lend()
    {
        if (lent == fields.length)
        {
            fields = Arrays.copyOf(fields, Math.max(4, fields.length * 2));
            for (int i = lent; i < fields.length; i++)
            {
                fields[i] = new DoubleField(this, capacity);
            }
        }
        final DoubleField field = fields[lent++];
        field.clear();
        return field;
    }

    /**
     * Takes back every field lent: a new round starts.
     */
    void reclaimAll()
    {
        lent = 0;
    }
}
