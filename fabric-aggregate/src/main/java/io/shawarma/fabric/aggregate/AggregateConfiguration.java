package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.Configuration;

/**
 * The aggregate jobs' property names and defaults ({@code shawarma aggregate}); each property is also the option
 * after the prefix, with dashes ({@link #PROGRAM_CLASS_PROP} is {@code --program-class}), which wins over it. Read
 * like every other property ({@link Configuration}).
 */
public final class AggregateConfiguration
{
    /** The prefix of the aggregate jobs' properties. */
    public static final String PREFIX = "shawarma.aggregate.";

    /** A built-in program, by name; or {@link #PROGRAM_CLASS_PROP}. */
    public static final String PROGRAM_PROP = "shawarma.aggregate.program";

    /** A program class of the user's, on every worker's classpath; or {@link #PROGRAM_PROP}. */
    public static final String PROGRAM_CLASS_PROP = "shawarma.aggregate.program.class";

    /** A generated W x H grid network ({@code WxH}); or {@link #EDGES_PROP}. */
    public static final String GRID_PROP = "shawarma.aggregate.grid";

    /** A SNAP-style edge list network; or {@link #GRID_PROP}. */
    public static final String EDGES_PROP = "shawarma.aggregate.edges";

    /** The file to write, one {@code deviceId<TAB>value} line per device. */
    public static final String OUT_PROP = "shawarma.aggregate.out";

    /** Rounds to run. */
    public static final String ROUNDS_PROP = "shawarma.aggregate.rounds";
    public static final int ROUNDS_DEFAULT = 100;

    /** Worker processes on this machine, the launcher's included. */
    public static final String WORKERS_PROP = "shawarma.aggregate.workers";
    public static final int WORKERS_DEFAULT = 1;

    /** Devices whose source sensor is 1, comma separated; default the smallest device id. */
    public static final String SOURCES_PROP = "shawarma.aggregate.sources";

    /** {@code sync} (reproducible for any number of workers) or {@code async} rounds. */
    public static final String MODE_PROP = "shawarma.aggregate.mode";
    public static final String MODE_DEFAULT = "sync";

    /** Rounds a neighbour's export stays visible without a newer one. */
    public static final String RETENTION_PROP = "shawarma.aggregate.retention";
    public static final int RETENTION_DEFAULT = 3;

    /** Seed of the asynchronous firing order. */
    public static final String SEED_PROP = "shawarma.aggregate.seed";
    public static final long SEED_DEFAULT = 1;

    /** Seconds a worker waits for every other member to be reachable before it gives up. */
    public static final String CONNECT_TIMEOUT_PROP = "shawarma.aggregate.connect.timeout";
    public static final int CONNECT_TIMEOUT_DEFAULT = 120;

    private AggregateConfiguration()
    {
    }
}
