package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.process.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code shawarma aggregate} as a user runs it: real worker processes over Aeron IPC, this JVM's flags.
 */
class AggregateProcessesIT
{
    @TempDir
    Path temp;

    @Test
    void synchronousResultsAreTheSameOnOneTwoAndThreeWorkers() throws Exception
    {
        final int width = 8;
        final int height = 6;
        final List<String> expected = new ArrayList<>();
        for (int id = 0; id < width * height; id++)
        {
            final int x = id % width;
            final int y = id / width;
            // Manhattan distance to the nearer of the corners 0 and 47.
            expected.add(id + "\t" + Math.min(x + y, (width - 1 - x) + (height - 1 - y)));
        }
        for (int workers = 1; workers <= 3; workers++)
        {
            final List<String> lines = run(workers, "--program", "hopcount", "--grid", width + "x" + height,
                "--rounds", "30", "--sources", "0,47");
            assertEquals(expected, lines, workers + " workers");
        }
    }

    @Test
    void runsAUsersProgramClass() throws Exception
    {
        assertEquals(List.of("0\t3", "1\t4", "2\t3", "3\t4", "4\t5", "5\t4", "6\t3", "7\t4", "8\t3"),
            run(2, "--program-class", NeighbourCountProgram.class.getName(), "--grid", "3x3", "--rounds", "3"));
    }

    @Test
    void refusesBadOptionsWithAClearMessageAndWritesNothing() throws Exception
    {
        final Path out = temp.resolve("never.txt");
        final ChildJvm badGrid = job(List.of("--program", "gradient", "--grid", "0x3", "--out", out.toString()));
        assertEquals(2, badGrid.awaitExit(120_000), badGrid.lastLines());
        assertTrue(badGrid.lastLines().contains("a grid needs at least 2 devices") ||
            badGrid.lastLines().contains("--grid expects WIDTHxHEIGHT"), badGrid.lastLines());

        final ChildJvm badSource = job(List.of("--program", "gradient", "--grid", "3x3", "--sources", "9",
            "--out", out.toString()));
        assertEquals(1, badSource.awaitExit(120_000), badSource.lastLines());
        assertTrue(badSource.lastLines().contains("--sources: 9 is not a device of the network"),
            badSource.lastLines());

        final ChildJvm badClass = job(List.of("--program-class", "no.such.Program", "--grid", "3x3",
            "--out", out.toString()));
        assertEquals(1, badClass.awaitExit(120_000), badClass.lastLines());
        assertTrue(badClass.lastLines().contains("no.such.Program: not on the classpath"), badClass.lastLines());
        assertFalse(Files.exists(out));
    }

    @Test
    void refusesABadMembersSpecAndNamesAMemberThatDoesNotConnect()
    {
        final Path out = temp.resolve("never.txt");
        final ChildJvm badSpec = job(List.of("--program", "hopcount", "--grid", "3x3", "--members",
            "1@aeron:udp?endpoint=127.0.0.1:40291,two@aeron:udp?endpoint=127.0.0.1:40292", "--out", out.toString()));
        assertEquals(2, badSpec.awaitExit(120_000), badSpec.lastLines());
        assertTrue(badSpec.lastLines().contains("--members: bad worker id in 'two@aeron:udp?endpoint=127.0.0.1:40292'"),
            badSpec.lastLines());

        // Worker 2 is never started: the first member gives up after the connect timeout, saying what to check.
        final ChildJvm alone = job(List.of("--program", "hopcount", "--grid", "3x3", "--connect-timeout", "2",
            "--members", "1@aeron:udp?endpoint=127.0.0.1:40291,2@aeron:udp?endpoint=127.0.0.1:40292",
            "--out", out.toString()));
        assertEquals(1, alone.awaitExit(120_000), alone.lastLines());
        assertTrue(alone.lastLines().contains("shawarma aggregate: aggregate worker 2 " +
            "(aeron:udp?endpoint=127.0.0.1:40292) did not connect within 2 s: check that it is running with the " +
            "same members and that UDP reaches that endpoint from here"), alone.lastLines());
        assertFalse(Files.exists(out));
    }

    private List<String> run(final int workers, final String... options) throws Exception
    {
        final Path out = temp.resolve("out-" + workers + "-" + System.nanoTime() + ".txt");
        final List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--workers", Integer.toString(workers), "--out", out.toString()));
        final ChildJvm job = job(args);
        assertEquals(0, job.awaitExit(120_000), job.lastLines());
        assertTrue(job.lastLines().contains("round 0 devices "), job.lastLines());
        return Files.readAllLines(out);
    }

    private static ChildJvm job(final List<String> args)
    {
        return new ChildJvm("aggregate", AggregateMain.class.getName(), Map.of(), args, "never", null);
    }
}
