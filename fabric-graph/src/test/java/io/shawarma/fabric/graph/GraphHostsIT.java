package io.shawarma.fabric.graph;

import io.shawarma.fabric.NetworkNamespaces;
import io.shawarma.fabric.process.ChildJvm;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A graph job whose three workers are on three hosts: network namespaces, each with its own network stack, media
 * driver and Aeron over UDP to the others, as a user starts them (the first member with {@code --out}, the others
 * with {@code --worker-id}); the results come back to the first over Aeron, not through a file, and equal the
 * single-machine run's known answers.
 */
class GraphHostsIT
{
    private static final int PORT = 40_100;
    private static NetworkNamespaces network;

    @TempDir
    Path temp;

    @BeforeAll
    static void createHosts()
    {
        final String unavailable = NetworkNamespaces.unavailableReason();
        assumeTrue(null == unavailable, unavailable);
        network = new NetworkNamespaces(3);
    }

    @AfterAll
    static void deleteHosts()
    {
        CloseHelper.close(network);
    }

    @Test
    void shouldRankOnThreeHostsAsOnOne() throws Exception
    {
        final List<String> ranks = runOnHosts("pagerank", "dangling.txt", "--tolerance", "1e-15", "--iterations",
            "500");
        final double[] expected = {0.23399377763222529, 0.18667103324054363, 0.34534141149500575,
            0.23399377763222529};
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i], Double.parseDouble(ranks.get(i).split("\t")[1]), 1e-9, ranks.toString());
        }
    }

    @Test
    void shouldLabelComponentsOnThreeHostsAsOnOne() throws Exception
    {
        assertEquals(List.of("5\t5", "7\t5", "42\t42", "43\t42", "1000000000000\t5"),
            runOnHosts("cc", "two-parts.txt"));
    }

    private List<String> runOnHosts(final String algorithm, final String graph, final String... options)
        throws Exception
    {
        final StringBuilder members = new StringBuilder();
        for (int host = 1; host <= 3; host++)
        {
            members.append(1 == host ? "" : ",").append(host).append("@aeron:udp?endpoint=")
                .append(network.hostAddress(host)).append(':').append(PORT);
        }
        final List<String> common = new ArrayList<>(List.of(algorithm, "--edges",
            GraphWorkerTest.resource(graph).toString(), "--members", members.toString()));
        common.addAll(List.of(options));
        final Path out = temp.resolve(algorithm + ".tsv");
        final List<ChildJvm> jobs = new ArrayList<>();
        try
        {
            for (int host = 3; host >= 1; host--)
            {
                final List<String> args = new ArrayList<>(common);
                args.addAll(1 == host ? List.of("--out", out.toString()) :
                    List.of("--worker-id", Integer.toString(host)));
                jobs.add(new ChildJvm(network.launcher(host), "graph on host " + host, GraphMain.class.getName(),
                    Map.of(), args, "never", null));
            }
            for (final ChildJvm job : jobs)
            {
                assertEquals(0, job.awaitExit(120_000), job.lastLines());
            }
            return Files.readAllLines(out);
        }
        finally
        {
            CloseHelper.closeAll(jobs);
        }
    }
}
