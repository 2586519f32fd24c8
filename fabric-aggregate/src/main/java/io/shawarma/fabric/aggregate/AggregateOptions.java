package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.CommandLineOptions;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.PropertySet;
import io.shawarma.fabric.UserClasses;
import io.shawarma.fabric.graph.EdgeList;
import io.shawarma.fabric.graph.EdgeListParser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.shawarma.fabric.CommandLineOptions.wholeNumber;

/**
 * Command line of {@code scripts/shawarma aggregate}, shared by the launching process, the worker processes it
 * starts (which get the same options plus their worker id, the member list and the launcher's media driver
 * directory) and the workers on other hosts (the same options, their worker id and the member list).
 */
final class AggregateOptions
{
    static final String USAGE = String.join("\n",
        "usage: shawarma aggregate [job.properties] (--program NAME | --program-class CLASS)",
        "                          (--grid WxH | --edges FILE) --out FILE [--rounds R] [--workers N]",
        "                          [--sources ID[,ID...]] [--mode sync|async] [--retention K] [--seed S]",
        "                          [--members SPEC [--worker-id ID]] [--connect-timeout S]",
        "",
        "Runs an aggregate (field calculus) program on every device of a network, in rounds, over N worker",
        "processes on this machine, or over workers on several hosts (--members); devices are vertices and",
        "neighbours are edges, both ways. The output has one 'deviceId<TAB>value' line per device, sorted by id,",
        "with each device's value after the last round (inf: no source reached); worker 1 gathers every worker's",
        "values over Aeron and prints a progress line per round on stderr. Every option is also a",
        "property, shawarma.aggregate. and its name with dots (--program-class C is",
        "shawarma.aggregate.program.class=C), set in job.properties or with -D; a flag wins over both, and of",
        "--program and --program-class (or --grid and --edges) the last one given counts.",
        "",
        "  --program NAME       a built-in program: " + String.join(", ", BuiltinPrograms.NAMES),
        "  --program-class C    your own io.shawarma.fabric.aggregate.AggregateProgram (public, no-argument",
        "                       constructor), on the classpath of every worker (SHAWARMA_CLASSPATH)",
        "  --grid WxH           a W x H grid, 4 neighbours at range 1; device (x, y) has id y*W+x",
        "  --edges FILE         a SNAP-style edge list: 'src dst [range]' per line",
        "  --rounds R           rounds to run (default " + AggregateConfiguration.ROUNDS_DEFAULT + ")",
        "  --workers N          worker processes on this machine (default " + AggregateConfiguration.WORKERS_DEFAULT +
        ")",
        "  --sources IDS        devices whose 'source' sensor is 1 (default: the smallest device id)",
        "  --mode sync|async    synchronous rounds, reproducible for any N (default), or asynchronous ones:",
        "                       each device in a shuffled order against its neighbours' latest exports",
        "  --retention K        rounds a neighbour's export stays visible without a newer one (default " +
        AggregateConfiguration.RETENTION_DEFAULT + ")",
        "  --seed S             seed of the asynchronous firing order (default " +
        AggregateConfiguration.SEED_DEFAULT + ")",
        "  --connect-timeout S  seconds a worker waits for the other members to be reachable (default " +
        AggregateConfiguration.CONNECT_TIMEOUT_DEFAULT + ")",
        "",
        "On several hosts: give every worker the same options and --members SPEC, the workers' id@channel in order,",
        "e.g. \"1@aeron:udp?endpoint=10.0.0.1:40200,2@aeron:udp?endpoint=10.0.0.2:40200\" (instead of --workers).",
        "The first member runs the command as above and gets every device's output; each other member runs it with",
        "--worker-id ID (and no --out) on its own host, where it builds the same network (its own copy of an --edges",
        "file or a shared path) and sends its devices' outputs to the first member over Aeron. Each runs its own media",
        "driver and receives on its own endpoint: open those UDP ports between the hosts.");

    String program;
    String programClass;
    String grid;
    Path edges;
    Path out;
    int rounds = AggregateConfiguration.ROUNDS_DEFAULT;
    int workers = AggregateConfiguration.WORKERS_DEFAULT;
    long[] sources;
    boolean synchronous = mode(AggregateConfiguration.MODE_DEFAULT);
    int retention = AggregateConfiguration.RETENTION_DEFAULT;
    long seed = AggregateConfiguration.SEED_DEFAULT;
    int connectTimeoutSeconds = AggregateConfiguration.CONNECT_TIMEOUT_DEFAULT;
    // Set on the workers of a job across hosts, and on the children of a launcher on this machine.
    String members;
    int workerId = -1;
    // Set only in worker processes started by the launcher: its media driver.
    String aeronDir;
    boolean help;

    static AggregateOptions parse(final String[] args)
    {
        final AggregateOptions options = new AggregateOptions();
        options.help = CommandLineOptions.forEach(args, 0, AggregateConfiguration.PREFIX,
            PropertySet.constantsOf(AggregateConfiguration.class), (name, value) ->
            {
                switch (name)
                {
                    case "--program":
                        options.program = value;
                        options.programClass = null;
                        break;
                    case "--program-class":
                        options.programClass = value;
                        options.program = null;
                        break;
                    case "--grid":
                        options.grid = value;
                        options.edges = null;
                        break;
                    case "--edges":
                        options.edges = Path.of(value);
                        options.grid = null;
                        break;
                    case "--out":
                        options.out = Path.of(value);
                        break;
                    case "--rounds":
                        options.rounds = (int)wholeNumber(name, value, 0, Integer.MAX_VALUE - 1);
                        break;
                    case "--workers":
                        options.workers = (int)wholeNumber(name, value, 1, 64);
                        break;
                    case "--sources":
                        options.sources = ids(name, value);
                        break;
                    case "--mode":
                        options.synchronous = mode(value);
                        break;
                    case "--retention":
                        options.retention = (int)wholeNumber(name, value, 1, 1_000_000);
                        break;
                    case "--seed":
                        options.seed = wholeNumber(name, value, Long.MIN_VALUE, Long.MAX_VALUE);
                        break;
                    case "--connect-timeout":
                        options.connectTimeoutSeconds = (int)wholeNumber(name, value, 1, 86_400);
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

    /**
     * @return the network the options name, read or generated.
     */
    EdgeList network()
    {
        if (null != grid)
        {
            final int[] size = GridNetwork.parseSize(grid);
            return GridNetwork.of(size[0], size[1]);
        }
        return EdgeListParser.parseGraph(edges);
    }

    /**
     * @return a new instance of the program the options name.
     * @throws IllegalArgumentException when the program class cannot be loaded or made.
     */
    AggregateProgram newProgram()
    {
        if (null != program)
        {
            return BuiltinPrograms.byName(program);
        }
        return UserClasses.newInstance("--program-class", programClass, AggregateProgram.class);
    }

    /**
     * @return the members of the job, parsed.
     */
    FabricMembers fabricMembers()
    {
        return FabricMembers.parse(members, "--members");
    }

    /**
     * @return the options a worker process gets, before its own worker id, members and media driver.
     */
    List<String> workerArgs()
    {
        final List<String> args = new ArrayList<>(List.of(
            null != program ? "--program" : "--program-class", null != program ? program : programClass,
            null != grid ? "--grid" : "--edges", null != grid ? grid : edges.toString(),
            "--rounds", Integer.toString(rounds), "--mode", synchronous ? "sync" : "async",
            "--retention", Integer.toString(retention), "--seed", Long.toString(seed),
            "--connect-timeout", Integer.toString(connectTimeoutSeconds)));
        if (null != sources)
        {
            final StringBuilder ids = new StringBuilder();
            for (final long source : sources)
            {
                ids.append(ids.length() == 0 ? "" : ",").append(source);
            }
            args.addAll(List.of("--sources", ids.toString()));
        }
        return args;
    }

    private void check()
    {
        if ((null == program) == (null == programClass))
        {
            throw new IllegalArgumentException("give one of --program NAME or --program-class CLASS");
        }
        if (null != program && !BuiltinPrograms.NAMES.contains(program))
        {
            throw new IllegalArgumentException("unknown --program '" + program + "', expected one of " +
                BuiltinPrograms.NAMES);
        }
        if ((null == grid) == (null == edges))
        {
            throw new IllegalArgumentException("give one of --grid WxH or --edges FILE");
        }
        if (null != grid)
        {
            GridNetwork.parseSize(grid);
        }
        if (workerId < 0 && null == out)
        {
            throw new IllegalArgumentException("--out FILE is required");
        }
        checkMembers();
    }

    /**
     * A job across hosts: the members parse, the workers come from them (not --workers), and a worker other than the
     * first is one of them.
     */
    private void checkMembers()
    {
        if (null == members)
        {
            if (workerId >= 0)
            {
                throw new IllegalArgumentException("--worker-id needs --members SPEC, the same on every worker");
            }
            return;
        }
        final FabricMembers parsed = fabricMembers();
        if (parsed.size() < 2)
        {
            throw new IllegalArgumentException("--members lists one worker: give two or more, or leave --members out");
        }
        if (workers != AggregateConfiguration.WORKERS_DEFAULT)
        {
            throw new IllegalArgumentException("--workers and --members: give one (--members lists the workers)");
        }
        if (workerId >= 0 && null == aeronDir)
        {
            if (null == parsed.channelOf(workerId))
            {
                throw new IllegalArgumentException("--worker-id " + workerId + " is not in --members " + parsed);
            }
            if (workerId == parsed.idAt(0))
            {
                throw new IllegalArgumentException("--worker-id " + workerId + " is the first member: run it " +
                    "without --worker-id, with --out FILE");
            }
            if (null != out)
            {
                throw new IllegalArgumentException("--out is for the first member: the others send it their outputs");
            }
        }
        workers = parsed.size();
    }

    private static boolean mode(final String value)
    {
        if ("sync".equals(value) || "async".equals(value))
        {
            return "sync".equals(value);
        }
        throw new IllegalArgumentException("--mode " + value + ": expected sync or async");
    }

    private static long[] ids(final String name, final String value)
    {
        final String[] parts = value.split(",");
        final long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            ids[i] = wholeNumber(name, parts[i].trim(), 0, Long.MAX_VALUE);
        }
        return ids;
    }
}
