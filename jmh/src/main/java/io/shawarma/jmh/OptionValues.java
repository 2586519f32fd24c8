package io.shawarma.jmh;

/**
 * Reads the value of a command-line option, with an error message that names the option.
 */
final class OptionValues
{
    private OptionValues()
    {
    }

    static String value(final String[] args, final int index)
    {
        if (index >= args.length)
        {
            throw new IllegalArgumentException("option '" + args[index - 1] + "' needs a value");
        }
        return args[index];
    }

    static long number(final String[] args, final int index)
    {
        final String value = value(args, index);
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("option '" + args[index - 1] + "' needs a number, not '" + value + "'");
        }
    }

    static int positive(final String[] args, final int index)
    {
        final String value = value(args, index);
        try
        {
            final int parsed = Integer.parseInt(value.replace("_", ""));
            if (parsed <= 0)
            {
                throw new NumberFormatException();
            }
            return parsed;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("option '" + args[index - 1] + "' needs a positive number, not '" +
                value + "'");
        }
    }
}
