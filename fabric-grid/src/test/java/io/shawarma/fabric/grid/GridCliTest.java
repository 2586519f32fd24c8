package io.shawarma.fabric.grid;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.logbuffer.FrameDescriptor;
import io.shawarma.fabric.process.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DAG too large for one cluster message is refused by the submitter with one line, before it asks any cluster.
 */
class GridCliTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldFitTheLargestDagInOneClusterMessage()
    {
        final byte[] json = new byte[GridClient.MAX_DAG_JSON_BYTES];
        final int length = new GridEncoder().submitDag(1, 2, json);

        assertEquals(FrameDescriptor.computeMaxMessageLength(4 * 1024 * 1024),
            AeronCluster.SESSION_HEADER_LENGTH + length, "the ingress message at the limit fills the largest one");
        assertNull(GridClient.dagSizeRefusal("dag.json", GridClient.MAX_DAG_JSON_BYTES));
    }

    @Test
    void shouldRefuseADagOverTheLimitWithOneLineAndExitTwo() throws IOException
    {
        final Path dag = tempDir.resolve("big.json");
        final byte[] json = new byte[600 * 1024];
        Arrays.fill(json, (byte)' ');
        Files.write(dag, json);

        // No cluster runs on these ports: a submitter that tried to connect would not exit 2 at once.
        try (ChildJvm submitter = new ChildJvm("submit", GridCli.class.getName(),
            Map.of(GridConfiguration.PORT_BASE_PROP, "1"), List.of("submit", dag.toString()), "", null))
        {
            assertEquals(2, submitter.awaitExit(30_000), submitter.lastLines());

            final String output = submitter.lastLines();
            final String expected = "[submit] shawarma submit: refused: " + dag + " is " + json.length + " bytes, " +
                "over the " + GridClient.MAX_DAG_JSON_BYTES + " bytes one submission carries";
            assertTrue(output.startsWith(expected), output);
            assertTrue(output.contains("split it into smaller DAGs"), output);
            assertEquals(1, output.split("\n").length, output);
            assertFalse(output.contains("Exception"), output);
        }
    }
}
