package io.shawarma.fabric.wasm;

import io.shawarma.fabric.CommandAnswer;
import io.shawarma.fabric.PluginHost;
import io.shawarma.fabric.WorkerCommand;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.fabric.store.VertexStores;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deploy, undeploy and list commands as a worker runs them: chunks, refusals, replacement, NO_SUCH_UDF after an
 * undeploy, and modules kept in the data directory across a restart.
 */
class WasmDeploymentsTest
{
    private static final int MAX_PAYLOAD = 100;
    private static final long VERTEX = 3;

    @TempDir
    Path dataDir;

    private final VertexStore store = VertexStores.open("table", 1000, 16, 1024, null);
    private final List<WasmDeployments> plugins = new ArrayList<>();
    private final UnsafeBuffer args = new UnsafeBuffer(new byte[MAX_PAYLOAD]);
    private final CommandAnswer answer = new CommandAnswer(new UnsafeBuffer(new byte[4096]));
    private UdfRegistry udfs;
    private LocalInvoker invoker;
    private List<WorkerCommand> commands;

    @AfterEach
    void close()
    {
        plugins.forEach(WasmDeployments::close);
        store.close();
    }

    private void startWorker(final String dataDirOrNull)
    {
        udfs = new UdfRegistry(List.of(new AddUdf()));
        invoker = new LocalInvoker(store, udfs, 4096, Throwable::getClass);
        final WasmDeployments plugin = new WasmDeployments();
        plugins.add(plugin);
        commands = plugin.start(new Host(udfs, dataDirOrNull));
    }

    private Status run(final String command, final int length)
    {
        for (final WorkerCommand candidate : commands)
        {
            if (candidate.name().equals(command))
            {
                return candidate.execute(new UnsafeBuffer(args, 0, length), answer.length(0));
            }
        }
        throw new IllegalArgumentException(command);
    }

    private Status deploy(final String name, final byte[] module)
    {
        final int chunk = MAX_PAYLOAD - DeployCommands.headerLength(name);
        Status status;
        int offset = 0;
        do
        {
            final int length = Math.min(chunk, module.length - offset);
            status = run(DeployCommands.DEPLOY, DeployCommands.encodeChunk(args, name, module, offset, length));
            offset += length;
        }
        while (Status.OK == status && offset < module.length);
        return status;
    }

    private Status undeploy(final String name)
    {
        args.putStringWithoutLengthAscii(0, name);
        return run(DeployCommands.UNDEPLOY, name.length());
    }

    private String text()
    {
        return answer.buffer().getStringWithoutLengthUtf8(0, answer.length());
    }

    private Status count(final String name)
    {
        final UnsafeBuffer delta = new UnsafeBuffer(new byte[8]);
        delta.putLong(0, 1, LITTLE_ENDIAN);
        return invoker.invoke(VERTEX, Udf.idOf(name), delta, 0, 8);
    }

    @Test
    void shouldDeployInChunksThenAnswerNoSuchUdfAfterUndeploy()
    {
        startWorker(null);
        invoker.put(VERTEX, args, 0, 0);
        assertEquals(Status.NO_SUCH_UDF, count("counter"));

        assertEquals(Status.OK, deploy("counter", Modules.example("counter")), text());
        assertTrue(text().startsWith("deployed counter wasm sha256:"), text());
        assertTrue(text().contains("kept in memory only"), text());
        assertEquals(Status.OK, count("counter"));
        assertEquals(1, invoker.result().getLong(0, LITTLE_ENDIAN));

        assertEquals(Status.OK, run(DeployCommands.LIST, 0));
        assertTrue(text().contains("add built-in\n"), text());
        assertTrue(text().contains("counter wasm sha256:" + WasmModules.sha256(Modules.example("counter"))
            .substring(0, 16)), text());

        assertEquals(Status.OK, undeploy("counter"), text());
        assertEquals(Status.NO_SUCH_UDF, count("counter"));
        assertEquals(Status.NO_SUCH_UDF, undeploy("counter"));
        assertEquals(Status.NO_SUCH_UDF, undeploy(AddUdf.NAME));
        assertTrue(text().contains("built in"), text());
    }

    @Test
    void shouldReplaceADeployedModuleAndKeepTheOldOneOnARefusal()
    {
        startWorker(null);
        invoker.put(VERTEX, args, 0, 0);
        assertEquals(Status.OK, deploy("udf", Modules.test("not-found")));
        assertEquals(Status.NO_SUCH_VERTEX, count("udf"));
        assertEquals(Status.OK, deploy("udf", Modules.example("counter")));
        assertTrue(text().contains("replacing sha256:"), text());
        assertEquals(Status.OK, count("udf"));

        assertEquals(Status.UDF_FAILED, deploy("udf", Modules.test("missing-export")));
        assertTrue(text().startsWith("refused: missing export 'compute'"), text());
        assertEquals(Status.OK, count("udf"), "a refused module leaves the deployed one in place");
    }

    @Test
    void shouldRefuseBadNamesAndModulesTooLargeAtTheFirstChunk()
    {
        startWorker(null);
        assertEquals(Status.UDF_FAILED, deploy(AddUdf.NAME, Modules.example("counter")));
        assertTrue(text().contains("built-in"), text());
        assertEquals(Status.UDF_FAILED, deploy("shawarma.x", Modules.example("counter")));
        assertEquals(Status.UDF_FAILED, deploy("a b", Modules.example("counter")));
        assertEquals(Status.UDF_FAILED, deploy("text", "(module)".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(text().contains("not WebAssembly"), text());

        System.setProperty(WasmConfiguration.MODULE_MAX_BYTES_PROP, "150");
        try
        {
            startWorker(null);
        }
        finally
        {
            System.clearProperty(WasmConfiguration.MODULE_MAX_BYTES_PROP);
        }
        final byte[] module = Modules.example("counter");
        args.putByte(0, (byte)1);
        final int length = DeployCommands.encodeChunk(args, "c", module, 0, 10);
        assertEquals(Status.UDF_FAILED, run(DeployCommands.DEPLOY, length));
        assertEquals("too large: the module has " + module.length + " bytes, shawarma.wasm.module.max.bytes is 150",
            text());
    }

    @Test
    void shouldKeepDeployedModulesAcrossARestart() throws Exception
    {
        startWorker(dataDir.toString());
        assertEquals(Status.OK, deploy("counter", Modules.example("counter")), text());
        assertEquals(Status.OK, deploy("mean", Modules.example("mean")), text());
        assertTrue(Files.exists(dataDir.resolve("wasm-worker-1/counter.wasm")));
        assertEquals(Status.OK, undeploy("mean"));
        plugins.get(0).close();

        startWorker(dataDir.toString());
        invoker.put(VERTEX, args, 0, 0);
        assertEquals(Status.OK, count("counter"));
        assertEquals(Status.NO_SUCH_UDF, count("mean"));
        assertNull(udfs.get(Udf.idOf("mean")));
    }

    private static final class Host implements PluginHost
    {
        private final UdfRegistry udfs;
        private final String dataDir;

        Host(final UdfRegistry udfs, final String dataDir)
        {
            this.udfs = udfs;
            this.dataDir = dataDir;
        }

        public int workerId()
        {
            return 1;
        }

        public String dataDir()
        {
            return dataDir;
        }

        public UdfRegistry udfs()
        {
            return udfs;
        }

        public int maxValueBytes()
        {
            return 1024;
        }

        public int maxPayloadBytes()
        {
            return MAX_PAYLOAD;
        }

        public void onError(final Throwable error)
        {
        }
    }
}
