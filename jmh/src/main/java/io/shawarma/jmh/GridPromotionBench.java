package io.shawarma.jmh;

import io.shawarma.fabric.Placement;
import io.shawarma.fabric.grid.GridClient;
import io.shawarma.fabric.grid.GridConfiguration;
import io.shawarma.fabric.grid.SlotRoutedClient;
import io.shawarma.fabric.grid.StatusWatch;
import io.shawarma.udf.Status;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.shawarma.jmh.GridRig.QUERY_TIMEOUT_NS;
import static io.shawarma.jmh.GridRig.require;

/**
 * On a grid of three in-memory workers with one backup per slot, holding the same number of vertices of 256 B in
 * every slot: the owner of slots killed with kill -9, N times (a fresh worker started after each, back to three), and
 * measured from the kill:
 * <ul>
 *     <li>detection: the cluster's status without the victim (asked for in a loop on one session);</li>
 *     <li>serving: the first read of a vertex the victim owned answered OK, with its value, by the promoted backup.
 *     The reader is a {@link SlotRoutedClient} that knows only the survivors: it follows their MOVED answers (which
 *     name the victim until the promotion, then the new owner) and never waits on the dead worker; it reads in a
 *     loop from before the kill, each read with a 200 ms call timeout;</li>
 *     <li>re-replication: from detection (the same view promoted the backups and assigned new ones) until the status
 *     shows every backup in sync, the bytes of vertex data filled (the survivors' count of fills received, times the
 *     vertices of a slot, times their size) over that time.</li>
 * </ul>
 */
final class GridPromotionBench
{
    static final int VALUE_BYTES = 256;

    private static final String FILLS_COUNTER = "grid: backup fills received";
    private static final int LOADERS = 4;
    private static final long PUT_RETRY_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long CALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long SAMPLE_CALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long READ_CALL_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long READ_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int SLOTS = GridConfiguration.SLOTS_DEFAULT;
    private static final int SAMPLE_STEP = 97;

    private final GridBenchmark.Options options;
    private final GridRig rig;
    private final List<Result> results;
    private final Map<String, String> config;
    private final Histogram killToDetection = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final Histogram detectionToServing = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final Histogram killToServing = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final StringBuilder rounds = new StringBuilder();
    private final long[] vertices;
    private final int perSlot;
    private long filledBytes;
    private long fillingNs;
    private int nextWorkerId;

    GridPromotionBench(
        final GridBenchmark.Options options, final GridRig rig, final List<Result> results,
        final Map<String, String> config)
    {
        this.options = options;
        this.rig = rig;
        this.results = results;
        this.config = config;
        perSlot = vertices(options.quick) / SLOTS;
        vertices = evenVertices(perSlot);
    }

    /** @return vertices written for these figures: enough that re-replication takes well over 100 ms. */
    static int vertices(final boolean quick)
    {
        return quick ? 51_200 : 204_800;
    }

    void run()
    {
        System.out.printf("bench grid: loading %,d vertices of %d B%n", vertices.length, VALUE_BYTES);
        final long loadNs = System.nanoTime();
        load();
        System.out.printf("bench grid: loaded in %.1f s%n", (System.nanoTime() - loadNs) / 1e9);
        rig.awaitSpreadAndInSync();
        final int kills = options.quick ? 2 : 5;
        nextWorkerId = rig.workerIds().get(rig.workerIds().size() - 1) + 1;
        for (int round = 1; round <= kills; round++)
        {
            System.out.println("bench grid: promotion, kill " + round + " of " + kills);
            killOne();
            rig.startWorker(nextWorkerId++);
            rig.awaitSpreadAndInSync();
        }
        results.add(Result.latency("grid_promotion_kill_to_detection", killToDetection));
        results.add(Result.latency("grid_promotion_detection_to_serving", detectionToServing));
        results.add(Result.latency("grid_promotion_kill_to_serving", killToServing));
        results.add(Result.value("grid_rereplication_bytes", "MB/s", filledBytes / (fillingNs / 1e9) / 1e6));
        config.put("promotion", "1 backup per slot, 3 in-memory workers, " + kills + " kills (kill -9) of the " +
            "oldest worker, a fresh one started after each; worker heartbeat timeout " +
            GridBackupBench.HEARTBEAT_TIMEOUT_MS + " ms, interval " + GridBackupBench.HEARTBEAT_INTERVAL_MS +
            " ms; detection by asking the cluster's status in a loop; serving read by a SlotRoutedClient that knows " +
            "only the survivors (it follows their MOVED answers to the promoted backup)");
        config.put("rereplication", String.format("%,d vertices of %d B, %d per slot; per kill: %s", vertices.length,
            VALUE_BYTES, perSlot, rounds));
    }

    /**
     * @return vertex ids from 0 up, exactly {@code perSlot} in every slot, so that a slot's data is a known size.
     */
    private static long[] evenVertices(final int perSlot)
    {
        final long[] ids = new long[perSlot * SLOTS];
        final int[] inSlot = new int[SLOTS];
        int count = 0;
        for (long id = 0; count < ids.length; id++)
        {
            final int slot = Placement.slotOf(id, SLOTS);
            if (inSlot[slot] < perSlot)
            {
                inSlot[slot]++;
                ids[count++] = id;
            }
        }
        return ids;
    }

    /** Writes every vertex (its id in its first 8 bytes) from a few clients at once: each write waits for a backup. */
    private void load()
    {
        final List<SlotRoutedClient> clients = new ArrayList<>();
        final ExecutorService loaders = Executors.newFixedThreadPool(LOADERS);
        try
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < LOADERS; i++)
            {
                final SlotRoutedClient client = rig.dataClient(rig.workerIds(), CALL_TIMEOUT_NS);
                clients.add(client);
                final int first = i;
                done.add(loaders.submit(() -> loadEvery(client, first)));
            }
            for (final Future<?> loader : done)
            {
                loader.get();
            }
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("bench grid: loading the vertices failed", ex);
        }
        finally
        {
            loaders.shutdownNow();
            CloseHelper.closeAll(clients);
        }
    }

    private void loadEvery(final SlotRoutedClient client, final int first)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_BYTES]);
        for (int i = first; i < vertices.length; i += LOADERS)
        {
            value.putLong(0, vertices[i]);
            final long deadlineNs = System.nanoTime() + CALL_TIMEOUT_NS;
            Status status;
            while (Status.OK != (status = client.put(vertices[i], value, 0, VALUE_BYTES)))
            {
                // TIMEOUT, outcome unknown (a backup refused or did not confirm it, e.g. on a starved worker whose
                // slots are moving): a put may be repeated.
                require(System.nanoTime() - deadlineNs < 0, "vertex " + vertices[i] + " stored, not " + status);
                LockSupport.parkNanos(PUT_RETRY_PAUSE_NS);
            }
        }
    }

    private void killOne()
    {
        final List<Integer> live = rig.workerIds();
        final int victim = live.get(0);
        final List<Integer> survivors = live.subList(1, live.size());
        final Map<Integer, Long> vertexOf = vertexPerWorker(live);
        final long probe = vertexOf.get(victim);
        final StatusWatch status = new StatusWatch();
        try (SlotRoutedClient reader = rig.dataClient(survivors, READ_CALL_TIMEOUT_NS);
            GridClient statusClient = rig.connect(status))
        {
            final ExpandableArrayBuffer value = new ExpandableArrayBuffer(VALUE_BYTES);
            for (final int survivor : survivors)
            {
                // Says Hello to the survivors before the kill; the read's outcome does not matter.
                reader.get(vertexOf.get(survivor), value);
            }
            final long fillsBefore = fills(survivors);
            final long[] servedNs = { 0 };
            final Status[] lastRefusal = { null };
            final Thread reading = new Thread(() ->
            {
                final long deadlineNs = System.nanoTime() + CALL_TIMEOUT_NS;
                while (0 == servedNs[0] && System.nanoTime() - deadlineNs < 0)
                {
                    final Status read = reader.get(probe, value);
                    if (Status.OK == read && value.getLong(0) == probe)
                    {
                        servedNs[0] = System.nanoTime();
                    }
                    else
                    {
                        // Not served yet (e.g. a survivor still without the promotion's view): read again.
                        lastRefusal[0] = read;
                        LockSupport.parkNanos(READ_PAUSE_NS);
                    }
                }
            }, "bench-grid-promoted-read");
            reading.start();

            final long killNs = System.nanoTime();
            rig.killWorker(victim);
            final long deadlineNs = killNs + GridRig.TIMEOUT_NS;
            while (!(status.query(statusClient, QUERY_TIMEOUT_NS) && !status.slotsByWorker().containsKey(victim)))
            {
                require(System.nanoTime() - deadlineNs < 0, "worker " + victim + " declared dead in time");
            }
            final long detectedNs = System.nanoTime();
            while (!(status.query(statusClient, QUERY_TIMEOUT_NS) && 0 == status.backupsBehind()))
            {
                require(System.nanoTime() - deadlineNs < 0, "every backup in sync again in time");
            }
            final long inSyncNs = System.nanoTime();
            join(reading);
            require(0 != servedNs[0], "vertex " + probe + " of worker " + victim + " served by its promoted backup " +
                "(last read: " + lastRefusal[0] + ")");

            // The counters are published with each heartbeat.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(4 * GridBackupBench.HEARTBEAT_INTERVAL_MS));
            final long bytes = (fills(survivors) - fillsBefore) * perSlot * VALUE_BYTES;
            killToDetection.recordValue(detectedNs - killNs);
            // Polling the status takes a consensus round trip: the promoted backup may answer before it arrives.
            detectionToServing.recordValue(Math.max(0, servedNs[0] - detectedNs));
            killToServing.recordValue(servedNs[0] - killNs);
            filledBytes += bytes;
            fillingNs += inSyncNs - detectedNs;
            rounds.append(rounds.length() == 0 ? "" : "; ").append(String.format(
                "detected %.0f ms, served %.0f ms after the kill, %.1f MB filled in %.0f ms",
                (detectedNs - killNs) / 1e6, (servedNs[0] - killNs) / 1e6, bytes / 1e6, (inSyncNs - detectedNs) / 1e6));
        }
    }

    /** @return a vertex in a slot of each worker, as the workers answer reads. */
    private Map<Integer, Long> vertexPerWorker(final List<Integer> live)
    {
        final Map<Integer, Long> vertexOf = new HashMap<>();
        final ExpandableArrayBuffer value = new ExpandableArrayBuffer(VALUE_BYTES);
        try (SlotRoutedClient data = rig.dataClient(live, SAMPLE_CALL_TIMEOUT_NS))
        {
            for (int i = 0; i < vertices.length && vertexOf.size() < live.size(); i += SAMPLE_STEP)
            {
                // A read that fails (its slot moving back and forth on a starved grid) only skips that vertex.
                if (Status.OK == data.get(vertices[i], value))
                {
                    vertexOf.putIfAbsent(data.ownerOf(vertices[i]), vertices[i]);
                }
            }
        }
        require(vertexOf.size() == live.size(), "a vertex on each of workers " + live);
        return vertexOf;
    }

    private long fills(final List<Integer> workerIds)
    {
        long fills = 0;
        for (final int id : workerIds)
        {
            fills += WorkerCounterFile.value(rig.countersFile(id), FILLS_COUNTER);
        }
        return fills;
    }

    private static void join(final Thread thread)
    {
        try
        {
            thread.join(TimeUnit.NANOSECONDS.toMillis(CALL_TIMEOUT_NS) + 1_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bench grid: interrupted", ex);
        }
    }
}
