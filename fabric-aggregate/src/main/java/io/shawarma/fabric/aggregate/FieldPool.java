package io.shawarma.fabric.aggregate;

import java.util.Arrays;

/**
 * The reified fields and neighbouring values of one device's round, reused from round to round so that building
 * them allocates nothing once the pool is as large as the program needs.
 */
final class FieldPool
{
    private final int capacity;
    private DoubleField[] fields = new DoubleField[0];
    private NValues[] nvalues = new NValues[0];
    private int lent;
    private int lentNValues;

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
     * @return a neighbouring value with no overrides, valid until the next {@link #reclaimAll()}.
     */
    NValues lendNValues(final long selfId, final double defaultValue)
    {
        if (lentNValues == nvalues.length)
        {
            nvalues = Arrays.copyOf(nvalues, Math.max(4, nvalues.length * 2));
            for (int i = lentNValues; i < nvalues.length; i++)
            {
                nvalues[i] = new NValues(this, capacity);
            }
        }
        final NValues values = nvalues[lentNValues++];
        values.reset(selfId, defaultValue);
        return values;
    }

    /**
     * Takes back every field lent: a new round starts.
     */
    void reclaimAll()
    {
        lent = 0;
        lentNValues = 0;
    }
}
