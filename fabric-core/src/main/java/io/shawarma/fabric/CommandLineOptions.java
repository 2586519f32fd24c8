package io.shawarma.fabric;

/**
 * The command lines of the launchers ({@code shawarma pagerank ...}, {@code shawarma aggregate ...}): options as
 * {@code --name value} pairs, plus {@code --help} or {@code -h}; values are whole numbers in a range or finite
 * decimals, with errors that name the option.
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
     * Hands every {@code --name value} pair from {@code args[from]} on to the handler.
     *
     * @return whether {@code --help} or {@code -h} was among the arguments.
     * @throws IllegalArgumentException when the last option has no value, or the handler rejects one.
     */
    public static boolean forEach(final String[] args, final int from, final Handler handler)
    {
        boolean help = false;
        for (int i = from; i < args.length; i++)
        {
            final String name = args[i];
            if ("--help".equals(name) || "-h".equals(name))
            {
                help = true;
                continue;
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("option '" + name + "' needs a value");
            }
            handler.option(name, args[++i]);
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
