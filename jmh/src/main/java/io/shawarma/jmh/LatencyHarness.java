package io.shawarma.jmh;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.shawarma.codecs.InvokeEncoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.WorkerMain;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.udf.Status;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end-to-end harness ({@code scripts/shawarma bench}): for IPC and for loopback UDP, a raw Aeron ping-pong and
 * a fabric client calling a worker in another process, on the same media driver, channel kind, message size and
 * idle strategy; round-trip latency (HdrHistogram, ns) and pipelined throughput; then local invokes
 * ({@link LocalInvokeHarness}). Prints a table with ours/raw ratios and writes {@code latest.json} and a percentile
 * plot.
 * <p>
 * Round trips are sequential (one in flight), so there is no send schedule and no coordinated omission to
 * correct; throughput keeps a window of messages in flight.
 */
public final class LatencyHarness
{
    private static final int PING_STREAM = 2001;
    private static final int PONG_STREAM = 2002;
    private static final int WORKER_ID = 1;
    private static final long READY_TIMEOUT_NS = 60_000_000_000L;
    /** The raw message has the length of the fabric's Invoke frame for 8-byte args. */
    static final int MESSAGE_BYTES =
        MessageHeaderEncoder.ENCODED_LENGTH + InvokeEncoder.BLOCK_LENGTH + 4 + FabricPinger.ARGS_LENGTH;

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final HarnessOptions options;
    private final List<Result> results = new ArrayList<>();
    private final Map<String, String> config = new LinkedHashMap<>();
    private final String storeKind = System.getProperty(Configuration.STORE_PROP, Configuration.STORE_DEFAULT);
    private final LocalInvokeHarness localInvoke;

    private LatencyHarness(final HarnessOptions options)
    {
        this.options = options;
        localInvoke = new LocalInvokeHarness(storeKind, options.keys, options.warmup, options.count);
    }

    public static void main(final String[] args) throws IOException
    {
        final HarnessOptions options;
        try
        {
            options = HarnessOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("shawarma bench: " + ex.getMessage());
            System.err.println(HarnessOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help)
        {
            System.out.println(HarnessOptions.USAGE);
            return;
        }
        new LatencyHarness(options).run();
    }

    private void run() throws IOException
    {
        config.put("idle_ipc", options.idleFor("ipc"));
        config.put("idle_udp", options.idleFor("udp"));
        config.put("message_bytes", Integer.toString(MESSAGE_BYTES));
        config.put("warmup", Integer.toString(options.warmup));
        config.put("count", Integer.toString(options.count));
        config.put("throughput_messages", Integer.toString(options.throughputMessages));
        config.put("window", Integer.toString(options.window));
        config.put("pinning", options.pin ? "ping cpu 1, pong/worker cpu 0" : "off");
        config.put("threads", "3: ping (this process), media driver (this process, SHARED mode), " +
            "pong or worker agent (child process); same idle strategy for all three per channel");
        config.put("udf", "read on an 8-byte vertex owned by the worker");
        config.put("keys", 0 == options.keys ? "one hot vertex" : "random vertex among " + options.keys);
        config.put("store", storeKind);
        localInvoke.describe(config);
        System.out.println("shawarma bench: " + config);
        System.out.println("busy-spin and pinning are allowed in this harness; the machine has " +
            Runtime.getRuntime().availableProcessors() + " CPUs");

        if (!options.localOnly)
        {
            measureChannel("ipc", "aeron:ipc", "aeron:ipc", "aeron:ipc", "aeron:ipc");
            final String pong = udp(LoopbackPorts.freeUdpPort());
            measureChannel("udp", udp(LoopbackPorts.freeUdpPort()), pong, udp(LoopbackPorts.freeUdpPort()), udp(0));
        }
        localInvoke.run(results);

        final Report report = new Report(results, config);
        report.print(System.out);
        IoUtil.ensureDirectoryExists(options.out.toFile(), "bench results");
        report.writeJson(options.out.resolve("latest.json"));
        PercentilePlot.write(results, options.out.resolve("latency-percentiles.png"));
        System.out.println("wrote " + options.out.resolve("latest.json") + " and " +
            options.out.resolve("latency-percentiles.png"));
    }

    /**
     * Raw Aeron, then the fabric, on one media driver in this process with the channel's idle strategy.
     */
    private void measureChannel(
        final String kind, final String pingChannel, final String pongChannel, final String workerChannel,
        final String clientChannel)
    {
        final String idleName = options.idleFor(kind);
        final String aeronDir = (SystemUtil.isLinux() ? "/dev/shm/" : IoUtil.tmpDirName()) + "shawarma-bench-" +
            ProcessHandle.current().pid() + "-" + kind;
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(IdleStrategies.of("busy-spin".equals(idleName) ? "backoff" : idleName))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())))
        {
            pinThisThread();
            final String pongCpu = options.pin ? "0" : "-1";
            final List<String> pongArgs = List.of(
                pingChannel, Integer.toString(PING_STREAM), pongChannel, Integer.toString(PONG_STREAM), idleName,
                pongCpu);
            try (ChildJvm pong = child("raw pong", RawPong.class.getName(), aeronDir, Map.of(), pongArgs,
                RawPong.READY);
                Pinger raw = new RawAeronPinger(aeron, pingChannel, PING_STREAM, pongChannel, PONG_STREAM,
                    MESSAGE_BYTES, IdleStrategies.of(idleName)))
            {
                System.out.println("raw pong: pid " + pong.pid() + ", one thread, idle " + idleName);
                measure("aeron_raw_" + kind + "_rtt", "aeron_raw_" + kind + "_throughput", null, raw, idleName);
            }

            final Map<String, String> worker = new LinkedHashMap<>();
            worker.put(Configuration.WORKER_ID_PROP, Integer.toString(WORKER_ID));
            worker.put(Configuration.FABRIC_PROP, WORKER_ID + "@" + workerChannel);
            worker.put(Configuration.DRIVER_PROP, "external");
            worker.put(Configuration.IDLE_PROP, idleName);
            worker.put(Configuration.CPU_PROP, pongCpu);
            worker.put(Configuration.STORE_PROP, storeKind);
            worker.put(Configuration.STORE_ENTRIES_PROP, Integer.toString(Math.max(1000, options.keys)));
            final int[] answers = new int[1];
            if (options.keys > 0)
            {
                System.out.printf("loading %,d vertices into the worker...%n", options.keys);
            }
            try (ChildJvm workerJvm = child("worker", WorkerMain.class.getName(), aeronDir, worker, List.of(),
                "shawarma worker " + WORKER_ID + " ready");
                Pinger fabric = new FabricPinger(FabricClient.connect(new FabricClient.Context()
                    .fabric(WORKER_ID + "@" + workerChannel)
                    .channel(clientChannel)
                    .aeron(aeron)
                    .idleStrategy(idleName)
                    .maxPendingCalls(Math.max(4096, options.window * 2))
                    .resultHandler((correlationId, status, ownerId, buffer, offset, length) ->
                    {
                        if (Status.OK != status)
                        {
                            throw new IllegalStateException("benchmark call failed: " + status);
                        }
                        answers[0]++;
                    })), answers, options.keys))
            {
                System.out.println("worker: pid " + workerJvm.pid() + ", agent thread, idle " + idleName);
                measure("fabric_rpc_" + kind + "_rtt", "fabric_" + kind + "_throughput",
                    "fabric_rpc_" + kind + "_client_alloc", fabric, idleName);
            }
        }
    }

    private void measure(
        final String rttName, final String throughputName, final String allocName, final Pinger pinger,
        final String idleName)
    {
        System.out.printf("%s: %,d warm-up + %,d recorded round trips (%s)...%n",
            rttName, options.warmup, options.count, idleName);
        for (int i = 0; i < options.warmup; i++)
        {
            pinger.roundTrip();
        }
        final Histogram histogram = new Histogram(60_000_000_000L, 3);
        final long allocatedBefore = allocatedBytes();
        for (int i = 0; i < options.count; i++)
        {
            final long start = System.nanoTime();
            pinger.roundTrip();
            histogram.recordValue(System.nanoTime() - start);
        }
        final long allocated = allocatedBytes() - allocatedBefore;
        results.add(Result.latency(rttName, histogram));
        if (null != allocName)
        {
            results.add(Result.value(allocName, "B/op", (double)allocated / options.count));
        }

        System.out.printf("%s: %,d messages, window %d...%n", throughputName, options.throughputMessages,
            options.window);
        results.add(Result.value(throughputName, "msgs/s", throughput(pinger, IdleStrategies.of(idleName))));
    }

    private double throughput(final Pinger pinger, final IdleStrategy idle)
    {
        final int messages = options.throughputMessages;
        final int window = options.window;
        int sent = 0;
        int received = 0;
        final long start = System.nanoTime();
        while (received < messages)
        {
            int work = 0;
            while (sent < messages && sent - received < window && pinger.trySend())
            {
                sent++;
                work++;
            }
            final int answers = pinger.poll();
            received += answers;
            idle.idle(work + answers);
        }
        return messages / ((System.nanoTime() - start) / 1e9);
    }

    private ChildJvm child(
        final String name, final String mainClass, final String aeronDir, final Map<String, String> properties,
        final List<String> args, final String readyPrefix)
    {
        final Map<String, String> all = new LinkedHashMap<>(properties);
        all.put("aeron.dir", aeronDir);
        final ChildJvm child = new ChildJvm(name, mainClass, all, args, readyPrefix, null);
        try
        {
            child.awaitReady(System.nanoTime() + READY_TIMEOUT_NS);
            return child;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(child);
            throw ex;
        }
    }

    private void pinThisThread()
    {
        if (options.pin)
        {
            net.openhft.affinity.Affinity.setAffinity(1);
        }
    }

    private static String udp(final int port)
    {
        return "aeron:udp?endpoint=127.0.0.1:" + port;
    }

    private static long allocatedBytes()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
