package io.shawarma.fabric;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code shawarma.*} properties one module reads, found with {@link java.util.ServiceLoader}: each module lists
 * its own (in {@code META-INF/services/io.shawarma.fabric.PropertySet}), so that the core need not know the grid's
 * or a job's names, and {@link KnownProperties} can refuse a name no module reads.
 */
public interface PropertySet
{
    /**
     * @return the property names the module reads.
     */
    List<String> names();

    /**
     * @return names the module no longer reads, each with the name that replaced it.
     */
    default Map<String, String> renamed()
    {
        return Map.of();
    }

    /**
     * The property names a Configuration class declares: the values of its public static {@code *_PROP} String
     * constants that start with {@code shawarma.}, so that declaring a constant is registering it.
     *
     * @param configuration class holding the constants.
     * @return their values.
     */
    static List<String> constantsOf(final Class<?> configuration)
    {
        final List<String> names = new ArrayList<>();
        for (final Field field : configuration.getFields())
        {
            if (Modifier.isStatic(field.getModifiers()) && String.class == field.getType() &&
                field.getName().endsWith("_PROP"))
            {
                try
                {
                    final String name = (String)field.get(null);
                    if (name.startsWith(KnownProperties.PREFIX))
                    {
                        names.add(name);
                    }
                }
                catch (final IllegalAccessException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }
        }
        return names;
    }
}
