package io.shawarma.fabric.store;

import io.shawarma.udf.Udf;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The UDFs a worker can run, by wire id. Loaded once with {@link ServiceLoader}; two UDFs with the same name or
 * the same id are refused at start, not discovered at call time.
 */
public final class UdfRegistry
{
    private final Int2ObjectHashMap<Udf> byId = new Int2ObjectHashMap<>();
    private final List<String> names = new ArrayList<>();

    /**
     * @param udfs to register.
     */
    public UdfRegistry(final Iterable<Udf> udfs)
    {
        for (final Udf udf : udfs)
        {
            final int id = Udf.idOf(udf.name());
            final Udf existing = byId.put(id, udf);
            if (null != existing)
            {
                throw new IllegalStateException("UDF '" + udf.name() + "' (" + udf.getClass().getName() +
                    ") clashes with '" + existing.name() + "' (" + existing.getClass().getName() + "): same id " + id);
            }
            names.add(udf.name());
        }
        Collections.sort(names);
    }

    /**
     * @param classLoader to search for {@code META-INF/services/io.shawarma.udf.Udf}.
     * @return the UDFs found.
     */
    public static UdfRegistry load(final ClassLoader classLoader)
    {
        return new UdfRegistry(ServiceLoader.load(Udf.class, classLoader));
    }

    /**
     * @param udfId wire id of a UDF.
     * @return the UDF, or null when none has that id.
     */
    public Udf get(final int udfId)
    {
        return byId.get(udfId);
    }

    /**
     * @return the registered names, sorted.
     */
    public List<String> names()
    {
        return Collections.unmodifiableList(names);
    }
}
