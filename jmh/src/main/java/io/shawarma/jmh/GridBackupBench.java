package io.shawarma.jmh;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.grid.GridConfiguration;
import io.shawarma.fabric.grid.SlotRoutedClient;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.HdrHistogram.Histogram;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.shawarma.jmh.GridRig.require;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Synchronous slot backups: for 0, 1 and 2 backups per slot, a fresh grid of three workers (in-memory stores, the
 * same settings but for the backup count) and the latency of the {@code add} UDF on counters through a
 * {@link SlotRoutedClient}: a write answered only once every backup of its slot applied it. The same counters, value
 * size, warm-up and number of timed calls for all three; ratios of 1 and 2 backups to none. The grid with one backup
 * then serves the promotion and re-replication figures ({@link GridPromotionBench}).
 */
final class GridBackupBench
{
    /** Worker heartbeat timeout of these grids, tuned so that a killed worker is declared dead in about 0.5 s. */
    static final long HEARTBEAT_TIMEOUT_MS = 500;
    /** Worker heartbeat interval of these grids. */
    static final long HEARTBEAT_INTERVAL_MS = 50;

    private static final int WORKERS = 3;
    private static final int COUNTERS = 1_000;
    /** Counter ids far from the bulk vertices' (0 up). */
    private static final long COUNTER_BASE = 1L << 40;
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final long CALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final GridBenchmark.Options options;
    private final List<Result> results;
    private final Map<String, String> config;

    GridBackupBench(final GridBenchmark.Options options, final List<Result> results, final Map<String, String> config)
    {
        this.options = options;
        this.results = results;
        this.config = config;
    }

    void run(final Transport transport)
    {
        final int bulkVertices = GridPromotionBench.vertices(options.quick);
        final Result[] writes = new Result[GridConfiguration.BACKUPS_MAX + 1];
        for (int backups = 0; backups <= GridConfiguration.BACKUPS_MAX; backups++)
        {
            System.out.println("bench grid: writes with " + backups + " backups per slot");
            try (GridRig rig = new GridRig("grid-backups-" + backups, transport, options.members, options.idle,
                settings(backups, bulkVertices)))
            {
                rig.start(WORKERS);
                rig.awaitSpreadAndInSync();
                writes[backups] = writeLatency(rig, backups);
                results.add(writes[backups]);
                if (1 == backups)
                {
                    new GridPromotionBench(options, rig, results, config).run();
                }
            }
        }
        for (int backups = 1; backups <= GridConfiguration.BACKUPS_MAX; backups++)
        {
            for (final int percentile : new int[]{ 50, 99 })
            {
                results.add(Result.ratio("grid_write_b" + backups + "_vs_b0_p" + percentile, writes[backups],
                    writes[0], percentile));
            }
        }
        config.put("writes", "add (int64 counter, 8 B values) on " + COUNTERS + " counters in turn, one call at a " +
            "time, " + WORKERS + " in-memory workers, idle " + options.idle + ", worker heartbeat timeout " +
            HEARTBEAT_TIMEOUT_MS + " ms, interval " + HEARTBEAT_INTERVAL_MS + " ms; " + warmup() + " calls of " +
            "warm-up, " + timed() + " timed, for each backup count");
    }

    /**
     * @return every worker's and member's settings for a grid with this many backups per slot and room in every
     * store for all the vertices (with one backup, two survivors end up holding every vertex).
     */
    private static Map<String, String> settings(final int backups, final int bulkVertices)
    {
        final long entries = (bulkVertices + COUNTERS) * 5L / 4 + 1024;
        return Map.of(
            GridConfiguration.BACKUPS_PROP, Integer.toString(backups),
            GridConfiguration.HEARTBEAT_TIMEOUT_MS_PROP, Long.toString(HEARTBEAT_TIMEOUT_MS),
            GridConfiguration.HEARTBEAT_INTERVAL_MS_PROP, Long.toString(HEARTBEAT_INTERVAL_MS),
            // No slots moved on load in the middle of a measurement.
            GridConfiguration.SKEW_THRESHOLD_PROP, "0",
            Configuration.STORE_ENTRIES_PROP, Long.toString(entries),
            Configuration.STORE_VALUE_AVERAGE_BYTES_PROP, Integer.toString(GridPromotionBench.VALUE_BYTES));
    }

    private Result writeLatency(final GridRig rig, final int backups)
    {
        final UnsafeBuffer zero = new UnsafeBuffer(new byte[Long.BYTES]);
        final UnsafeBuffer one = new UnsafeBuffer(new byte[Long.BYTES]);
        one.putLong(0, 1, LITTLE_ENDIAN);
        final ExpandableArrayBuffer result = new ExpandableArrayBuffer(64);
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        int failed = 0;
        try (SlotRoutedClient client = rig.dataClient(rig.workerIds(), CALL_TIMEOUT_NS))
        {
            for (int i = 0; i < COUNTERS; i++)
            {
                require(Status.OK == client.put(COUNTER_BASE + i, zero, 0, Long.BYTES), "counter " + i + " created");
            }
            final int calls = warmup() + timed();
            for (int i = 0; i < calls; i++)
            {
                final long startNs = System.nanoTime();
                final Status status = client.invoke(COUNTER_BASE + i % COUNTERS, ADD, one, 0, Long.BYTES, result);
                final long tookNs = System.nanoTime() - startNs;
                if (Status.OK != status)
                {
                    // Not timed: e.g. a lease that ran out on a starved worker (TIMEOUT, outcome unknown).
                    failed++;
                }
                else if (i >= warmup())
                {
                    histogram.recordValue(tookNs);
                }
            }
        }
        config.put("write_failures_b" + backups, Integer.toString(failed));
        return Result.latency("grid_write_b" + backups, histogram);
    }

    private int warmup()
    {
        return options.quick ? 1_000 : 5_000;
    }

    private int timed()
    {
        return options.quick ? 5_000 : 20_000;
    }
}
