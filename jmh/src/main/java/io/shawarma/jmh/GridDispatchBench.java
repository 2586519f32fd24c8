package io.shawarma.jmh;

import io.shawarma.codecs.TaskState;
import io.shawarma.fabric.grid.DagJson;
import io.shawarma.fabric.grid.DagWatch;
import io.shawarma.fabric.grid.GridClient;
import io.shawarma.fabric.grid.GridConfiguration;
import io.shawarma.fabric.grid.GridListener;
import io.shawarma.fabric.grid.SlotRoutedClient;
import io.shawarma.fabric.grid.StatusWatch;
import io.shawarma.fabric.grid.TaskDag;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import org.HdrHistogram.Histogram;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.shawarma.jmh.GridRig.require;

/**
 * Task dispatch on one idle profile: a grid of two workers whose members and workers all use that idle strategy,
 * measured against the cluster's raw echo on the same grid: submit to running, the dependant hop, and tasks/s of a
 * wide DAG (independent tasks) and a deep one (a chain). Every figure is named with the profile as suffix
 * ({@code cluster_echo_rtt_backoff}); the ratios to the echo of the same profile are values in unit {@code x}.
 * Optionally a third worker joins afterwards (slot migration).
 */
final class GridDispatchBench
{
    private static final int WORKERS = 2;
    /**
     * Tasks the cluster keeps running on one worker (shawarma.grid.max.tasks.per.worker, default 4): the window of a
     * wide DAG. Trivial tasks finish in microseconds while a round trip through consensus takes a millisecond or more,
     * so the window, not the workers, bounds the throughput of a small one.
     */
    private static final int TASK_WINDOW = 4096;
    private static final long PING_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int VALUE_BYTES = 256;

    /**
     * Round trips each contender runs before it is timed, the same for the echo and for submissions: the service's
     * submission path runs only when a DAG is submitted, so with fewer it is timed while still interpreted.
     */
    private final int warmUp;
    private final GridBenchmark.Options options;
    private final String profile;
    private final List<Result> results;
    private final Map<String, String> config;
    private final Probe probe = new Probe();

    GridDispatchBench(
        final GridBenchmark.Options options, final String profile, final List<Result> results,
        final Map<String, String> config)
    {
        this.options = options;
        this.warmUp = options.quick ? 2_000 : 5_000;
        this.profile = profile;
        this.results = results;
        this.config = config;
    }

    /**
     * Starts the grid, measures, stops it.
     *
     * @param joinMigration whether a third worker then joins, measuring the slot migration.
     */
    void run(final Transport transport, final boolean joinMigration)
    {
        System.out.println("bench grid: dispatch, idle " + profile);
        config.put("dispatch_warm_up", warmUp + " echoes, and as many one-task DAGs, before either is timed; one " +
            "untimed chain before the timed chain, one untimed wide DAG before the timed one");
        try (GridRig rig = new GridRig("grid-dispatch-" + profile, transport, options.members, profile, Map.of(
            GridConfiguration.MAX_TASKS_PER_WORKER_PROP, Integer.toString(TASK_WINDOW),
            GridConfiguration.MAX_FINISHED_DAGS_PROP, "64")))
        {
            rig.start(WORKERS);
            measure(rig, joinMigration);
        }
    }

    private void measure(final GridRig rig, final boolean joinMigration)
    {
        try (GridClient client = rig.connect(probe))
        {
            final Result echo = echo(client);
            final Result submit = submitToRunning(client);
            final Result hop = dependantHop(client);
            results.add(echo);
            results.add(submit);
            results.add(hop);
            for (final int percentile : new int[]{ 50, 99 })
            {
                results.add(Result.ratio(submit.name + "_vs_echo_p" + percentile, submit, echo, percentile));
                results.add(Result.ratio(hop.name + "_vs_echo_p" + percentile, hop, echo, percentile));
            }
            wideDag(client);
            if (joinMigration)
            {
                joinMigration(rig);
            }
        }
    }

    private Result echo(final GridClient client)
    {
        final int count = options.quick ? 5_000 : 20_000;
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final IdleStrategy wait = IdleStrategies.of("yielding");
        int lost = 0;
        for (int i = 0; i < warmUp + count; i++)
        {
            final long sentNs = System.nanoTime();
            probe.awaitedPing = sentNs;
            probe.pingReturned = false;
            require(client.ping(sentNs), "ping sent");
            while (!probe.pingReturned && System.nanoTime() - sentNs < PING_TIMEOUT_NS)
            {
                wait.idle(client.poll());
            }
            if (!probe.pingReturned)
            {
                // Lost with a leader change (elections happen when a loaded machine starves a member): not timed.
                lost++;
            }
            else if (i >= warmUp)
            {
                histogram.recordValue(System.nanoTime() - sentNs);
            }
        }
        config.put("lost_pings_" + profile, Integer.toString(lost));
        return Result.latency("cluster_echo_rtt_" + profile, histogram);
    }

    private Result submitToRunning(final GridClient client)
    {
        final int count = options.quick ? 1_000 : 5_000;
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final String json = DagJson.write(TaskDag.builder("one").task("t", "add", List.of(), 1).build());
        for (int i = 0; i < warmUp + count; i++)
        {
            final DagWatch watch = run(client, json);
            require(watch.isSucceeded(), "one-task DAG done");
            if (i >= warmUp)
            {
                histogram.recordValue(watch.runningAtNs(0) - watch.submittedAtNs());
            }
        }
        return Result.latency("grid_submit_to_running_" + profile, histogram);
    }

    private Result dependantHop(final GridClient client)
    {
        final int length = options.quick ? 200 : 1_000;
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final TaskDag.Builder chain = TaskDag.builder("chain").task("t0", "add", List.of(), 1);
        for (int i = 1; i < length; i++)
        {
            chain.task("t" + i, "add", List.of("t" + (i - 1)), 1);
        }
        final String json = DagJson.write(chain.build());
        // One chain untimed first: fetching a dependant's inputs runs only in chains.
        require(run(client, json).isSucceeded(), "warm-up chain done");
        final DagWatch watch = run(client, json);
        require(watch.isSucceeded() && watch.resultAsLong(length - 1) == length, "chain sums to its length");
        for (int i = 1; i < length; i++)
        {
            histogram.recordValue(watch.runningAtNs(i) - watch.runningAtNs(i - 1));
        }
        // A chain runs one task at a time: its rate is the hop's, whole DAG included (submission to last result).
        final double seconds = (probe.finishedAtNs - watch.submittedAtNs()) / 1e9;
        results.add(Result.value("grid_deep_dag_throughput_" + profile, "tasks/s", length / seconds));
        return Result.latency("grid_dependant_hop_" + profile, histogram);
    }

    private void wideDag(final GridClient client)
    {
        final int width = options.quick ? 4_000 : 10_000;
        config.put("wide_dag", width + " independent tasks; " + GridConfiguration.MAX_TASKS_PER_WORKER_PROP + "=" +
            TASK_WINDOW + " on " + WORKERS + " workers");
        final TaskDag.Builder wide = TaskDag.builder("wide");
        for (int i = 0; i < width; i++)
        {
            wide.task("t" + i, "add", List.of(), i);
        }
        final String json = DagJson.write(wide.build());
        require(run(client, json).isSucceeded(), "warm-up wide DAG done");
        final DagWatch watch = run(client, json);
        for (int i = 0; i < width; i++)
        {
            require(watch.state(i) == TaskState.DONE && watch.resultAsLong(i) == i, "wide task " + i + " done");
        }
        final double seconds = (probe.finishedAtNs - watch.submittedAtNs()) / 1e9;
        results.add(Result.value("grid_wide_dag_throughput_" + profile, "tasks/s", width / seconds));
    }

    private DagWatch run(final GridClient client, final String json)
    {
        final DagWatch watch = new DagWatch(null, IdleStrategies.of("yielding"));
        probe.watch = watch;
        final long deadlineNs = System.nanoTime() + GridRig.TIMEOUT_NS;
        require(watch.submit(client, json, deadlineNs) > 0, "DAG accepted: " + watch.refusal());
        require(watch.awaitFinished(client, deadlineNs, TimeUnit.SECONDS.toNanos(2)), "DAG finished in time");
        probe.finishedAtNs = System.nanoTime();
        return watch;
    }

    /**
     * A third worker joins the two holding vertices written through the data plane: from its start (it has joined)
     * until the cluster's status shows it owning its share, every move streamed, installed and committed.
     */
    private void joinMigration(final GridRig rig)
    {
        final int vertices = options.quick ? 5_000 : 20_000;
        final int joining = WORKERS + 1;
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_BYTES]);
        final ExpandableArrayBuffer read = new ExpandableArrayBuffer(VALUE_BYTES);
        try (SlotRoutedClient data = rig.dataClient(List.of(1, 2, joining), TimeUnit.SECONDS.toNanos(10)))
        {
            for (long vertex = 0; vertex < vertices; vertex++)
            {
                value.putLong(0, vertex);
                require(Status.OK == data.put(vertex, value, 0, VALUE_BYTES), "vertex " + vertex + " stored");
            }

            rig.startWorker(joining);
            final long startNs = System.nanoTime();
            final int share = GridConfiguration.SLOTS_DEFAULT / joining;
            final StatusWatch status = rig.awaitStatus("the joining worker's share",
                watch -> watch.slotsByWorker().getOrDefault(joining, 0) >= share);
            final double seconds = (System.nanoTime() - startNs) / 1e9;

            long moved = 0;
            for (long vertex = 0; vertex < vertices; vertex++)
            {
                require(Status.OK == data.get(vertex, read) && read.getLong(0) == vertex,
                    "vertex " + vertex + " kept");
                moved += joining == data.ownerOf(vertex) ? 1 : 0;
            }
            final int slots = status.slotsByWorker().get(joining);
            results.add(Result.value("grid_join_migration_slots", "slots/s", slots / seconds));
            results.add(Result.value("grid_join_migration_bytes", "MB/s", moved * VALUE_BYTES / seconds / 1e6));
            config.put("migration", "a third worker joining two (idle " + profile + ", " +
                GridConfiguration.BACKUPS_DEFAULT + " backup per slot): from its start to owning its share; " +
                slots + " slots, " + moved + " vertices of " + VALUE_BYTES + " B in " +
                String.format("%.2f s", seconds));
        }
    }

    /** Routes what the cluster sends to the DAG being watched, and notes returned pings. */
    private static final class Probe implements GridListener
    {
        DagWatch watch;
        long awaitedPing;
        boolean pingReturned;
        long finishedAtNs;

        public void onPing(final long timestampNs)
        {
            pingReturned |= timestampNs == awaitedPing;
        }

        public void onSubmitResult(
            final long correlationId, final long dagId, final int taskCount, final String refusal)
        {
            if (null != watch)
            {
                watch.onSubmitResult(correlationId, dagId, taskCount, refusal);
            }
        }

        public void onTaskStateChange(
            final long dagId, final int task, final String taskName, final TaskState state, final int workerId,
            final int attempt, final Status status, final long clusterTime, final byte[] result)
        {
            if (null != watch)
            {
                watch.onTaskStateChange(dagId, task, taskName, state, workerId, attempt, status, clusterTime, result);
            }
        }
    }
}
