package io.shawarma.fabric.graph;

import io.shawarma.fabric.CommandLineOptions;
import io.shawarma.fabric.PropertySet;
import io.shawarma.fabric.UserClasses;
import io.shawarma.udf.graph.VertexProgram;

import static io.shawarma.fabric.CommandLineOptions.decimal;
import static io.shawarma.fabric.CommandLineOptions.wholeNumber;

import java.nio.file.Path;
import java.util.List;

/**
 * Command line of the graph commands ({@code pagerank}, {@code sssp}, {@code cc}, {@code bfs}), shared by the
 * launching process and the worker processes it starts.
 */
final class GraphOptions
{
    static final String USAGE = String.join("\n",
        "usage: shawarma pagerank [job.properties] --edges FILE RESULTS [--workers N] [--iterations K | " +
        "--tolerance T] [--damping D]",
        "       shawarma sssp     [job.properties] --edges FILE RESULTS --source V [--workers N]",
        "       shawarma cc       [job.properties] --edges FILE RESULTS [--workers N]",
        "       shawarma bfs      [job.properties] --edges FILE RESULTS --source V [--workers N]",
        "       shawarma pregel   [job.properties] --program-class CLASS --edges FILE RESULTS [--values i64|f64] " +
        "[--workers N]",
        "where RESULTS is --out FILE, --into FABRIC, or both.",
        "",
        "Runs a vertex program in supersteps over N workers on this machine (default " +
        GraphConfiguration.WORKERS_DEFAULT + "). FILE is a",
        "SNAP-style edge list: '#' comments, 'src dst [weight]' per line, non-negative 64-bit ids. The output has",
        "one 'vertexId<TAB>value' line per vertex, sorted by id; unreachable vertices print inf.",
        "--into puts each result into a running fabric (e.g. \"1@aeron:udp?endpoint=127.0.0.1:20001,...\") as",
        "the vertex of the same id, its value 8 bytes little-endian: an f64 for pagerank and sssp (inf when",
        "unreachable), an i64 for cc and bfs (" + MinLabelProgram.UNREACHED + " when unreachable); read it",
        "with the 'read' UDF.",
        "pregel runs your io.shawarma.udf.graph.VertexProgram (public, no-argument constructor, on",
        "SHAWARMA_CLASSPATH); --values says whether its 64-bit values are i64 (default) or f64.",
        "Every option is also a property, shawarma.graph. and its name with dots (--max-supersteps S is",
        "shawarma.graph.max.supersteps=S), set in job.properties or with -D; a flag wins over both.",
        "",
        "  --workers-as HOW     threads of this process (default: one JIT, one copy of the graph, shared",
        "                       memory between them) or processes (a JVM each)",
        "  --iterations K       PageRank iterations (default 100 with --tolerance, else 20)",
        "  --tolerance T        stop PageRank when the L1 change is below N*T (networkx's test)",
        "  --damping D          PageRank damping (default " + GraphConfiguration.DAMPING_DEFAULT + ")",
        "  --max-supersteps S   stop any program after S supersteps (default " +
        GraphConfiguration.MAX_SUPERSTEPS_DEFAULT + ")",
        "",
        "On several hosts: give every worker the same options and --members SPEC, the workers' id@channel in order,",
        "e.g. \"1@aeron:udp?endpoint=10.0.0.1:40100,2@aeron:udp?endpoint=10.0.0.2:40100\". The first member runs",
        "the command as above and gets every result; each other member runs it with --worker-id ID (and no --out",
        "or --into) on its own host, where it reads FILE (its own copy or a shared path) and sends its results to",
        "the first member over Aeron.");

    String algorithm;
    Path edges;
    Path out;
    String into;
    String programClass;
    String values = GraphConfiguration.VALUES_DEFAULT;
    int workers = GraphConfiguration.WORKERS_DEFAULT;
    String workersAs = GraphConfiguration.WORKERS_AS_THREADS;
    int iterations = -1;
    double tolerance;
    double damping = GraphConfiguration.DAMPING_DEFAULT;
    long source = -1;
    long maxSupersteps = GraphConfiguration.MAX_SUPERSTEPS_DEFAULT;
    // Set in the workers other than the first: children of the launcher, or workers on other hosts.
    int workerId = -1;
    String members;
    String aeronDir;
    boolean help;

    static GraphOptions parse(final String[] args)
    {
        final GraphOptions options = new GraphOptions();
        if (args.length == 0)
        {
            throw new IllegalArgumentException("missing command: pagerank, sssp, cc, bfs or pregel");
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
                    case "--into":
                        options.into = value;
                        break;
                    case "--program-class":
                        options.programClass = value;
                        break;
                    case "--values":
                        options.values = value;
                        break;
                    case "--workers":
                        options.workers = (int)wholeNumber(name, value, 1, 64);
                        break;
                    case "--workers-as":
                        options.workersAs = value;
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
            case "bfs":
                return MinLabelProgram.bfs(source);
            default:
                return UserClasses.newInstance("--program-class", programClass, VertexProgram.class);
        }
    }

    /**
     * @return true when the values are doubles (PageRank, SSSP, a pregel program with --values f64), false when
     * longs (CC labels, BFS hops, a pregel program's default).
     */
    boolean hasDoubleValues()
    {
        return "pagerank".equals(algorithm) || "sssp".equals(algorithm) || "f64".equals(values);
    }

    private void check()
    {
        if (!List.of("pagerank", "sssp", "cc", "bfs", "pregel").contains(algorithm))
        {
            throw new IllegalArgumentException(
                "unknown command '" + algorithm + "': pagerank, sssp, cc, bfs or pregel");
        }
        if (null == edges || workerId < 0 && null == out && null == into)
        {
            throw new IllegalArgumentException("--edges and --out FILE or --into FABRIC are required");
        }
        if ("pregel".equals(algorithm) == (null == programClass))
        {
            throw new IllegalArgumentException("pregel".equals(algorithm) ? "pregel needs --program-class CLASS" :
                "--program-class is for the pregel command");
        }
        if (!GraphConfiguration.WORKERS_AS_THREADS.equals(workersAs) &&
            !GraphConfiguration.WORKERS_AS_PROCESSES.equals(workersAs))
        {
            throw new IllegalArgumentException("--workers-as " + workersAs + ": expected threads or processes");
        }
        if (!"i64".equals(values) && !"f64".equals(values))
        {
            throw new IllegalArgumentException("--values " + values + ": expected i64 or f64");
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
