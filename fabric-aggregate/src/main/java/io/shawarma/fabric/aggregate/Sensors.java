package io.shawarma.fabric.aggregate;

import org.agrona.collections.Object2IntHashMap;

import java.util.Arrays;

/**
 * Local sensors: named per-device doubles (booleans as 0 and 1) that a program reads with
 * {@link Aggregate#sense(String)}. The run sets them, e.g. {@code source} from {@code --sources}; a device whose
 * sensor was never set reads 0.
 */
public final class Sensors
{
    /** The sensor that {@code --sources} sets to 1 on the given devices. */
    public static final String SOURCE = "source";

    private final Object2IntHashMap<String> indexByName = new Object2IntHashMap<>(-1);
    private final int devices;
    private double[][] columns = new double[0][];
    private String lastName;
    private double[] lastColumn;

    Sensors(final int devices)
    {
        this.devices = devices;
    }

    /**
     * @return the sensor's index, defining it (all zero) if new.
     */
    int define(final String name)
    {
        final int existing = indexByName.getValue(name);
        if (existing >= 0)
        {
            return existing;
        }
        final int index = columns.length;
        columns = Arrays.copyOf(columns, index + 1);
        columns[index] = new double[devices];
        indexByName.put(name, index);
        return index;
    }

    void set(final int sensor, final int row, final double value)
    {
        columns[sensor][row] = value;
    }

    /**
     * @throws IllegalArgumentException when no sensor has the name.
     */
    double value(final String name, final int row)
    {
        // Programs read a sensor by a constant name, every device every round: the same String instance, so an
        // identity check skips the map's hashing and equals.
        if (name == lastName)
        {
            return lastColumn[row];
        }
        final int index = indexByName.getValue(name);
        if (index < 0)
        {
            throw new IllegalArgumentException("no sensor named " + name);
        }
        lastName = name;
        lastColumn = columns[index];
        return lastColumn[row];
    }
}
