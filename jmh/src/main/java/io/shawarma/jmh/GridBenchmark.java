package io.shawarma.jmh;

import io.aeron.CommonContext;
import io.shawarma.codecs.TaskState;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.grid.DagJson;
import io.shawarma.fabric.grid.DagWatch;
import io.shawarma.fabric.grid.GridClient;
import io.shawarma.fabric.grid.GridClusterMain;
import io.shawarma.fabric.grid.GridConfiguration;
import io.shawarma.fabric.grid.GridListener;
import io.shawarma.fabric.grid.GridWorkerMain;
import io.shawarma.fabric.grid.SlotRoutedClient;
import io.shawarma.fabric.grid.StatusWatch;
import io.shawarma.fabric.grid.TaskDag;
import io.shawarma.fabric.process.ChildAeronDirectories;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/shawarma bench grid [--quick] [--members 1|3] [--idle NAME] [--out DIR]}: on one machine, the
 * grid's cluster members (one JVM each) and two workers (one JVM each), measured from a client in this JVM in one
 * run:
 * <ul>
 *     <li>{@code cluster_echo_rtt}: Aeron Cluster's raw ingress -> service -> egress round trip (a ping the service
 *     echoes unchanged), the floor under every grid figure;</li>
 *     <li>{@code grid_submit_to_running}: a one-task DAG submitted until its RUNNING state arrives back (the
 *     assignment goes to the worker in the same service step);</li>
 *     <li>{@code grid_dependant_hop}: in a chain of tasks, from one task's RUNNING to its dependant's RUNNING: the
 *     worker runs the task, reports the result, the cluster fires and assigns the dependant (inside the service,
 *     ready -> running is the same log message);</li>
 *     <li>{@code grid_wide_dag_throughput}: tasks/s for a DAG of independent trivial tasks;</li>
 *     <li>{@code grid_join_migration_*}: a third worker joins two holding vertices written through the data plane;
 *     from its start (it has joined) until it owns its share of slots, every move streamed, installed and committed:
 *     slots/s and MB/s of vertex data moved.</li>
 * </ul>
 * Writes {@code grid.json} in the form of {@code latest.json}.
 */
public final class GridBenchmark
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    private static final int WORKERS = 2;
    private static final long PING_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int VALUE_BYTES = 256;

    private final boolean quick;
    private final int members;
    private final String idle;
    private final Path out;
    private final Map<String, String> properties = new HashMap<>();
    private final List<ChildJvm> children = new ArrayList<>();
    private final List<Result> results = new ArrayList<>();
    private final Probe probe = new Probe();
    private final String[] workerChannels = new String[WORKERS + 2];
    private int portBase;
    private int lostPings;
    private String migration = "not measured";

    private GridBenchmark(final boolean quick, final int members, final String idle, final Path out)
    {
        this.quick = quick;
        this.members = members;
        this.idle = idle;
        this.out = out;
    }

    public static void main(final String[] args) throws IOException
    {
        boolean quick = false;
        int members = 3;
        String idle = "backoff";
        Path out = Path.of("bench-results");
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--quick" -> quick = true;
                case "--members" -> members = Integer.parseInt(args[++i]);
                case "--idle" ->
                {
                    idle = args[++i];
                    IdleStrategies.of(idle);
                }
                case "--out" -> out = Path.of(args[++i]);
                default ->
                {
                    System.out.println("usage: shawarma bench grid [--quick] [--members 1|3] [--idle NAME] " +
                        "[--out DIR]");
                    System.exit("--help".equals(args[i]) ? 0 : 2);
                }
            }
        }
        new GridBenchmark(quick, members, idle, out).run();
    }

    private void run() throws IOException
    {
        final File dir = new File(IoUtil.tmpDirName(), "shawarma-bench-grid-" + ProcessHandle.current().pid());
        // Every child's media driver under one base, removed at the end: a worker stopped mid-leave cannot remove
        // its own.
        final String aeronDirs = ChildAeronDirectories.base("bench-grid");
        properties.put(CommonContext.AERON_DIR_PROP_NAME, aeronDirs);
        portBase = Math.min(60000, Math.max(20000, LoopbackPorts.freeUdpPort() / 100 * 100));
        properties.put(GridConfiguration.PORT_BASE_PROP, Integer.toString(portBase));
        properties.put(GridConfiguration.MEMBERS_PROP, Integer.toString(members));
        properties.put(GridConfiguration.DIR_PROP, new File(dir, "cluster").getPath());
        properties.put(GridConfiguration.MAX_TASKS_PER_WORKER_PROP, "64");
        properties.put(GridConfiguration.MAX_FINISHED_DAGS_PROP, "64");
        properties.put(Configuration.IDLE_PROP, idle);
        System.out.printf("shawarma bench grid: %d cluster members, %d workers, idle %s, %d CPUs (shared machine: " +
            "compare the ratios, not the absolute times)%n", members, WORKERS, idle,
            Runtime.getRuntime().availableProcessors());
        final Thread stopper = new Thread(() -> CloseHelper.closeAll(children), "bench-grid-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try
        {
            startGrid();
            try (Transport transport = Transport.embedded(
                "bench-grid", idle, 4 * 1024 * 1024, Throwable::printStackTrace);
                GridClient client = GridClient.connect(transport.aeronDirectoryName(), GridConfiguration.HOST_DEFAULT,
                    portBase, members, 3_000_000, probe, idle))
            {
                echo(client);
                submitToRunning(client);
                dependantHop(client);
                wideDag(client);
                joinMigration(transport);
            }
            final Report report = new Report(results, config());
            report.print(System.out);
            IoUtil.ensureDirectoryExists(out.toFile(), "bench results");
            final Path json = out.resolve("grid.json");
            report.writeJson(json);
            System.out.println("wrote " + json);
        }
        finally
        {
            CloseHelper.closeAll(children);
            Runtime.getRuntime().removeShutdownHook(stopper);
            IoUtil.delete(dir, true);
            ChildAeronDirectories.removeAll(aeronDirs);
        }
    }

    private void startGrid()
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        final List<ChildJvm> started = new ArrayList<>();
        for (int i = 0; i < members; i++)
        {
            started.add(GridClusterMain.startMember(i, properties, null));
        }
        children.addAll(started);
        started.forEach(child -> child.awaitReady(deadlineNs));
        started.clear();
        for (int id = 1; id <= WORKERS; id++)
        {
            started.add(startWorker(id));
        }
        children.addAll(started);
        started.forEach(child -> child.awaitReady(deadlineNs));
    }

    /** Starts a worker serving its data plane on a fixed port, so that a data client can name it. */
    private ChildJvm startWorker(final int id)
    {
        final Map<String, String> workerProperties = new HashMap<>(properties);
        workerProperties.put(Configuration.CHANNEL_PROP, channelOf(id));
        return GridWorkerMain.start(id, workerProperties, null);
    }

    private String channelOf(final int workerId)
    {
        if (null == workerChannels[workerId])
        {
            workerChannels[workerId] = "aeron:udp?endpoint=" + GridConfiguration.HOST_DEFAULT + ":" +
                LoopbackPorts.freeUdpPort();
        }
        return workerChannels[workerId];
    }

    private void joinMigration(final Transport transport)
    {
        final int vertices = quick ? 5_000 : 20_000;
        final int joining = WORKERS + 1;
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_BYTES]);
        final ExpandableArrayBuffer read = new ExpandableArrayBuffer(VALUE_BYTES);
        final StringBuilder workers = new StringBuilder();
        for (int id = 1; id <= joining; id++)
        {
            workers.append(id == 1 ? "" : ",").append(id).append('@').append(channelOf(id));
        }
        try (SlotRoutedClient data = SlotRoutedClient.connect(new FabricClient.Context().aeron(transport.aeron())
            .clientId(3_000_001).channel("aeron:udp?endpoint=127.0.0.1:0").fabric(workers.toString())
            .callTimeoutNs(TimeUnit.SECONDS.toNanos(10)).idleStrategy(idle), GridConfiguration.SLOTS_DEFAULT))
        {
            for (long vertex = 0; vertex < vertices; vertex++)
            {
                value.putLong(0, vertex);
                require(Status.OK == data.put(vertex, value, 0, VALUE_BYTES), "vertex " + vertex + " stored");
            }

            final ChildJvm third = startWorker(joining);
            children.add(third);
            third.awaitReady(System.nanoTime() + TIMEOUT_NS);
            final long startNs = System.nanoTime();
            final int share = GridConfiguration.SLOTS_DEFAULT / joining;
            final StatusWatch status = new StatusWatch();
            try (GridClient statusClient = GridClient.connect(transport.aeronDirectoryName(),
                GridConfiguration.HOST_DEFAULT, portBase, members, 3_000_002, status, idle))
            {
                while (!(status.query(statusClient, TimeUnit.SECONDS.toNanos(2)) &&
                    status.slotsByWorker().getOrDefault(joining, 0) >= share))
                {
                    require(System.nanoTime() - startNs < TIMEOUT_NS, "the joining worker got its share in time");
                }
            }
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
            migration = slots + " slots, " + moved + " vertices of " + VALUE_BYTES + " B in " +
                String.format("%.2f s", seconds);
        }
    }

    private void echo(final GridClient client)
    {
        final int warmup = quick ? 2_000 : 5_000;
        final int count = quick ? 5_000 : 20_000;
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final IdleStrategy wait = IdleStrategies.of("yielding");
        int lost = 0;
        for (int i = 0; i < warmup + count; i++)
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
            else if (i >= warmup)
            {
                histogram.recordValue(System.nanoTime() - sentNs);
            }
        }
        lostPings = lost;
        results.add(Result.latency("cluster_echo_rtt", histogram));
    }

    private void submitToRunning(final GridClient client)
    {
        final int warmup = quick ? 50 : 200;
        final int count = quick ? 200 : 1_000;
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final String json = DagJson.write(TaskDag.builder("one").task("t", "add", List.of(), 1).build());
        for (int i = 0; i < warmup + count; i++)
        {
            final DagWatch watch = run(client, json);
            require(watch.isSucceeded(), "one-task DAG done");
            if (i >= warmup)
            {
                histogram.recordValue(watch.runningAtNs(0) - watch.submittedAtNs());
            }
        }
        results.add(Result.latency("grid_submit_to_running", histogram));
    }

    private void dependantHop(final GridClient client)
    {
        final int length = quick ? 200 : 1_000;
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final TaskDag.Builder chain = TaskDag.builder("chain").task("t0", "add", List.of(), 1);
        for (int i = 1; i < length; i++)
        {
            chain.task("t" + i, "add", List.of("t" + (i - 1)), 1);
        }
        final DagWatch watch = run(client, DagJson.write(chain.build()));
        require(watch.isSucceeded() && watch.resultAsLong(length - 1) == length, "chain sums to its length");
        for (int i = 1; i < length; i++)
        {
            histogram.recordValue(watch.runningAtNs(i) - watch.runningAtNs(i - 1));
        }
        results.add(Result.latency("grid_dependant_hop", histogram));
    }

    private void wideDag(final GridClient client)
    {
        final int width = quick ? 500 : 2_000;
        final TaskDag.Builder wide = TaskDag.builder("wide");
        for (int i = 0; i < width; i++)
        {
            wide.task("t" + i, "add", List.of(), i);
        }
        final DagWatch watch = run(client, DagJson.write(wide.build()));
        for (int i = 0; i < width; i++)
        {
            require(watch.state(i) == TaskState.DONE && watch.resultAsLong(i) == i, "wide task " + i + " done");
        }
        final double seconds = (probe.finishedAtNs - watch.submittedAtNs()) / 1e9;
        results.add(Result.value("grid_wide_dag_throughput", "tasks/s", width / seconds));
    }

    private DagWatch run(final GridClient client, final String json)
    {
        final DagWatch watch = new DagWatch(null, IdleStrategies.of("yielding"));
        probe.watch = watch;
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        require(watch.submit(client, json, deadlineNs) > 0, "DAG accepted: " + watch.refusal());
        require(watch.awaitFinished(client, deadlineNs, TimeUnit.SECONDS.toNanos(2)), "DAG finished in time");
        probe.finishedAtNs = System.nanoTime();
        return watch;
    }

    private Map<String, String> config()
    {
        final Map<String, String> config = new LinkedHashMap<>();
        config.put("cluster_members", Integer.toString(members));
        config.put("workers", Integer.toString(WORKERS));
        config.put("idle", idle);
        config.put("quick", Boolean.toString(quick));
        config.put("lost_pings", Integer.toString(lostPings));
        config.put("transport", "UDP loopback; every member, worker and this client has its own media driver");
        config.put("task", "add on an empty vertex, one int64 operand (trivial)");
        config.put("hop", "RUNNING of a task to RUNNING of its dependant, as seen by the submitter");
        config.put("migration", "a third worker joining two: from its start to owning its share; " + migration);
        return config;
    }

    private static void require(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new IllegalStateException("bench grid: expected " + what);
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
