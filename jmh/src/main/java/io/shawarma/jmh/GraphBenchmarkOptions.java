package io.shawarma.jmh;

import static io.shawarma.jmh.OptionValues.number;
import static io.shawarma.jmh.OptionValues.positive;
import static io.shawarma.jmh.OptionValues.value;

import java.nio.file.Path;

/**
 * Command line of {@link GraphBenchmark}.
 */
final class GraphBenchmarkOptions
{
    static final String USAGE = String.join("\n",
        "usage: shawarma bench graph [--quick] [--scale S] [--edge-factor E] [--seed X] [--out DIR]",
        "                            [--heap SIZE] [--jgrapht-timeout SECONDS] [--no-jgrapht]",
        "",
        "PageRank, 20 iterations, on one generated R-MAT graph, each contender in its own JVM (so peak RSS is its",
        "own): ours with 1 and 2 worker processes, a plain single-thread CSR loop (the COST baseline) and JGraphT.",
        "Prints a table with ratios to the CSR loop and writes graph.json.",
        "",
        "  --quick                   scale 16, edge factor 16 (1 M edges; a few minutes)",
        "  --scale S                 log2 of the vertex count (default 20: 16.8 M edges with edge factor 16)",
        "  --edge-factor E           edges per vertex (default 16)",
        "  --seed X                  of the generator (default 1)",
        "  --out DIR                 where graph.json goes (default bench-results)",
        "  --heap SIZE               -Xmx of every contender's JVM, the same for all (default 16g; JGraphT needs",
        "                            ~220 B/edge)",
        "  --jgrapht-timeout SECONDS give up on JGraphT at the full scale after this long and measure it at",
        "                            scale - 2 instead, with the CSR loop again at that scale (default 600)",
        "  --no-jgrapht              leave JGraphT out");

    static final int ITERATIONS = 20;
    static final double DAMPING = 0.85;

    boolean help;
    boolean quick;
    int scale = -1;
    int edgeFactor = 16;
    long seed = 1;
    Path out = Path.of("bench-results");
    String heap = "16g";
    int jgraphtTimeoutSeconds = 600;
    boolean jgrapht = true;

    static GraphBenchmarkOptions parse(final String[] args)
    {
        final GraphBenchmarkOptions options = new GraphBenchmarkOptions();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--help":
                case "-h":
                    options.help = true;
                    break;
                case "--quick":
                    options.quick = true;
                    break;
                case "--scale":
                    options.scale = positive(args, ++i);
                    if (options.scale > 26)
                    {
                        throw new IllegalArgumentException("--scale " + options.scale + " is too large: at most 26");
                    }
                    break;
                case "--edge-factor":
                    options.edgeFactor = positive(args, ++i);
                    break;
                case "--seed":
                    options.seed = number(args, ++i);
                    break;
                case "--out":
                    options.out = Path.of(value(args, ++i));
                    break;
                case "--heap":
                    options.heap = value(args, i + 1);
                    if (!options.heap.matches("\\d+[kKmMgG]?"))
                    {
                        throw new IllegalArgumentException("--heap needs a size like 16g, not '" +
                            options.heap + "'");
                    }
                    i++;
                    break;
                case "--jgrapht-timeout":
                    options.jgraphtTimeoutSeconds = positive(args, ++i);
                    break;
                case "--no-jgrapht":
                    options.jgrapht = false;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (options.scale < 0)
        {
            options.scale = options.quick ? 16 : 20;
        }
        if ((long)options.edgeFactor << options.scale > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("--scale " + options.scale + " with --edge-factor " +
                options.edgeFactor + " has more than 2^31 edges");
        }
        return options;
    }

    /**
     * @return edges of the generated graph.
     */
    long edges()
    {
        return (long)edgeFactor << scale;
    }
}
