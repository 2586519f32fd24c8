package io.shawarma.fabric.aggregate;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A reified field: one double per aligned neighbour (device id to value), the device itself first. Made by
 * {@link Aggregate#nbrField(double)}, {@link Aggregate#nbrRangeField()} and {@link Aggregate#share}. Fields are
 * lent by the device's round and reused after it: do not keep one past the round that made it. The {@code Hood}
 * reductions include the device itself; the {@code HoodPlus} ones leave it out (ScaFi's naming). None allocates.
 */
public final class DoubleField
{
    private final FieldPool pool;
    private final long[] ids;
    private final double[] values;
    private int size;

    DoubleField(final FieldPool pool, final int capacity)
    {
        this.pool = pool;
        this.ids = new long[capacity];
        this.values = new double[capacity];
    }

    void clear()
    {
        size = 0;
    }

    void add(final long id, final double value)
    {
        ids[size] = id;
        values[size++] = value;
    }

    /**
     * @return the number of devices in the field, the device itself included.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return the device id at an index; index 0 is the device itself.
     */
    public long id(final int index)
    {
        return ids[index];
    }

    /**
     * @return the value at an index; index 0 is the device itself.
     */
    public double value(final int index)
    {
        return values[index];
    }

    /**
     * @return the value of a device, or {@code otherwise} when it is not in the field.
     */
    public double valueOf(final long deviceId, final double otherwise)
    {
        for (int i = 0; i < size; i++)
        {
            if (ids[i] == deviceId)
            {
                return values[i];
            }
        }
        return otherwise;
    }

    /**
     * {@link #valueOf(long, double)} when the device is probably at {@code hint} (fields of one round list devices
     * in the same order): no search when it is.
     */
    double valueOf(final long deviceId, final int hint, final double otherwise)
    {
        final int index = indexOf(deviceId, hint);
        return index >= 0 ? values[index] : otherwise;
    }

    /**
     * @return {@code init} combined with every value in order, the device's own first.
     */
    public double fold(final double init, final DoubleBinaryOperator combine)
    {
        return foldFrom(0, init, combine);
    }

    /**
     * @return {@code init} combined with every neighbour's value, the device's own left out.
     */
    public double foldPlus(final double init, final DoubleBinaryOperator combine)
    {
        return foldFrom(1, init, combine);
    }

    public double minHood()
    {
        return minFrom(0);
    }

    public double minHoodPlus()
    {
        return minFrom(1);
    }

    public double maxHood()
    {
        return maxFrom(0);
    }

    public double maxHoodPlus()
    {
        return maxFrom(1);
    }

    public double sumHood()
    {
        return sumFrom(0);
    }

    public double sumHoodPlus()
    {
        return sumFrom(1);
    }

    /**
     * @return whether any value, the device's own included, is non-zero (booleans are 0 and 1).
     */
    public boolean anyHood()
    {
        return anyFrom(0);
    }

    public boolean anyHoodPlus()
    {
        return anyFrom(1);
    }

    /**
     * @return the index of the smallest value, ties to the smaller device id, the device itself left out; -1 when
     * the device has no aligned neighbour.
     */
    public int argMinPlus()
    {
        int best = -1;
        for (int i = 1; i < size; i++)
        {
            if (best < 0 || values[i] < values[best] || (values[i] == values[best] && ids[i] < ids[best]))
            {
                best = i;
            }
        }
        return best;
    }

    /**
     * @return a new field of {@code f(value)} per device, lent by the same round.
     */
    public DoubleField map(final DoubleUnaryOperator f)
    {
        final DoubleField result = pool.lend();
        for (int i = 0; i < size; i++)
        {
            result.add(ids[i], f.applyAsDouble(values[i]));
        }
        return result;
    }

    /**
     * @return a new field of {@code f(this, other)} for the devices in both fields, in this field's order.
     */
    public DoubleField zip(final DoubleField other, final DoubleBinaryOperator f)
    {
        final DoubleField result = pool.lend();
        for (int i = 0; i < size; i++)
        {
            final int j = other.indexOf(ids[i], i);
            if (j >= 0)
            {
                result.add(ids[i], f.applyAsDouble(values[i], other.values[j]));
            }
        }
        return result;
    }

    private int indexOf(final long deviceId, final int hint)
    {
        // Fields of one round list devices in the same order, so the hint (or a nearby index) usually matches.
        if (hint < size && ids[hint] == deviceId)
        {
            return hint;
        }
        for (int i = 0; i < size; i++)
        {
            if (ids[i] == deviceId)
            {
                return i;
            }
        }
        return -1;
    }

    private double foldFrom(final int first, final double init, final DoubleBinaryOperator combine)
    {
        double result = init;
        for (int i = first; i < size; i++)
        {
            result = combine.applyAsDouble(result, values[i]);
        }
        return result;
    }

    private double minFrom(final int first)
    {
        double result = Double.POSITIVE_INFINITY;
        for (int i = first; i < size; i++)
        {
            result = Math.min(result, values[i]);
        }
        return result;
    }

    private double maxFrom(final int first)
    {
        double result = Double.NEGATIVE_INFINITY;
        for (int i = first; i < size; i++)
        {
            result = Math.max(result, values[i]);
        }
        return result;
    }

    private double sumFrom(final int first)
    {
        double result = 0;
        for (int i = first; i < size; i++)
        {
            result += values[i];
        }
        return result;
    }

    private boolean anyFrom(final int first)
    {
        for (int i = first; i < size; i++)
        {
            if (0 != values[i])
            {
                return true;
            }
        }
        return false;
    }
}
