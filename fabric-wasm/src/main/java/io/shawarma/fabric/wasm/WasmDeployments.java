package io.shawarma.fabric.wasm;

import io.shawarma.fabric.CommandAnswer;
import io.shawarma.fabric.PluginHost;
import io.shawarma.fabric.WorkerCommand;
import io.shawarma.fabric.WorkerPlugin;
import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A worker's WebAssembly UDFs (a {@link WorkerPlugin}, found by fabric-core with ServiceLoader): the deploy, undeploy
 * and list commands ({@link DeployCommands}), the modules kept in the worker's data directory
 * ({@code <shawarma.data.dir>/wasm-worker-<id>/<name>.wasm}, loaded again at start), and the worker's one
 * {@link CallWatchdog}. A deploy checks and compiles the module on the agent thread, between two calls, then swaps it
 * into the worker's {@link UdfRegistry}: calls before the swap ran on the old version, calls after it run on the new.
 */
public final class WasmDeployments implements WorkerPlugin
{
    private static final String SUFFIX = ".wasm";
    private static final int MAX_UPLOADS = 8;
    private static final int WARM_UP_CALLS = 2000;

    private final Map<String, WasmUdf> deployed = new TreeMap<>();
    private final Map<String, Upload> uploads = new HashMap<>();
    private WasmSandbox sandbox;
    private PluginHost host;
    private CallWatchdog watchdog;
    private Path directory;

    public List<WorkerCommand> start(final PluginHost host)
    {
        this.host = host;
        this.sandbox = new WasmSandbox().conclude();
        this.watchdog = new CallWatchdog(
            "shawarma-wasm-watchdog-" + host.workerId(), sandbox.callBudgetNs(), CallWatchdog.CPU_TIME);
        final String dataDir = host.dataDir();
        this.directory = null == dataDir ? null : new File(dataDir, "wasm-worker-" + host.workerId()).toPath();
        loadKept();
        warmUp(host.workerId());
        return List.of(
            command(DeployCommands.DEPLOY, this::deploy),
            command(DeployCommands.UNDEPLOY, this::undeploy),
            command(DeployCommands.LIST, this::list));
    }

    public void close()
    {
        if (null != watchdog)
        {
            watchdog.close();
        }
    }

    /**
     * Compiles {@code add} once on a daemon thread and runs it on a scratch vertex, so that the first deploy and the
     * first calls do not pay for loading and warming Chicory's parser, compiler and call path (over a second on a cold
     * JVM, against tens of milliseconds once warm).
     */
    private void warmUp(final int workerId)
    {
        final Thread thread = new Thread(() ->
        {
            try (CallWatchdog own = new CallWatchdog("shawarma-wasm-warmup-watchdog-" + workerId,
                sandbox.callBudgetNs(), CallWatchdog.CPU_TIME))
            {
                final WasmUdf add = WasmModules.load("warm-up", WasmModules.addModule(), sandbox, own, Long.BYTES);
                final Vertex vertex = new Vertex(new UnsafeBuffer(new byte[Long.BYTES]));
                final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Long.BYTES]);
                for (int i = 0; i < WARM_UP_CALLS; i++)
                {
                    add.compute(vertex.wrap(0, scratch, Long.BYTES), scratch, scratch);
                }
            }
            catch (final RuntimeException ex)
            {
                host.onError(ex);
            }
        }, "shawarma-wasm-warmup-" + workerId);
        thread.setDaemon(true);
        thread.start();
    }

    private void loadKept()
    {
        if (null == directory || !Files.isDirectory(directory))
        {
            return;
        }
        final File[] files = directory.toFile().listFiles((dir, name) -> name.endsWith(SUFFIX));
        if (null == files)
        {
            return;
        }
        for (final File file : files)
        {
            final String name = file.getName().substring(0, file.getName().length() - SUFFIX.length());
            try
            {
                install(name, Files.readAllBytes(file.toPath()));
            }
            catch (final IOException | RuntimeException ex)
            {
                // One bad file costs its UDF, not the worker: said once at start and kept in the error log.
                host.onError(ex);
                System.err.println("shawarma worker " + host.workerId() + ": kept WebAssembly UDF " + file +
                    " not loaded: " + ex.getMessage());
            }
        }
    }

    private Status deploy(final DirectBuffer args, final CommandAnswer answer)
    {
        final DeployCommands.Chunk chunk = DeployCommands.Chunk.decode(args);
        if (null == chunk)
        {
            answer.text("malformed deploy chunk: " + args.capacity() + " bytes");
            return Status.MALFORMED;
        }
        final String refusal = refusalOfName(chunk.name);
        if (null != refusal)
        {
            answer.text(refusal);
            return Status.UDF_FAILED;
        }
        if (chunk.moduleLength > sandbox.moduleMaxBytes())
        {
            uploads.remove(chunk.name);
            answer.text(WasmModules.tooLarge(chunk.moduleLength, sandbox.moduleMaxBytes()).getMessage());
            return Status.UDF_FAILED;
        }

        Upload upload = uploads.get(chunk.name);
        if (0 == chunk.offset)
        {
            if (null == upload && uploads.size() >= MAX_UPLOADS)
            {
                answer.text("too many deploys in progress on this worker (" + MAX_UPLOADS + "); try again");
                return Status.BACK_PRESSURED;
            }
            upload = new Upload(chunk.moduleLength);
            uploads.put(chunk.name, upload);
        }
        if (null == upload || upload.bytes.length != chunk.moduleLength || upload.received != chunk.offset)
        {
            uploads.remove(chunk.name);
            answer.text("deploy of '" + chunk.name + "' out of order (chunk at offset " + chunk.offset +
                "): deploy it again");
            return Status.UDF_FAILED;
        }
        args.getBytes(chunk.dataOffset, upload.bytes, chunk.offset, chunk.dataLength);
        upload.received += chunk.dataLength;
        if (upload.received < upload.bytes.length)
        {
            answer.text("received " + upload.received + " of " + upload.bytes.length + " bytes");
            return Status.OK;
        }

        uploads.remove(chunk.name);
        try
        {
            final WasmUdf previous = deployed.get(chunk.name);
            final WasmUdf udf = WasmModules.load(chunk.name, upload.bytes, sandbox, watchdog, host.maxValueBytes());
            final String kept = keep(chunk.name, upload.bytes);
            swapIn(udf);
            answer.text("deployed " + udf.describe() +
                (null == previous ? "" : ", replacing sha256:" + previous.sha256().substring(0, 16)) + kept);
            return Status.OK;
        }
        catch (final WasmRefusal ex)
        {
            answer.text("refused: " + ex.getMessage());
            return Status.UDF_FAILED;
        }
        catch (final UncheckedIOException ex)
        {
            host.onError(ex);
            answer.text("refused: could not keep the module in " + directory + ": " + ex.getMessage());
            return Status.UDF_FAILED;
        }
    }

    private Status undeploy(final DirectBuffer args, final CommandAnswer answer)
    {
        final String name = args.getStringWithoutLengthAscii(0, args.capacity());
        final UdfRegistry udfs = host.udfs();
        if (null == deployed.get(name))
        {
            final Udf builtIn = udfs.isBuiltIn(Udf.idOf(name)) ? udfs.get(Udf.idOf(name)) : null;
            answer.text(null != builtIn && builtIn.name().equals(name) ?
                "'" + name + "' is built in: it cannot be undeployed" : "no deployed UDF '" + name + "'");
            return Status.NO_SUCH_UDF;
        }
        udfs.undeploy(name);
        deployed.remove(name);
        if (null != directory)
        {
            try
            {
                Files.deleteIfExists(directory.resolve(name + SUFFIX));
            }
            catch (final IOException ex)
            {
                host.onError(ex);
                answer.text("undeployed " + name + ", but its file stays: " + ex.getMessage());
                return Status.OK;
            }
        }
        answer.text("undeployed " + name);
        return Status.OK;
    }

    private Status list(final DirectBuffer args, final CommandAnswer answer)
    {
        final StringBuilder text = new StringBuilder();
        for (final String name : host.udfs().names())
        {
            text.append(name).append(" built-in\n");
        }
        for (final WasmUdf udf : deployed.values())
        {
            text.append(udf.describe()).append('\n');
        }
        answer.text(text.toString());
        return Status.OK;
    }

    private String refusalOfName(final String name)
    {
        final String refusal = DeployCommands.nameRefusal(name);
        return null != refusal ? refusal : host.udfs().deployRefusal(name);
    }

    private void install(final String name, final byte[] bytes)
    {
        final String refusal = refusalOfName(name);
        if (null != refusal)
        {
            throw new WasmRefusal(refusal);
        }
        swapIn(WasmModules.load(name, bytes, sandbox, watchdog, host.maxValueBytes()));
    }

    private void swapIn(final WasmUdf udf)
    {
        // One map entry replaced between two calls on the agent thread: the swap is atomic for the calls.
        host.udfs().deploy(udf);
        deployed.put(udf.name(), udf);
    }

    /**
     * Writes the module to the data directory, whole or not at all (a temporary file moved into place).
     *
     * @return what to tell the caller about keeping it.
     */
    private String keep(final String name, final byte[] bytes)
    {
        if (null == directory)
        {
            return "; kept in memory only (set shawarma.data.dir to keep it across restarts)";
        }
        try
        {
            Files.createDirectories(directory);
            final Path file = directory.resolve(name + SUFFIX);
            final Path temporary = directory.resolve(name + SUFFIX + ".tmp");
            Files.write(temporary, bytes);
            try
            {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return "";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static WorkerCommand command(final String name, final Handler handler)
    {
        return new WorkerCommand()
        {
            public String name()
            {
                return name;
            }

            public Status execute(final DirectBuffer args, final CommandAnswer answer)
            {
                return handler.execute(args, answer);
            }
        };
    }

    @FunctionalInterface
    private interface Handler
    {
        Status execute(DirectBuffer args, CommandAnswer answer);
    }

    /**
     * A module arriving in chunks.
     */
    private static final class Upload
    {
        final byte[] bytes;
        int received;

        Upload(final int length)
        {
            this.bytes = new byte[length];
        }
    }
}
