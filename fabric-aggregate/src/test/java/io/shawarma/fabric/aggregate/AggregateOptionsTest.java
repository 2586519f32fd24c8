package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.SystemPropertiesRestored;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

@ExtendWith(SystemPropertiesRestored.class)
class AggregateOptionsTest
{
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
}
