package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.SystemPropertiesRestored;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

@ExtendWith(SystemPropertiesRestored.class)
class AggregateOptionsTest
{
    private static final String MEMBERS =
        "2@aeron:udp?endpoint=10.0.0.1:40200,3@aeron:udp?endpoint=10.0.0.2:40200,7@aeron:udp?endpoint=10.0.0.3:40200";

    @TempDir
    Path dir;

    @Test
    void shouldReadAPropertiesFileWithFlagsWinningOverIt() throws IOException
    {
        final Path file = dir.resolve("job.properties");
        Files.write(file, List.of(
            AggregateConfiguration.PROGRAM_PROP + "=hopcount",
            AggregateConfiguration.EDGES_PROP + "=network.txt",
            AggregateConfiguration.OUT_PROP + "=hops.tsv",
            AggregateConfiguration.ROUNDS_PROP + "=7",
            AggregateConfiguration.SOURCES_PROP + "=1,2",
            AggregateConfiguration.MODE_PROP + "=async"));

        final AggregateOptions options = AggregateOptions.parse(
            new String[]{ file.toString(), "--grid", "4x4", "--rounds", "9" });

        assertEquals("hopcount", options.program);
        assertEquals("4x4", options.grid);
        assertNull(options.edges);
        assertEquals(9, options.rounds);
        assertArrayEquals(new long[]{ 1, 2 }, options.sources);
        assertFalse(options.synchronous);
        assertEquals(AggregateConfiguration.RETENTION_DEFAULT, options.retention);
    }

    @Test
    void shouldTakeTheWorkersFromTheMembers()
    {
        final AggregateOptions first = parse("--members", MEMBERS, "--out", "hops.tsv");
        assertEquals(3, first.workers);
        assertEquals(-1, first.workerId);

        final AggregateOptions other = parse("--members", MEMBERS, "--worker-id", "7");
        assertEquals(7, other.workerId);
        assertNull(other.out);
    }

    @Test
    void shouldRefuseMembersThatCannotMakeAJob()
    {
        assertRefused("--members: bad member 'x', expected id@aeron:udp?endpoint=host:port or id@aeron:ipc",
            "--members", "x", "--out", "o");
        assertRefused("--members lists one worker: give two or more, or leave --members out",
            "--members", "1@aeron:udp?endpoint=10.0.0.1:40200", "--out", "o");
        assertRefused("--workers and --members: give one (--members lists the workers)",
            "--members", MEMBERS, "--workers", "2", "--out", "o");
        assertRefused("--worker-id 4 is not in --members " + MEMBERS, "--members", MEMBERS, "--worker-id", "4");
        assertRefused("--worker-id 2 is the first member: run it without --worker-id, with --out FILE",
            "--members", MEMBERS, "--worker-id", "2");
        assertRefused("--out is for the first member: the others send it their outputs",
            "--members", MEMBERS, "--worker-id", "3", "--out", "o");
        assertRefused("--worker-id needs --members SPEC, the same on every worker", "--worker-id", "3");
        assertRefused("--out FILE is required", "--members", MEMBERS);
    }

    private static AggregateOptions parse(final String... options)
    {
        final List<String> args = new ArrayList<>(List.of("--program", "hopcount", "--grid", "4x4"));
        args.addAll(List.of(options));
        return AggregateOptions.parse(args.toArray(new String[0]));
    }

    private static void assertRefused(final String message, final String... options)
    {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> parse(options)).getMessage());
    }
}
