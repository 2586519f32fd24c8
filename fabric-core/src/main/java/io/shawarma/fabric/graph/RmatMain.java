package io.shawarma.fabric.graph;

import java.nio.file.Path;

/**
 * {@code scripts/shawarma gen-rmat --scale S --edge-factor E --seed X --out FILE [--weights]}.
 */
public final class RmatMain
{
    private static final String USAGE = String.join("\n",
        "usage: shawarma gen-rmat --scale S --edge-factor E --seed X --out FILE [--weights]",
        "",
        "Writes an R-MAT (Graph500-style) edge list: 2^S vertices, E * 2^S edges, one 'src dst' line each",
        "(plus a uniform (0, 1] weight with --weights). Same seed, same graph.");

    private RmatMain()
    {
    }

    public static void main(final String[] args)
    {
        int scale = -1;
        int edgeFactor = 16;
        long seed = 1;
        Path out = null;
        boolean weights = false;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--help":
                    case "-h":
                        System.out.println(USAGE);
                        return;
                    case "--weights":
                        weights = true;
                        break;
                    case "--scale":
                        scale = Integer.parseInt(value(args, ++i));
                        break;
                    case "--edge-factor":
                        edgeFactor = Integer.parseInt(value(args, ++i));
                        break;
                    case "--seed":
                        seed = Long.parseLong(value(args, ++i));
                        break;
                    case "--out":
                        out = Path.of(value(args, ++i));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            if (scale < 1 || null == out)
            {
                throw new IllegalArgumentException("--scale and --out are required");
            }
            final long start = System.nanoTime();
            RmatGenerator.write(out, scale, edgeFactor, seed, weights);
            System.err.printf("wrote %,d edges over %,d vertex ids to %s in %.1f s%n", (long)edgeFactor << scale,
                1L << scale, out, (System.nanoTime() - start) / 1e9);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("shawarma gen-rmat: " + ex.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    private static String value(final String[] args, final int index)
    {
        if (index >= args.length)
        {
            throw new IllegalArgumentException("option '" + args[index - 1] + "' needs a value");
        }
        return args[index];
    }
}
