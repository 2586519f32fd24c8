package io.shawarma.fabric.graph;

import io.shawarma.fabric.SystemPropertiesRestored;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@ExtendWith(SystemPropertiesRestored.class)
class GraphOptionsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadAPropertiesFileWithAFlagWinningOverIt() throws IOException
    {
        final Path file = write(
            GraphConfiguration.EDGES_PROP + "=graph.txt",
            GraphConfiguration.OUT_PROP + "=ranks.tsv",
            GraphConfiguration.WORKERS_PROP + "=3",
            GraphConfiguration.DAMPING_PROP + "=0.5",
            GraphConfiguration.MAX_SUPERSTEPS_PROP + "=7");

        final GraphOptions options = GraphOptions.parse(new String[]{ "pagerank", file.toString(), "--workers", "4" });

        assertEquals(Path.of("graph.txt"), options.edges);
        assertEquals(Path.of("ranks.tsv"), options.out);
        assertEquals(4, options.workers);
        assertEquals(0.5, options.damping);
        assertEquals(7, options.maxSupersteps);
    }

    @Test
    void shouldLetASystemPropertyWinOverTheFile() throws IOException
    {
        final Path file = write(
            "shawarma.graph.edges=graph.txt", "shawarma.graph.out=cc.tsv", "shawarma.graph.workers=3");
        System.setProperty(GraphConfiguration.WORKERS_PROP, "5");

        assertEquals(5, GraphOptions.parse(new String[]{ "cc", file.toString() }).workers);
    }

    @Test
    void shouldRefuseAnUnknownPropertyInTheFile() throws IOException
    {
        final Path file = write("shawarma.graph.edges=graph.txt", "shawarma.graph.workrs=3");

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> GraphOptions.parse(new String[]{ "cc", file.toString(), "--out", "cc.tsv" }));
        assertEquals("unknown property shawarma.graph.workrs (did you mean shawarma.graph.workers?)",
            ex.getMessage());
    }

    @Test
    void shouldNameThePropertyOfABadValue() throws IOException
    {
        final Path file = write("shawarma.graph.workers=0");

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> GraphOptions.parse(new String[]{ "cc", file.toString(), "--edges", "g.txt", "--out", "cc.tsv" }));
        assertEquals("shawarma.graph.workers=0: --workers 0: expected a whole number in [1, 64]", ex.getMessage());
    }

    @Test
    void shouldTiePregelAndProgramClassTogetherAndTakeIntoForOut()
    {
        assertEquals("pregel needs --program-class CLASS", assertThrows(IllegalArgumentException.class,
            () -> GraphOptions.parse(new String[]{ "pregel", "--edges", "g.txt", "--out", "o.tsv" })).getMessage());
        final String[] ccWithClass = { "cc", "--edges", "g.txt", "--out", "o.tsv", "--program-class", "a.B" };
        assertEquals("--program-class is for the pregel command", assertThrows(IllegalArgumentException.class,
            () -> GraphOptions.parse(ccWithClass)).getMessage());
        final String[] badValues = { "pregel", "--edges", "g.txt", "--out", "o.tsv", "--program-class", "a.B",
            "--values", "u8" };
        assertEquals("--values u8: expected i64 or f64", assertThrows(IllegalArgumentException.class,
            () -> GraphOptions.parse(badValues)).getMessage());
        assertEquals("--edges and --out FILE or --into FABRIC are required", assertThrows(
            IllegalArgumentException.class, () -> GraphOptions.parse(new String[]{ "cc", "--edges", "g.txt" }))
            .getMessage());

        final String[] badWorkersAs = { "cc", "--edges", "g.txt", "--out", "o.tsv", "--workers-as", "fibers" };
        assertEquals("--workers-as fibers: expected threads or processes", assertThrows(
            IllegalArgumentException.class, () -> GraphOptions.parse(badWorkersAs)).getMessage());

        final GraphOptions options = GraphOptions.parse(new String[]{ "pregel", "--edges", "g.txt", "--into",
            "1@aeron:ipc", "--program-class", MaxIdProgram.class.getName(), "--values", "f64" });
        assertEquals("1@aeron:ipc", options.into);
        assertEquals(true, options.hasDoubleValues());
        assertEquals("max-id", options.program().name());
    }

    private Path write(final String... lines) throws IOException
    {
        final Path file = dir.resolve("job.properties");
        Files.write(file, List.of(lines));
        return file;
    }
}
