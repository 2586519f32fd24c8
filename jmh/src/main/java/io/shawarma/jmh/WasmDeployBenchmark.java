package io.shawarma.jmh;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.WorkerMain;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.fabric.wasm.Deployer;
import io.shawarma.fabric.wasm.WasmModules;
import io.shawarma.udf.Status;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/shawarma bench wasm [--out FILE] [--runs N]}: the time to deploy a WebAssembly UDF to three worker
 * processes (loopback UDP, each with its own media driver and data directory), as {@code scripts/shawarma deploy}
 * does it: the module sent to each worker in turn, each answering once it has checked, compiled, kept and swapped it
 * in. The first deploy goes to workers just started (their background warm-up of Chicory may still run); then
 * {@code runs} redeploys of the same name, alternating two modules. Writes the figures (milliseconds) as JSON,
 * default {@code bench-results/wasm-deploy.json}.
 */
public final class WasmDeployBenchmark
{
    private static final int WORKERS = 3;

    private WasmDeployBenchmark()
    {
    }

    private static final String USAGE = String.join("\n",
        "usage: shawarma bench wasm [--runs N] [--out FILE]",
        "",
        "Deploy time of a WebAssembly UDF to 3 worker processes on loopback UDP: the first deploy after they start,",
        "then N redeploys (default 20); writes FILE (default bench-results/wasm-deploy.json).");

    public static void main(final String[] args) throws IOException
    {
        Path out = Path.of("bench-results", "wasm-deploy.json");
        int runs = 20;
        for (int i = 0; i < args.length; i += 2)
        {
            if ("--help".equals(args[i]) || "-h".equals(args[i]))
            {
                System.out.println(USAGE);
                return;
            }
            if (i + 1 >= args.length || !("--out".equals(args[i]) || "--runs".equals(args[i])) ||
                "--runs".equals(args[i]) && !args[i + 1].matches("[1-9][0-9]{0,4}"))
            {
                System.err.println("shawarma bench wasm: bad option '" + String.join(" ",
                    Arrays.copyOfRange(args, i, Math.min(i + 2, args.length))) + "'");
                System.err.println(USAGE);
                System.exit(2);
                return;
            }
            if ("--out".equals(args[i]))
            {
                out = Path.of(args[i + 1]);
            }
            else
            {
                runs = Integer.parseInt(args[i + 1]);
            }
        }

        final StringBuilder members = new StringBuilder();
        for (int id = 1; id <= WORKERS; id++)
        {
            members.append(id == 1 ? "" : ",").append(id).append('@').append(LoopbackPorts.freeUdpChannel());
        }
        final Path dataDir = Files.createTempDirectory("shawarma-wasm-deploy");
        final List<ChildJvm> workers = new ArrayList<>();
        try
        {
            for (int id = 1; id <= WORKERS; id++)
            {
                final Map<String, String> properties = new LinkedHashMap<>();
                properties.put(Configuration.WORKER_ID_PROP, Integer.toString(id));
                properties.put(Configuration.FABRIC_PROP, members.toString());
                properties.put(Configuration.IDLE_PROP, "backoff");
                properties.put(Configuration.DATA_DIR_PROP, dataDir.resolve("w" + id).toString());
                workers.add(new ChildJvm("worker " + id, WorkerMain.class.getName(), properties, List.of(),
                    "shawarma worker " + id + " ready", null));
            }
            final long deadlineNs = System.nanoTime() + 60_000_000_000L;
            workers.forEach((worker) -> worker.awaitReady(deadlineNs));
            run(members.toString(), runs, out);
        }
        finally
        {
            CloseHelper.closeAll(workers);
            deleteTree(dataDir);
        }
    }

    private static void run(final String fabric, final int runs, final Path out) throws IOException
    {
        final byte[] counter = WasmModules.addModule();
        final byte[] other = Arrays.copyOf(counter, counter.length + 8);
        // A custom section (id 0, 6 bytes: name "x" and 4 bytes) appended: another hash, the same code.
        System.arraycopy(new byte[]{ 0, 6, 1, 'x', 1, 2, 3, 4 }, 0, other, counter.length, 8);
        try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric)
            .idleStrategy("backoff")))
        {
            final Deployer deployer = new Deployer(client);
            final double firstMs = deployToAll(deployer, counter);
            final double[] laterMs = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                laterMs[i] = deployToAll(deployer, i % 2 == 0 ? other : counter);
            }
            Arrays.sort(laterMs);
            final String json = String.format(
                "{%n  \"benchmark\": \"wasm-deploy\",%n  \"workers\": %d,%n  \"module_bytes\": %d,%n" +
                "  \"first_deploy_ms\": %.1f,%n  \"redeploys\": %d,%n  \"redeploy_ms_p50\": %.1f,%n" +
                "  \"redeploy_ms_max\": %.1f,%n  \"redeploy_ms_min\": %.1f%n}%n",
                WORKERS, counter.length, firstMs, runs, laterMs[runs / 2], laterMs[runs - 1], laterMs[0]);
            System.out.print(json);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json);
        }
    }

    private static double deployToAll(final Deployer deployer, final byte[] module)
    {
        final long startNs = System.nanoTime();
        for (int workerId = 1; workerId <= WORKERS; workerId++)
        {
            final Status status = deployer.deploy(workerId, "wasm-add", module);
            if (Status.OK != status)
            {
                throw new IllegalStateException("worker " + workerId + ": " + status + " " + deployer.answer());
            }
        }
        return (System.nanoTime() - startNs) / 1e6;
    }

    private static void deleteTree(final Path dir)
    {
        try (var paths = Files.walk(dir))
        {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach((path) -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
