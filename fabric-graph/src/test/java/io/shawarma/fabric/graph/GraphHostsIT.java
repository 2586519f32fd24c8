package io.shawarma.fabric.graph;

import io.shawarma.fabric.HostsJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A graph job whose three workers are on three hosts: network namespaces, each with its own network stack, media
 * driver and Aeron over UDP to the others, as a user starts them (the first member with {@code --out}, the others
 * with {@code --worker-id}); the results come back to the first over Aeron, not through a file, and equal the
 * single-machine run's known answers.
 */
class GraphHostsIT
{
    private static final int PORT = 40_100;

    @RegisterExtension
    static final HostsJob HOSTS = new HostsJob(3, PORT);

    @TempDir
    Path temp;

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
        final List<String> common = new ArrayList<>(List.of(algorithm, "--edges",
            GraphWorkerTest.resource(graph).toString(), "--members", HOSTS.members()));
        common.addAll(List.of(options));
        return HOSTS.run(GraphMain.class.getName(), common, temp.resolve(algorithm + ".tsv"));
    }
}
