package io.shawarma.fabric;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every {@code shawarma.*} property some module on the classpath reads ({@link PropertySet}), and the names that were
 * replaced. Refuses the others, so that a misspelled or renamed property fails at start instead of being ignored.
 * Only the {@code shawarma.} prefix is checked: Aeron's, the JVM's and JMH's properties pass through.
 */
public final class KnownProperties
{
    /** The prefix of the properties checked. */
    public static final String PREFIX = "shawarma.";

    private static final String NANOS = ".ns";
    private static final String MILLIS = ".ms";

    private final Set<String> names = new TreeSet<>();
    private final Map<String, String> renamed = new HashMap<>();

    /**
     * @param sets the modules' property sets.
     */
    public KnownProperties(final Iterable<? extends PropertySet> sets)
    {
        for (final PropertySet set : sets)
        {
            names.addAll(set.names());
            renamed.putAll(set.renamed());
        }
    }

    /**
     * @param classLoader to find the modules' property sets with.
     * @return the properties of every module the class loader sees.
     */
    public static KnownProperties load(final ClassLoader classLoader)
    {
        return new KnownProperties(ServiceLoader.load(PropertySet.class, classLoader));
    }

    /**
     * @param name a property name.
     * @return whether some module reads it.
     */
    public boolean contains(final String name)
    {
        return names.contains(name);
    }

    /**
     * Refuses the first {@code shawarma.*} name that no module reads.
     *
     * @param candidates property names, e.g. the system properties'.
     * @throws IllegalArgumentException in one line: {@code unknown property shawarma.stor.entries (did you mean
     *                                  shawarma.store.entries?)}, or the new name of a renamed one (also the
     *                                  {@code .ms} name of a duration given in {@code .ns}).
     */
    public void check(final Iterable<String> candidates)
    {
        for (final String name : sorted(candidates))
        {
            if (!name.startsWith(PREFIX) || names.contains(name))
            {
                continue;
            }
            final String replacement = renamed.get(name);
            if (null != replacement)
            {
                throw new IllegalArgumentException("property " + name + " is now " + replacement);
            }
            final String inMilliseconds = name.substring(0, name.length() - NANOS.length()) + MILLIS;
            if (name.endsWith(NANOS) && names.contains(inMilliseconds))
            {
                throw new IllegalArgumentException("property " + name + " is now " + inMilliseconds +
                    " (durations are in milliseconds)");
            }
            final String suggestion = nearest(name);
            throw new IllegalArgumentException("unknown property " + name +
                (null == suggestion ? "" : " (did you mean " + suggestion + "?)"));
        }
    }

    /**
     * @return the known name closest to {@code name} in edits, when it is close enough to be a misspelling; else null.
     */
    String nearest(final String name)
    {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final String known : names)
        {
            final int distance = editDistance(name, known);
            if (distance < bestDistance)
            {
                best = known;
                bestDistance = distance;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 4) ? best : null;
    }

    private static Set<String> sorted(final Iterable<String> candidates)
    {
        final Set<String> set = new TreeSet<>();
        candidates.forEach(set::add);
        return set;
    }

    /**
     * Levenshtein distance: insertions, deletions and substitutions of one character.
     */
    static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
