package io.shawarma.fabric.store;

import io.shawarma.udf.Udf;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The UDFs a worker can run, by wire id: the built-in ones, loaded once with {@link ServiceLoader} (two with the same
 * name or the same id are refused at start, not discovered at call time), and the ones deployed while the worker runs
 * ({@link #deploy(Udf)}, e.g. WebAssembly modules). A deployed UDF is added, replaced or removed on the thread that
 * runs the calls, between two calls: a call runs wholly on the version it found, and the next finds the new one.
 * Not thread safe: the worker's agent thread only, once the worker runs.
 */
public final class UdfRegistry
{
    private final Int2ObjectHashMap<Udf> byId = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<Udf> builtIn = new Int2ObjectHashMap<>();
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
            builtIn.put(id, udf);
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
     * @return the built-in UDFs' names, sorted.
     */
    public List<String> names()
    {
        return Collections.unmodifiableList(names);
    }

    /**
     * Why a UDF of this name cannot be deployed: its name or wire id is a built-in UDF's, or its id is another
     * deployed UDF's (a different name with the same hash).
     *
     * @param name of the UDF to deploy.
     * @return null when it can be deployed (added, or replacing a deployed UDF of the same name), else the reason.
     */
    public String deployRefusal(final String name)
    {
        final int id = Udf.idOf(name);
        final Udf fixed = builtIn.get(id);
        if (null != fixed)
        {
            return fixed.name().equals(name) ? "name '" + name + "' is a built-in UDF's" :
                "name '" + name + "' has the same wire id as built-in UDF '" + fixed.name() + "'";
        }
        final Udf other = byId.get(id);
        if (null != other && !other.name().equals(name))
        {
            return "name '" + name + "' has the same wire id as deployed UDF '" + other.name() + "'";
        }
        return null;
    }

    /**
     * Adds a UDF, or replaces the deployed UDF of the same name; the next call to its id runs it.
     *
     * @param udf to deploy.
     * @return the deployed UDF it replaced, or null.
     * @throws IllegalArgumentException with {@link #deployRefusal(String)}'s reason.
     */
    public Udf deploy(final Udf udf)
    {
        final String refusal = deployRefusal(udf.name());
        if (null != refusal)
        {
            throw new IllegalArgumentException(refusal);
        }
        return byId.put(Udf.idOf(udf.name()), udf);
    }

    /**
     * Removes a deployed UDF; calls to its id are answered NO_SUCH_UDF from the next one on.
     *
     * @param name of the deployed UDF.
     * @return the UDF removed, or null when no deployed UDF has that name (built-in ones are never removed).
     */
    public Udf undeploy(final String name)
    {
        final int id = Udf.idOf(name);
        final Udf udf = byId.get(id);
        if (null == udf || builtIn.containsKey(id) || !udf.name().equals(name))
        {
            return null;
        }
        return byId.remove(id);
    }

    /**
     * @param udfId wire id of a UDF.
     * @return true when it is a built-in UDF's.
     */
    public boolean isBuiltIn(final int udfId)
    {
        return builtIn.containsKey(udfId);
    }
}
