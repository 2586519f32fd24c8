package io.shawarma.fabric;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines of the jobs ({@code shawarma pagerank ...}, {@code shawarma aggregate ...}): options as
 * {@code --name value} pairs, plus {@code --help} or {@code -h}, and at most one properties file. Each option is also a
 * property, the job's prefix then the option's name with dots ({@code --max-supersteps} is
 * {@code shawarma.graph.max.supersteps}), read like the worker's: a flag wins over a {@code -D} property, which wins
 * over the file. Values are whole numbers in a range or finite decimals, with errors that name the option.
 */
public final class CommandLineOptions
{
    /** Takes one option and its value; throws {@link IllegalArgumentException} for an unknown or bad one. */
    @FunctionalInterface
    public interface Handler
    {
        void option(String name, String value);
    }

    private CommandLineOptions()
    {
    }

    /**
     * Reads the job's configuration ({@link Configuration#load(Path)}: the properties file among the arguments, if
     * any, and the system properties), hands every job property that is set on to the handler as its option, then
     * every {@code --name value} pair from {@code args[from]}.
     *
     * @param prefix     of the job's properties, e.g. {@code shawarma.graph.}.
     * @param properties the job's property names, each its prefix and an option's name with dots.
     * @return whether {@code --help} or {@code -h} was among the arguments.
     * @throws IllegalArgumentException when the last option has no value, there is more than one file, a property
     *                                  is unknown or the handler rejects an option; in one line.
     */
    public static boolean forEach(
        final String[] args, final int from, final String prefix, final List<String> properties, final Handler handler)
    {
        boolean help = false;
        Path file = null;
        final List<String> pairs = new ArrayList<>();
        for (int i = from; i < args.length; i++)
        {
            final String name = args[i];
            if ("--help".equals(name) || "-h".equals(name))
            {
                help = true;
            }
            else if (!name.startsWith("-"))
            {
                if (null != file)
                {
                    throw new IllegalArgumentException("expected one properties file, got " + file + " and " + name);
                }
                file = Path.of(name);
            }
            else if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("option '" + name + "' needs a value");
            }
            else
            {
                pairs.add(name);
                pairs.add(args[++i]);
            }
        }
        Configuration.load(file);
        for (final String property : properties)
        {
            final String value = Configuration.string(property, null);
            if (null != value)
            {
                try
                {
                    handler.option("--" + property.substring(prefix.length()).replace('.', '-'), value);
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new IllegalArgumentException(property + "=" + value + ": " + ex.getMessage(), ex);
                }
            }
        }
        for (int i = 0; i < pairs.size(); i += 2)
        {
            handler.option(pairs.get(i), pairs.get(i + 1));
        }
        return help;
    }

    /**
     * @return the value of option {@code name} as a whole number.
     * @throws IllegalArgumentException when it is not one, or is outside [min, max].
     */
    public static long wholeNumber(final String name, final String value, final long min, final long max)
    {
        try
        {
            final long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new IllegalArgumentException(name + " " + value + ": expected a whole number in [" + min + ", " + max +
            "]");
    }

    /**
     * @return the value of option {@code name} as a finite decimal number.
     * @throws IllegalArgumentException when it is not one.
     */
    public static double decimal(final String name, final String value)
    {
        try
        {
            final double parsed = Double.parseDouble(value);
            if (Double.isFinite(parsed))
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new IllegalArgumentException(name + " " + value + ": expected a number");
    }
}
