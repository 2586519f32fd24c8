package io.shawarma.fabric.grid;

import io.aeron.CommonContext;
import io.shawarma.codecs.TaskState;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.process.ChildAeronDirectories;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code shawarma demo --grid}: on this machine, three cluster members and three workers (each its own JVM), a DAG
 * summing 1..12 in a tree, one worker killed with kill -9 while it runs tasks, the cluster detecting it and running
 * its tasks elsewhere, the DAG finishing with the right sum; then vertices written through the data plane, a fourth
 * worker joining, and slots moving to it with their vertices (read back intact from their new owner).
 * Exits 0 when every check held.
 */
public final class GridDemo
{
    private static final int LEAVES = 12;
    private static final long EXPECTED_TOTAL = LEAVES * (LEAVES + 1) / 2;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    private static final int VERTICES = 1_000;

    private final List<ChildJvm> members = new ArrayList<>();
    private final Map<Integer, ChildJvm> workers = new TreeMap<>();
    private final Map<Integer, String> dataChannels = new HashMap<>();
    private final Map<String, String> properties = new HashMap<>();
    private final File dir;
    private final String aeronDirBase = ChildAeronDirectories.base("grid-demo");
    private boolean ok = true;

    private GridDemo(final File dir, final int portBase)
    {
        this.dir = dir;
        properties.put(GridConfiguration.PORT_BASE_PROP, Integer.toString(portBase));
        properties.put(GridConfiguration.MEMBERS_PROP, "3");
        properties.put(GridConfiguration.DIR_PROP, new File(dir, "cluster").getPath());
        properties.put(GridConfiguration.TASK_DELAY_MS_PROP, "1000");
        // A live worker declared dead loses its slots without their data (by design); a JVM starting on a busy
        // 2-core machine can stall for more than a second, so the demo allows 3 s of silence.
        properties.put(GridConfiguration.HEARTBEAT_TIMEOUT_MS_PROP, "3000");
        properties.put(GridConfiguration.MAX_TASKS_PER_WORKER_PROP, "3");
        properties.put(Configuration.IDLE_PROP, "backoff");
        properties.put(CommonContext.AERON_DIR_PROP_NAME, aeronDirBase);
    }

    public static void main(final String[] args)
    {
        if (args.length > 0)
        {
            System.out.println("usage: shawarma demo --grid");
            System.exit("--help".equals(args[0]) ? 0 : 2);
        }
        Configuration.loadOrExit("demo", null);
        final File dir = new File(IoUtil.tmpDirName(), "shawarma-grid-demo-" + ProcessHandle.current().pid());
        final GridDemo demo = new GridDemo(dir, freePortBase());
        final Thread stopper = new Thread(demo::stop, "grid-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        boolean ok;
        try
        {
            ok = demo.run();
        }
        catch (final RuntimeException ex)
        {
            ex.printStackTrace();
            ok = false;
        }
        demo.stop();
        Runtime.getRuntime().removeShutdownHook(stopper);
        System.out.println(ok ? "grid demo: OK" : "grid demo: FAILED");
        System.exit(ok ? 0 : 1);
    }

    private boolean run()
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        useSharedSecret();
        System.out.println("== starting 3 cluster members (Aeron Cluster, embedded media drivers), data under " + dir);
        for (int i = 0; i < 3; i++)
        {
            members.add(GridClusterMain.startMember(i, properties, null));
        }
        members.forEach(member -> member.awaitReady(deadlineNs));
        System.out.println("== starting workers 1, 2, 3 (each holds a task's result 1 s: simulated work)");
        for (int id = 1; id <= 3; id++)
        {
            startWorker(id);
        }
        final long workersDeadlineNs = System.nanoTime() + TIMEOUT_NS;
        workers.values().forEach(worker -> worker.awaitReady(workersDeadlineNs));

        try (Transport transport = Transport.embedded("grid-demo", "backoff", 1024 * 1024, Throwable::printStackTrace))
        {
            final StatusWatch status = new StatusWatch();
            final DagWatch dag = new DagWatch(line -> System.out.println("  " + line));
            // One session for both: polling it for either keeps it alive and feeds both watches.
            try (GridClient client = connect(transport, GridListener.both(dag, status), 2_000_001))
            {
                printStatus(client, status, "grid with three workers");

                System.out.println("== submitting a DAG: " + LEAVES + " leaves add(i), 3 partial sums, a total");
                final long dagId = dag.submit(client, sumTree(), System.nanoTime() + TIMEOUT_NS);
                check(dagId > 0, "DAG accepted", dag.refusal());

                final long dagDeadlineNs = System.nanoTime() + TIMEOUT_NS;
                final int victim = awaitRunningWorker(dag, client, dagDeadlineNs);
                final ChildJvm killed = workers.remove(victim);
                System.out.println("== kill -9 worker " + victim + " (pid " + killed.pid() + ") while it runs tasks");
                final long killedAtNs = System.nanoTime();
                killed.kill();
                final long detectedMs = awaitDeparture(client, status, victim, dagDeadlineNs, killedAtNs);
                System.out.println("== the cluster declared worker " + victim + " dead after " + detectedMs +
                    " ms; its slots and tasks went to the survivors");

                check(dag.awaitFinished(client, dagDeadlineNs, TimeUnit.SECONDS.toNanos(1)), "DAG finished", "");
                final int total = LEAVES + 3;
                final long sum = dag.isSucceeded() ? dag.resultAsLong(total) : -1;
                check(dag.isSucceeded() && sum == EXPECTED_TOTAL,
                    "DAG completed with total " + sum + " (expected " + EXPECTED_TOTAL + ")", "");
                int rerun = 0;
                for (int task = 0; task < dag.taskCount(); task++)
                {
                    rerun += dag.attempt(task) > 1 ? 1 : 0;
                }
                check(rerun > 0, rerun + " task(s) ran again after the kill", "");
                printStatus(client, status, "after the kill");

                try (SlotRoutedClient data = SlotRoutedClient.connect(
                    dataClient(transport, 2_000_002), GridConfiguration.SLOTS_DEFAULT))
                {
                    System.out.println("== writing " + VERTICES + " vertices (value = its id) through the data plane");
                    final UnsafeBuffer value = new UnsafeBuffer(new byte[Long.BYTES]);
                    int written = 0;
                    for (long vertex = 0; vertex < VERTICES; vertex++)
                    {
                        value.putLong(0, vertex, LITTLE_ENDIAN);
                        written += Status.OK == data.put(vertex, value, 0, Long.BYTES) ? 1 : 0;
                    }
                    check(written == VERTICES, written + " of " + VERTICES + " vertices written", "");

                    awaitJoin(transport);

                    int intact = 0;
                    int onFourth = 0;
                    final Map<String, Integer> others = new TreeMap<>();
                    for (long vertex = 0; vertex < VERTICES; vertex++)
                    {
                        final Status read = data.get(vertex, value);
                        if (Status.OK == read && value.getLong(0, LITTLE_ENDIAN) == vertex)
                        {
                            intact++;
                            onFourth += 4 == data.ownerOf(vertex) ? 1 : 0;
                        }
                        else
                        {
                            others.merge(read + " at worker " + data.ownerOf(vertex), 1, Integer::sum);
                        }
                    }
                    check(intact == VERTICES && onFourth > 0, onFourth + " vertices now served by worker 4 with the " +
                        "values written before it joined; " + intact + " of " + VERTICES + " read back intact (" +
                        data.movedFollowed() + " MOVED answers followed)", others.toString());
                }
                try (SlotRoutedClient stranger = SlotRoutedClient.connect(
                    dataClient(transport, 2_000_003).secretFile(null), GridConfiguration.SLOTS_DEFAULT))
                {
                    final Status refused = stranger.get(0, new UnsafeBuffer(new byte[Long.BYTES]));
                    check(Status.UNAUTHENTICATED == refused, "a data client without the secret is refused",
                        "" + refused);
                }
            }
        }
        return ok;
    }

    private FabricClient.Context dataClient(final Transport transport, final int clientId)
    {
        return new FabricClient.Context().aeron(transport.aeron()).clientId(clientId)
            .channel("aeron:udp?endpoint=" + GridConfiguration.HOST_DEFAULT + ":0").fabric(dataChannels())
            .callTimeoutNs(TimeUnit.SECONDS.toNanos(10)).idleStrategy("backoff");
    }

    private void startWorker(final int id)
    {
        final Map<String, String> workerProperties = new HashMap<>(properties);
        workerProperties.put(Configuration.CHANNEL_PROP, dataChannel(id));
        workerProperties.put(Configuration.DATA_DIR_PROP, new File(dir, "worker-" + id).getPath());
        workers.put(id, GridWorkerMain.start(id, workerProperties, null));
    }

    /** Starts worker 4 and waits for its share of slots, on a fresh session (an idle one times out). */
    private void awaitJoin(final Transport transport)
    {
        final StatusWatch status = new StatusWatch();
        try (GridClient client = connect(transport, status, 2_000_003))
        {
            status.query(client, TimeUnit.SECONDS.toNanos(5));
            final long epochBefore = status.epoch();
            System.out.println("== starting worker 4: slots move to it with their vertices");
            startWorker(4);
            final int share = GridConfiguration.SLOTS_DEFAULT / 3;
            final long joinDeadlineNs = System.nanoTime() + TIMEOUT_NS;
            // Asking for the status while the new JVM starts also keeps this session alive.
            while (status.slotsByWorker().getOrDefault(4, 0) < share && System.nanoTime() - joinDeadlineNs < 0 &&
                workers.get(4).isAlive())
            {
                status.query(client, TimeUnit.SECONDS.toNanos(5));
                sleep(100);
            }
            final int moved = status.slotsByWorker().getOrDefault(4, 0);
            check(moved >= share && status.epoch() > epochBefore, moved + " slots moved to worker 4, epoch " +
                epochBefore + " -> " + status.epoch(), "");
            printStatus(client, status, "after worker 4 joined");
        }
    }

    /**
     * Members, workers and this process (its cluster sessions and data clients) prove one shared secret: the one
     * {@code shawarma.secret.file} names, or a fresh random one under the demo's directory.
     */
    private void useSharedSecret()
    {
        String file = System.getProperty(Configuration.SECRET_FILE_PROP);
        if (null == file)
        {
            final byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try
            {
                final Path secret = Files.createDirectories(dir.toPath()).resolve("grid.secret");
                Files.createFile(secret,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(secret, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
                file = secret.toString();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            System.setProperty(Configuration.SECRET_FILE_PROP, file);
        }
        properties.put(Configuration.SECRET_FILE_PROP, file);
        System.out.println("== the grid's shared secret is in " + file +
            ": cluster sessions, data-plane calls and slot streams prove it");
    }

    private String dataChannels()
    {
        final StringBuilder spec = new StringBuilder();
        for (int id = 1; id <= 4; id++)
        {
            spec.append(id == 1 ? "" : ",").append(id).append('@').append(dataChannel(id));
        }
        return spec.toString();
    }

    /** Where a worker serves calls: a free port picked once, so the data client knows it before the worker starts. */
    private String dataChannel(final int workerId)
    {
        return dataChannels.computeIfAbsent(workerId,
            (unused) -> "aeron:udp?endpoint=" + GridConfiguration.HOST_DEFAULT + ":" + LoopbackPorts.freeUdpPort());
    }

    private GridClient connect(final Transport transport, final GridListener listener, final int clientId)
    {
        return GridClient.connect(transport.aeronDirectoryName(), GridConfiguration.HOST_DEFAULT,
            Integer.parseInt(properties.get(GridConfiguration.PORT_BASE_PROP)), 3, clientId, listener, "backoff");
    }

    private static String sumTree()
    {
        final TaskDag.Builder builder = TaskDag.builder("sum-1-to-" + LEAVES);
        final List<String> partials = new ArrayList<>();
        for (int group = 0; group < 3; group++)
        {
            final List<String> leaves = new ArrayList<>();
            for (int i = 1; i <= LEAVES / 3; i++)
            {
                final int value = group * (LEAVES / 3) + i;
                builder.task("leaf" + value, "add", List.of(), value);
                leaves.add("leaf" + value);
            }
            builder.task("partial" + group, "add", leaves);
            partials.add("partial" + group);
        }
        builder.task("total", "add", partials);
        return DagJson.write(builder.build());
    }

    private static int awaitRunningWorker(final DagWatch dag, final GridClient client, final long deadlineNs)
    {
        while (System.nanoTime() - deadlineNs < 0)
        {
            client.poll();
            for (int task = 0; task < dag.taskCount(); task++)
            {
                if (TaskState.RUNNING == dag.state(task))
                {
                    return dag.worker(task);
                }
            }
            sleep(5);
        }
        throw new IllegalStateException("no task started running in time");
    }

    private static long awaitDeparture(
        final GridClient client, final StatusWatch status, final int workerId, final long deadlineNs,
        final long killedAtNs)
    {
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (status.query(client, TimeUnit.SECONDS.toNanos(5)) && !status.slotsByWorker().containsKey(workerId))
            {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNs);
            }
            sleep(50);
        }
        throw new IllegalStateException("worker " + workerId + " was not declared dead in time");
    }

    private static void printStatus(final GridClient client, final StatusWatch status, final String title)
    {
        if (status.query(client, TimeUnit.SECONDS.toNanos(10)))
        {
            System.out.print("-- status, " + title + ": leader member " + client.leaderMemberId() + ", " +
                status.text());
        }
    }

    private void check(final boolean condition, final String what, final String detail)
    {
        System.out.println((condition ? "   ok: " : "   FAILED: ") + what +
            (condition || null == detail || detail.isEmpty() ? "" : ": " + detail));
        ok &= condition;
    }

    private synchronized void stop()
    {
        CloseHelper.closeAll(workers.values());
        workers.clear();
        CloseHelper.closeAll(members);
        members.clear();
        IoUtil.delete(dir, true);
        ChildAeronDirectories.removeAll(aeronDirBase);
    }

    private static int freePortBase()
    {
        // Any free port rounded down to a multiple of 100 in the upper range; the members check their own ports.
        final int port = LoopbackPorts.freeUdpPort();
        return Math.min(60000, Math.max(20000, port / 100 * 100));
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
