package io.shawarma.fabric.graph;

import io.shawarma.fabric.CommandLineOptions;
import io.shawarma.fabric.PropertySet;
import io.shawarma.udf.graph.VertexProgram;

import static io.shawarma.fabric.CommandLineOptions.decimal;
import static io.shawarma.fabric.CommandLineOptions.wholeNumber;

import java.nio.file.Path;

/**
 * Command line of the graph commands ({@code pagerank}, {@code sssp}, {@code cc}, {@code bfs}), shared by the
 * launching process and the worker processes it starts.
 */
final class GraphOptions
{
    static final String USAGE = String.join("\n",
        "usage: shawarma pagerank [job.properties] --edges FILE --out FILE [--workers N] [--iterations K | " +
        "--tolerance T] [--damping D]",
        "       shawarma sssp     [job.properties] --edges FILE --out FILE --source V [--workers N]",
        "       shawarma cc       [job.properties] --edges FILE --out FILE [--workers N]",
        "       shawarma bfs      [job.properties] --edges FILE --out FILE --source V [--workers N]",
        "",
        "Runs a vertex program in supersteps over N worker processes on this machine (default " +
        GraphConfiguration.WORKERS_DEFAULT + "). FILE is a",
        "SNAP-style edge list: '#' comments, 'src dst [weight]' per line, non-negative 64-bit ids. The output has",
        "one 'vertexId<TAB>value' line per vertex, sorted by id; unreachable vertices print inf.",
        "Every option is also a property, shawarma.graph. and its name with dots (--max-supersteps S is",
        "shawarma.graph.max.supersteps=S), set in job.properties or with -D; a flag wins over both.",
        "",
        "  --iterations K       PageRank iterations (default 100 with --tolerance, else 20)",
        "  --tolerance T        stop PageRank when the L1 change is below N*T (networkx's test)",
        "  --damping D          PageRank damping (default " + GraphConfiguration.DAMPING_DEFAULT + ")",
        "  --max-supersteps S   stop any program after S supersteps (default " +
        GraphConfiguration.MAX_SUPERSTEPS_DEFAULT + ")");

    String algorithm;
    Path edges;
    Path out;
    int workers = GraphConfiguration.WORKERS_DEFAULT;
    int iterations = -1;
    double tolerance;
    double damping = GraphConfiguration.DAMPING_DEFAULT;
    long source = -1;
    long maxSupersteps = GraphConfiguration.MAX_SUPERSTEPS_DEFAULT;
    // Set only in worker processes started by the launcher.
    int workerId = -1;
    String members;
    String aeronDir;
    Path part;
    boolean help;

    static GraphOptions parse(final String[] args)
    {
        final GraphOptions options = new GraphOptions();
        if (args.length == 0)
        {
            throw new IllegalArgumentException("missing command: pagerank, sssp, cc or bfs");
        }
        options.algorithm = args[0];
        options.help = CommandLineOptions.forEach(args, 1, GraphConfiguration.PREFIX,
            PropertySet.constantsOf(GraphConfiguration.class), (name, value) ->
            {
                switch (name)
                {
                    case "--edges":
                        options.edges = Path.of(value);
                        break;
                    case "--out":
                        options.out = Path.of(value);
                        break;
                    case "--workers":
                        options.workers = (int)wholeNumber(name, value, 1, 64);
                        break;
                    case "--iterations":
                        options.iterations = (int)wholeNumber(name, value, 1, Integer.MAX_VALUE);
                        break;
                    case "--tolerance":
                        options.tolerance = decimal(name, value);
                        break;
                    case "--damping":
                        options.damping = decimal(name, value);
                        break;
                    case "--source":
                        options.source = wholeNumber(name, value, 0, Long.MAX_VALUE);
                        break;
                    case "--max-supersteps":
                        options.maxSupersteps = wholeNumber(name, value, 1, Long.MAX_VALUE);
                        break;
                    case "--worker-id":
                        options.workerId = (int)wholeNumber(name, value, 0, Integer.MAX_VALUE);
                        break;
                    case "--members":
                        options.members = value;
                        break;
                    case "--part":
                        options.part = Path.of(value);
                        break;
                    case "--aeron-dir":
                        options.aeronDir = value;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option '" + name + "'");
                }
            });
        if (!options.help)
        {
            options.check();
        }
        return options;
    }

    VertexProgram program()
    {
        switch (algorithm)
        {
            case "pagerank":
                return new PageRankProgram(damping, iterations, tolerance);
            case "sssp":
                return new SsspProgram(source);
            case "cc":
                return MinLabelProgram.connectedComponents();
            default:
                return MinLabelProgram.bfs(source);
        }
    }

    /**
     * @return true when the values are doubles (PageRank, SSSP), false when longs (CC labels, BFS hops).
     */
    boolean hasDoubleValues()
    {
        return "pagerank".equals(algorithm) || "sssp".equals(algorithm);
    }

    private void check()
    {
        if (!"pagerank".equals(algorithm) && !"sssp".equals(algorithm) && !"cc".equals(algorithm) &&
            !"bfs".equals(algorithm))
        {
            throw new IllegalArgumentException("unknown command '" + algorithm + "': pagerank, sssp, cc or bfs");
        }
        if (null == edges || null == out && null == part)
        {
            throw new IllegalArgumentException("--edges and --out are required");
        }
        if (("sssp".equals(algorithm) || "bfs".equals(algorithm)) && source < 0)
        {
            throw new IllegalArgumentException(algorithm + " needs --source V");
        }
        if (damping < 0 || damping > 1)
        {
            throw new IllegalArgumentException("--damping " + damping + " is outside [0, 1]");
        }
        if (tolerance < 0)
        {
            throw new IllegalArgumentException("--tolerance must not be negative");
        }
        if (iterations < 0)
        {
            iterations = tolerance > 0 ? 100 : 20;
        }
    }
}
