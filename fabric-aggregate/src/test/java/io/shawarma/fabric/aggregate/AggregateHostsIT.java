package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.HostsJob;
import io.shawarma.fabric.graph.EdgeList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An aggregate job whose three workers are on three hosts: network namespaces, each with its own network stack,
 * media driver and Aeron over UDP to the others, as a user starts them (the first member with {@code --out}, the
 * others with {@code --worker-id}); the device outputs come back to the first over Aeron, not through a file, and
 * equal, device by device, those of the hand-written single-thread loop after the same rounds (before they settle,
 * so that every round's exchange across hosts counts).
 */
class AggregateHostsIT
{
    private static final int PORT = 40_200;
    private static final int WIDTH = 10;
    private static final int HEIGHT = 8;
    private static final int ROUNDS = 9;
    private static final long[] SOURCES = {0, WIDTH * HEIGHT - 1};

    @RegisterExtension
    static final HostsJob HOSTS = new HostsJob(3, PORT);

    @TempDir
    Path temp;

    @Test
    void shouldCountHopsOnThreeHostsAsTheLoopDoesOnOne() throws Exception
    {
        assertSameAsLoop("hopcount", true);
    }

    @Test
    void shouldComputeTheGradientOnThreeHostsAsTheLoopDoesOnOne() throws Exception
    {
        assertSameAsLoop("gradient", false);
    }

    private void assertSameAsLoop(final String program, final boolean hopCount) throws Exception
    {
        final EdgeList grid = GridNetwork.of(WIDTH, HEIGHT);
        final HandLoop loop = new HandLoop(grid, hopCount, false, SOURCES);
        for (int r = 0; r < ROUNDS; r++)
        {
            loop.round();
        }
        final double[] expected = loop.values();
        final List<String> lines = runOnHosts(program);
        assertEquals(WIDTH * HEIGHT, lines.size(), lines.toString());
        for (final String line : lines)
        {
            final String[] fields = line.split("\t");
            final long device = Long.parseLong(fields[0]);
            final double value = "inf".equals(fields[1]) ? Double.POSITIVE_INFINITY : Double.parseDouble(fields[1]);
            assertEquals(expected[grid.indexOf(device)], value, program + " device " + device);
        }
    }

    private List<String> runOnHosts(final String program) throws Exception
    {
        return HOSTS.run(AggregateMain.class.getName(), List.of("--program", program, "--grid",
            WIDTH + "x" + HEIGHT, "--rounds", Integer.toString(ROUNDS), "--sources", SOURCES[0] + "," + SOURCES[1],
            "--members", HOSTS.members()), temp.resolve(program + ".tsv"));
    }
}
