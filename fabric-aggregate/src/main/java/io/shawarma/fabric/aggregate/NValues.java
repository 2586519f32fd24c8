package io.shawarma.fabric.aggregate;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A neighbouring value of the exchange calculus (XC's nvalue, ScaFi 3's {@code Field}): a default plus values for
 * some devices (overrides), so that each neighbour can get its own value. {@link #get(long)} is a device's value,
 * its override else the default.
 * <p>
 * The field {@link Aggregate#exchange} hands its body lists the device itself first, then every aligned neighbour
 * (in neighbourhood order), each with what it sent to this device; its default is the exchange's {@code init}. The
 * reductions ({@code Hood}: the device itself included, {@code HoodPlus}: left out, as in {@link DoubleField}) go
 * over the listed devices, so on such a field they fold the aligned neighbours. A field built to be sent
 * ({@link Aggregate#nvalues(double)}) lists only the devices that get something other than the default.
 * <p>
 * Like {@link DoubleField}, an NValues is lent by the device's round and reused after it: do not keep one past the
 * round that made it. Nothing here allocates.
 */
public final class NValues
{
    private final FieldPool pool;
    private final long[] ids;
    private final double[] values;
    private double defaultValue;
    private long selfId;
    private int size;

    NValues(final FieldPool pool, final int capacity)
    {
        this.pool = pool;
        this.ids = new long[capacity];
        this.values = new double[capacity];
    }

    void reset(final long selfId, final double defaultValue)
    {
        this.selfId = selfId;
        this.defaultValue = defaultValue;
        size = 0;
    }

    void add(final long id, final double value)
    {
        ids[size] = id;
        values[size++] = value;
    }

    /**
     * @return the value of devices with no override (and of devices that are not neighbours).
     */
    public double defaultValue()
    {
        return defaultValue;
    }

    /**
     * Sets the default: what every device without an override gets.
     *
     * @return this.
     */
    public NValues defaultValue(final double value)
    {
        defaultValue = value;
        return this;
    }

    /**
     * Gives one device its own value (replacing its override if it has one).
     *
     * @return this.
     * @throws IllegalStateException when the field already lists as many devices as the widest neighbourhood
     *                               plus one (an id that is no neighbour: overrides only reach neighbours).
     */
    public NValues put(final long deviceId, final double value)
    {
        final int index = indexOf(deviceId, size);
        if (index >= 0)
        {
            values[index] = value;
        }
        else if (size == ids.length)
        {
            throw new IllegalStateException("device " + deviceId + " given a value in a field that already lists " +
                size + " devices, more than a neighbourhood has: give overrides to neighbours only");
        }
        else
        {
            add(deviceId, value);
        }
        return this;
    }

    /**
     * @return a device's value: its override, else the default.
     */
    public double get(final long deviceId)
    {
        final int index = indexOf(deviceId, 0);
        return index >= 0 ? values[index] : defaultValue;
    }

    /**
     * @return this device's own value, {@code get(mid)}: in a field an exchange hands in, what this device sent
     * itself last round (the exchange's {@code init} in its first round).
     */
    public double self()
    {
        return get(selfId);
    }

    /**
     * @return the number of devices listed (with a value of their own).
     */
    public int size()
    {
        return size;
    }

    /**
     * @return the device id at an index.
     */
    public long id(final int index)
    {
        return ids[index];
    }

    /**
     * @return the value at an index.
     */
    public double value(final int index)
    {
        return values[index];
    }

    /**
     * @return a new field, lent by the same round: {@code f} of the default and of every listed value.
     */
    public NValues map(final DoubleUnaryOperator f)
    {
        final NValues result = pool.lendNValues(selfId, f.applyAsDouble(defaultValue));
        for (int i = 0; i < size; i++)
        {
            result.add(ids[i], f.applyAsDouble(values[i]));
        }
        return result;
    }

    /**
     * @return a new field, lent by the same round: {@code f} of the two defaults, and of this field's and
     * {@code other}'s value for each device this field lists (other's default where it lists none).
     */
    public NValues zip(final NValues other, final DoubleBinaryOperator f)
    {
        final NValues result = pool.lendNValues(selfId, f.applyAsDouble(defaultValue, other.defaultValue));
        for (int i = 0; i < size; i++)
        {
            final int j = other.indexOf(ids[i], i);
            result.add(ids[i], f.applyAsDouble(values[i], j >= 0 ? other.values[j] : other.defaultValue));
        }
        return result;
    }

    /**
     * @return a new field, lent by the same round: {@code f} of this field's value and {@code other} for each device
     * (and for the default), e.g. a neighbour's value plus the range to it.
     */
    public NValues zip(final DoubleField other, final DoubleBinaryOperator f, final double otherwise)
    {
        final NValues result = pool.lendNValues(selfId, f.applyAsDouble(defaultValue, otherwise));
        for (int i = 0; i < size; i++)
        {
            result.add(ids[i], f.applyAsDouble(values[i], other.valueOf(ids[i], i, otherwise)));
        }
        return result;
    }

    /**
     * @return {@code init} combined with every listed value in order, this device's own included.
     */
    public double fold(final double init, final DoubleBinaryOperator combine)
    {
        return foldFrom(true, init, combine);
    }

    /**
     * @return {@code init} combined with every listed neighbour's value in order, this device's own left out (XC's
     * {@code nfold}).
     */
    public double foldPlus(final double init, final DoubleBinaryOperator combine)
    {
        return foldFrom(false, init, combine);
    }

    public double minHood()
    {
        return minFrom(true);
    }

    public double minHoodPlus()
    {
        return minFrom(false);
    }

    public double sumHood()
    {
        return sumFrom(true);
    }

    public double sumHoodPlus()
    {
        return sumFrom(false);
    }

    /**
     * @return the device id of the listed neighbour with the smallest value, ties to the smaller id, this device
     * left out; {@code otherwise} when none is listed.
     */
    public long argMinHoodPlus(final long otherwise)
    {
        int best = -1;
        for (int i = 0; i < size; i++)
        {
            if (ids[i] != selfId &&
                (best < 0 || values[i] < values[best] || (values[i] == values[best] && ids[i] < ids[best])))
            {
                best = i;
            }
        }
        return best < 0 ? otherwise : ids[best];
    }

    int indexOf(final long deviceId, final int hint)
    {
        // Fields of one exchange list devices in the same order, so the hint usually matches at once.
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

    private double foldFrom(final boolean withSelf, final double init, final DoubleBinaryOperator combine)
    {
        double result = init;
        for (int i = 0; i < size; i++)
        {
            if (withSelf || ids[i] != selfId)
            {
                result = combine.applyAsDouble(result, values[i]);
            }
        }
        return result;
    }

    private double minFrom(final boolean withSelf)
    {
        double result = Double.POSITIVE_INFINITY;
        for (int i = 0; i < size; i++)
        {
            if (withSelf || ids[i] != selfId)
            {
                result = Math.min(result, values[i]);
            }
        }
        return result;
    }

    private double sumFrom(final boolean withSelf)
    {
        double result = 0;
        for (int i = 0; i < size; i++)
        {
            if (withSelf || ids[i] != selfId)
            {
                result += values[i];
            }
        }
        return result;
    }
}
