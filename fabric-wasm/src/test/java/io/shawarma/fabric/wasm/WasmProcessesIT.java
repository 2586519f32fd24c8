package io.shawarma.fabric.wasm;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.Tests;
import io.shawarma.fabric.WorkerMain;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three worker processes, each with its own data directory, and a client here: the examples deployed and called, a
 * module that loops forever stopped while its worker goes on serving, redeploys of a UDF under a stream of calls with
 * no failed call, an undeploy answered NO_SUCH_UDF, and a restarted worker that still runs what was deployed.
 */
class WasmProcessesIT
{
    private static final int WORKERS = 3;
    private static final int VERTICES = 30;
    private static final int CALLS_PER_ROUND = 300;
    private static final int COUNTER = Udf.idOf("counter");

    @TempDir
    Path dataDir;

    private final List<ChildJvm> workers = new ArrayList<>();
    private final UnsafeBuffer one = new UnsafeBuffer(new byte[Long.BYTES]);
    private final UnsafeBuffer result = new UnsafeBuffer(new byte[64 * 1024]);
    private final long[] byStatus = new long[Status.values().length];
    private String fabric;

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(workers);
    }

    @Test
    void shouldDeployCallRedeployUnderLoadUndeployAndKeepModulesAcrossARestart()
    {
        final StringBuilder members = new StringBuilder();
        for (int id = 1; id <= WORKERS; id++)
        {
            members.append(id == 1 ? "" : ",").append(id).append('@').append(LoopbackPorts.freeUdpChannel());
        }
        fabric = members.toString();
        for (int id = 1; id <= WORKERS; id++)
        {
            workers.add(startWorker(id));
        }
        final long deadlineNs = System.nanoTime() + 60_000_000_000L;
        workers.forEach((worker) -> worker.awaitReady(deadlineNs));
        one.putLong(0, 1, LITTLE_ENDIAN);

        try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric)
            .idleStrategy("backoff").resultHandler(this::onResult)))
        {
            final Deployer deployer = new Deployer(client);
            for (long vertexId = 0; vertexId < VERTICES; vertexId++)
            {
                assertEquals(Status.OK, client.put(vertexId, one, 0, 0));
            }

            final long startNs = System.nanoTime();
            deployEverywhere(deployer, "counter", Modules.example("counter"));
            System.out.printf("WasmProcessesIT: deploy of counter.wasm to %d workers took %.1f ms%n", WORKERS,
                (System.nanoTime() - startNs) / 1e6);
            final long meanStartNs = System.nanoTime();
            deployEverywhere(deployer, "mean", Modules.example("mean"));
            System.out.printf("WasmProcessesIT: deploy of mean.wasm to %d workers took %.1f ms%n", WORKERS,
                (System.nanoTime() - meanStartNs) / 1e6);
            deployEverywhere(deployer, "loop", Modules.test("loop"));

            for (long vertexId = 0; vertexId < VERTICES; vertexId++)
            {
                assertEquals(Status.OK, client.invoke(vertexId, COUNTER, one, 0, Long.BYTES, result));
                assertEquals(1, result.getLong(0, LITTLE_ENDIAN));
            }
            final UnsafeBuffer sample = new UnsafeBuffer(new byte[Double.BYTES]);
            sample.putDouble(0, 4.0, LITTLE_ENDIAN);
            assertEquals(Status.OK, client.put(VERTICES, one, 0, 0));
            assertEquals(Status.OK, client.invoke(VERTICES, Udf.idOf("mean"), sample, 0, Double.BYTES, result));
            assertEquals(4.0, result.getDouble(0, LITTLE_ENDIAN));

            assertEquals(Status.UDF_FAILED, client.invoke(0, Udf.idOf("loop"), one, 0, Long.BYTES, result));
            assertTrue(text(client).contains("ran past its time budget"), text(client));
            assertEquals(Status.OK, client.invoke(0, COUNTER, one, 0, Long.BYTES, result), "the worker serves on");

            final long sent = redeployUnderLoad(client, deployer);
            assertEquals(sent, byStatus[Status.OK.code()], "calls during the redeploys: " + statuses());
            long total = 0;
            for (long vertexId = 0; vertexId < VERTICES; vertexId++)
            {
                assertEquals(Status.OK, client.get(vertexId, result));
                total += result.getLong(0, LITTLE_ENDIAN);
            }
            assertEquals(VERTICES + 1 + sent, total, "every call counted once");

            for (int workerId = 1; workerId <= WORKERS; workerId++)
            {
                assertEquals(Status.OK, deployer.undeploy(workerId, "mean"), deployer.answer());
            }
            assertEquals(Status.NO_SUCH_UDF, client.invoke(VERTICES, Udf.idOf("mean"), sample, 0, 8, result));

            final long ownedBy1 = ownedBy(client, 1);
            workers.get(0).stop();
            workers.set(0, startWorker(1));
            workers.get(0).awaitReady(System.nanoTime() + 60_000_000_000L);
            Tests.await(() -> Status.OK == client.invoke(ownedBy1, COUNTER, one, 0, Long.BYTES, result),
                "the restarted worker runs the deployed counter");
            assertEquals(Status.OK, deployer.list(1));
            assertTrue(deployer.answer().contains("counter wasm sha256:"), deployer.answer());
            assertEquals(Status.NO_SUCH_UDF, client.invoke(ownedBy1, Udf.idOf("mean"), sample, 0, 8, result));
        }
    }

    /**
     * Three redeploys of the counter (two versions in turn), each while calls to it are in flight: the synchronous
     * deploy polls the client, so the answers to the calls sent before it arrive during it.
     *
     * @return the calls sent.
     */
    private long redeployUnderLoad(final FabricClient client, final Deployer deployer)
    {
        java.util.Arrays.fill(byStatus, 0);
        long sent = 0;
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < CALLS_PER_ROUND; i++)
            {
                final long correlationId = client.sendInvoke(i % VERTICES, COUNTER, one, 0, Long.BYTES);
                assertTrue(correlationId > 0, "call not sent: " + correlationId);
                sent++;
            }
            final byte[] version = round % 2 == 0 ? Modules.test("counter-v2") : Modules.example("counter");
            deployEverywhere(deployer, "counter", version);
            assertTrue(deployer.answer().contains("replacing sha256:"), deployer.answer());
            Tests.await(() -> 0 == client.pendingCalls() || client.poll() < 0, "answers to the calls in flight");
        }
        return sent;
    }

    private static void deployEverywhere(final Deployer deployer, final String name, final byte[] module)
    {
        for (int workerId = 1; workerId <= WORKERS; workerId++)
        {
            assertEquals(Status.OK, deployer.deploy(workerId, name, module), deployer.answer());
        }
    }

    private long ownedBy(final FabricClient client, final int workerId)
    {
        for (long vertexId = 0; vertexId < VERTICES; vertexId++)
        {
            if (client.placement().ownerOf(vertexId) == workerId)
            {
                return vertexId;
            }
        }
        throw new IllegalStateException("worker " + workerId + " owns none of the vertices");
    }

    private void onResult(
        final long correlationId, final Status status, final int ownerId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        byStatus[status.code()]++;
    }

    private String statuses()
    {
        final StringBuilder text = new StringBuilder();
        for (final Status status : Status.values())
        {
            text.append(byStatus[status.code()] > 0 ? status + "=" + byStatus[status.code()] + " " : "");
        }
        return text.toString();
    }

    private String text(final FabricClient client)
    {
        return result.getStringWithoutLengthUtf8(0, client.resultLength());
    }

    private ChildJvm startWorker(final int id)
    {
        final Map<String, String> properties = new LinkedHashMap<>();
        properties.put(Configuration.WORKER_ID_PROP, Integer.toString(id));
        properties.put(Configuration.FABRIC_PROP, fabric);
        properties.put(Configuration.IDLE_PROP, "backoff");
        properties.put(Configuration.STORE_ENTRIES_PROP, "10000");
        properties.put(Configuration.TERM_LENGTH_PROP, Integer.toString(1 << 20));
        properties.put(Configuration.DATA_DIR_PROP, dataDir.resolve("worker-" + id).toString());
        return new ChildJvm("worker " + id, WorkerMain.class.getName(), properties, List.of(),
            "shawarma worker " + id + " ready", null);
    }
}
