package io.shawarma.fabric.graph;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@code scripts/shawarma gen-rmat --scale S --edge-factor E --seed X --out FILE [--weights]}: writes an R-MAT
 * edge list with {@link RmatGenerator}. Exits 0 on success, 2 on a bad command line, 1 when the file cannot be
 * written.
 */
public final class RmatMain
{
    /** The composition root's clock: the generation time on the console. */
    private static final NanoClock CLOCK = SystemNanoClock.INSTANCE;

    static final String USAGE = String.join("\n",
        "usage: shawarma gen-rmat --scale S --out FILE [--edge-factor E] [--seed X] [--weights]",
        "",
        "Writes an R-MAT (Graph500-style) edge list: 2^S vertex ids, E * 2^S directed edges, one 'src dst' line",
        "each, with a '# R-MAT scale S edge-factor E seed X' header. Quadrant probabilities a=0.57 b=0.19 c=0.19",
        "d=0.05; ids scrambled by a fixed permutation of [0, 2^S); self-loops and duplicate edges are kept.",
        "The same arguments always give the same file. FILE appears only once complete.",
        "",
        "  --scale S         log2 of the number of vertex ids, 1.." + RmatGenerator.MAX_SCALE + " (required)",
        "  --out FILE        the file to write (required; replaced if it exists)",
        "  --edge-factor E   edges per vertex id (default 16)",
        "  --seed X          random seed, any long (default 1)",
        "  --weights         add a third column, a weight uniform over (0, 1]",
        "  --help            this text",
        "",
        "e.g. shawarma gen-rmat --scale 20 --edge-factor 16 --seed 1 --out rmat-20.txt  (16.8 M edges, ~230 MB)");

    private static final int EXIT_BAD_USAGE = 2;
    private static final int EXIT_FAILED = 1;

    private int scale = -1;
    private int edgeFactor = 16;
    private long seed = 1;
    private Path out;
    private boolean weights;
    private boolean help;

    private RmatMain()
    {
    }

    /**
     * @param args the command line, see {@link #USAGE}.
     */
    public static void main(final String[] args)
    {
        final RmatMain options;
        try
        {
            options = parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("shawarma gen-rmat: " + ex.getMessage());
            System.err.println("run 'shawarma gen-rmat --help' for usage");
            System.exit(EXIT_BAD_USAGE);
            return;
        }
        if (options.help)
        {
            System.out.println(USAGE);
            return;
        }
        try
        {
            final long startNs = CLOCK.nanoTime();
            RmatGenerator.write(options.out, options.scale, options.edgeFactor, options.seed, options.weights);
            System.err.printf("wrote %,d edges over %,d vertex ids to %s in %.1f s%n",
                RmatGenerator.edgeCount(options.scale, options.edgeFactor), 1L << options.scale, options.out,
                (CLOCK.nanoTime() - startNs) / 1e9);
        }
        catch (final UncheckedIOException ex)
        {
            System.err.println("shawarma gen-rmat: " + ex.getMessage());
            System.exit(EXIT_FAILED);
        }
    }

    /**
     * @param args the command line; {@code --name value} or {@code --name=value}.
     * @return the options, validated, or with {@code help} set.
     * @throws IllegalArgumentException naming the bad or missing option.
     */
    static RmatMain parse(final String[] args)
    {
        final RmatMain options = new RmatMain();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            final int equals = arg.indexOf('=');
            final String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
            switch (name)
            {
                case "--help":
                case "-h":
                    options.help = true;
                    return options;
                case "--weights":
                    if (equals > 0)
                    {
                        throw new IllegalArgumentException("--weights takes no value");
                    }
                    options.weights = true;
                    break;
                case "--scale":
                case "--edge-factor":
                case "--seed":
                case "--out":
                    final String value;
                    if (equals > 0)
                    {
                        value = arg.substring(equals + 1);
                    }
                    else if (i + 1 < args.length)
                    {
                        value = args[++i];
                    }
                    else
                    {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    options.set(name, value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        if (options.scale < 0)
        {
            throw new IllegalArgumentException("--scale is required");
        }
        if (null == options.out)
        {
            throw new IllegalArgumentException("--out is required");
        }
        RmatGenerator.edgeCount(options.scale, options.edgeFactor);
        return options;
    }

    private void set(final String name, final String value)
    {
        switch (name)
        {
            case "--scale":
                scale = number(name, value, 1, RmatGenerator.MAX_SCALE);
                break;
            case "--edge-factor":
                edgeFactor = number(name, value, 1, Integer.MAX_VALUE);
                break;
            case "--seed":
                try
                {
                    seed = Long.parseLong(value);
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalArgumentException("--seed must be a 64-bit integer, was '" + value + "'");
                }
                break;
            default:
                if (value.isEmpty())
                {
                    throw new IllegalArgumentException("--out needs a file name");
                }
                out = Path.of(value);
                break;
        }
    }

    private static int number(final String name, final String value, final int min, final int max)
    {
        final int number;
        try
        {
            number = Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + " must be an integer in [" + min + ", " + max + "], was '" +
                value + "'");
        }
        if (number < min || number > max)
        {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + number);
        }
        return number;
    }

    int scale()
    {
        return scale;
    }

    int edgeFactor()
    {
        return edgeFactor;
    }

    long seed()
    {
        return seed;
    }

    Path out()
    {
        return out;
    }

    boolean weights()
    {
        return weights;
    }

    boolean help()
    {
        return help;
    }
}
