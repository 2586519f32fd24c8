package io.shawarma.fabric.wasm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The options of one {@link FabricCli} command: {@code --name value} pairs, plain arguments, {@code --help}. Every
 * error is an {@link IllegalArgumentException} with one line naming the option; an option the command does not read
 * is refused by {@link #checkUsed()}.
 */
final class CliOptions
{
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> plain = new ArrayList<>();
    private final Set<String> used = new HashSet<>();
    private boolean help;

    private CliOptions()
    {
    }

    static CliOptions parse(final String[] args, final int from)
    {
        final CliOptions options = new CliOptions();
        for (int i = from; i < args.length; i++)
        {
            final String arg = args[i];
            if ("--help".equals(arg) || "-h".equals(arg))
            {
                options.help = true;
            }
            else if (arg.startsWith("--"))
            {
                if (i + 1 >= args.length)
                {
                    throw new IllegalArgumentException("option " + arg + " needs a value");
                }
                if (null != options.values.put(arg, args[++i]))
                {
                    throw new IllegalArgumentException("option " + arg + " given twice");
                }
            }
            else
            {
                options.plain.add(arg);
            }
        }
        return options;
    }

    boolean help()
    {
        return help;
    }

    String value(final String name, final String defaultValue)
    {
        used.add(name);
        return values.getOrDefault(name, defaultValue);
    }

    String required(final String name)
    {
        final String value = value(name, null);
        if (null == value)
        {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    String single(final String what)
    {
        if (plain.size() != 1)
        {
            throw new IllegalArgumentException("expected one " + what + (plain.isEmpty() ? "" : ", got " + plain));
        }
        return plain.remove(0);
    }

    long vertex()
    {
        final String value = required("--vertex");
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--vertex " + value + ": expected a whole number");
        }
    }

    String as()
    {
        final String as = value("--as", "hex");
        if (!ResultFormat.isKnown(as))
        {
            throw new IllegalArgumentException("--as " + as + ": expected hex, i64, f64 or utf8");
        }
        return as;
    }

    /**
     * @return the bytes one of three options gives: hex, a little-endian i64 or f64; none, when not required, gives
     * no bytes.
     */
    byte[] bytes(final String hex, final String i64, final String f64, final boolean required)
    {
        final String hexValue = value(hex, null);
        final String i64Value = value(i64, null);
        final String f64Value = value(f64, null);
        final int given = (null == hexValue ? 0 : 1) + (null == i64Value ? 0 : 1) + (null == f64Value ? 0 : 1);
        if (given > 1 || (required && 0 == given))
        {
            throw new IllegalArgumentException("give " + (required ? "one" : "at most one") + " of " + hex + ", " +
                i64 + ", " + f64);
        }
        if (null != hexValue)
        {
            return ResultFormat.parseHex(hex, hexValue);
        }
        if (null != i64Value)
        {
            try
            {
                return littleEndian(Long.parseLong(i64Value));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(i64 + " " + i64Value + ": expected a whole number");
            }
        }
        if (null != f64Value)
        {
            try
            {
                return littleEndian(Double.doubleToRawLongBits(Double.parseDouble(f64Value)));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(f64 + " " + f64Value + ": expected a number");
            }
        }
        return new byte[0];
    }

    void checkUsed()
    {
        for (final String name : values.keySet())
        {
            if (!used.contains(name))
            {
                throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (!plain.isEmpty())
        {
            throw new IllegalArgumentException("unexpected argument " + plain.get(0));
        }
    }

    private static byte[] littleEndian(final long value)
    {
        final byte[] bytes = new byte[Long.BYTES];
        new UnsafeBuffer(bytes).putLong(0, value, LITTLE_ENDIAN);
        return bytes;
    }
}
