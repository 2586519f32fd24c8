package io.shawarma.fabric.grid;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.CountersFile;
import io.shawarma.fabric.process.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no cluster running, {@code status}, {@code submit} and {@code worker --cluster} stop after the short connect
 * timeout in one line that names the addresses tried and says to start the cluster; exit 1, no stack trace.
 */
class GridUnreachableIT
{
    private static final long EXIT_TIMEOUT_MS = 60_000;

    private final int portBase = TestGrid.freePortBase(1);

    @Test
    void statusSaysToStartTheCluster()
    {
        assertRefused("status", GridCli.class.getName(), List.of("status"), Map.of());
    }

    @Test
    void submitSaysToStartTheCluster()
    {
        final String dag = "target/unreachable-dag.json";
        assertTrue(new File("target").isDirectory());
        try
        {
            Files.writeString(new File(dag).toPath(), "{\"name\":\"d\",\"tasks\":[]}");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        assertRefused("submit", GridCli.class.getName(), List.of("submit", dag), Map.of());
    }

    @Test
    void gridWorkerSaysToStartTheClusterAndLeavesNoDirectory()
    {
        final ChildJvm worker = assertRefused("worker", GridWorkerMain.class.getName(), List.of("--cluster"),
            Map.of(Configuration.WORKER_ID_PROP, "1"));
        final String prefix = CountersFile.DIRECTORY_PREFIX + "1-" + worker.pid() + "-";
        final File[] left = CountersFile.newDirectory(1).getParentFile()
            .listFiles((dir, name) -> name.startsWith(prefix));
        assertEquals(0, null == left ? 0 : left.length, "directories left: " + Arrays.toString(left));
    }

    private ChildJvm assertRefused(
        final String command, final String mainClass, final List<String> args, final Map<String, String> extra)
    {
        final Map<String, String> properties = new HashMap<>(extra);
        properties.put(GridConfiguration.PORT_BASE_PROP, Integer.toString(portBase));
        properties.put(GridConfiguration.MEMBERS_PROP, "1");
        properties.put(GridConfiguration.CONNECT_TIMEOUT_MS_PROP, "500");
        try (ChildJvm child = new ChildJvm(command, mainClass, properties, args, "never printed", null))
        {
            final int exit = child.awaitExit(EXIT_TIMEOUT_MS);
            final String output = child.lastLines();

            assertEquals(1, exit, output);
            assertTrue(output.contains("shawarma " + command + ": no grid cluster member answered within "), output);
            assertTrue(output.contains("is \"scripts/shawarma cluster\" running? tried 127.0.0.1:" + (portBase + 2)),
                output);
            assertFalse(output.contains("Exception"), output);
            return child;
        }
    }
}
