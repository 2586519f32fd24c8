package io.shawarma.fabric.graph;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EdgeListParserTest
{
    @TempDir
    Path temp;

    private int files;

    static Path resource(final String name)
    {
        try
        {
            return Path.of(EdgeListParserTest.class.getResource("/graphs/" + name).toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void shouldReadCommentsBlankLinesTabsAndSparseIds() throws Exception
    {
        final EdgeList graph = EdgeListParser.parse(resource("two-parts.txt"));

        assertEquals(4, graph.edgeCount());
        assertArrayEquals(new long[]{1000000000000L, 5, 42, 43}, graph.src());
        assertArrayEquals(new long[]{5, 7, 43, 42}, graph.dst());
        assertArrayEquals(new double[]{1, 1, 1, 1}, graph.weight());
        assertArrayEquals(new long[]{5, 7, 42, 43, 1000000000000L}, graph.vertexIds());
    }

    @Test
    void shouldReadWeightsInAnyDecimalForm() throws Exception
    {
        final EdgeList graph = EdgeListParser.parse(resource("weighted.txt"));

        assertArrayEquals(new double[]{10, 1.5, 1.5, 0.25, 2}, graph.weight());
        assertArrayEquals(new long[]{1, 2, 3, 4, 5}, graph.vertexIds());
    }

    @Test
    void shouldWeighOneWhenTheColumnIsAbsentEvenOnSomeLines() throws Exception
    {
        final EdgeList graph = parse("1 2\n2 3 0.5\n3 4\n4 5 +7\n5 6 0\n");

        assertArrayEquals(new double[]{1, 0.5, 1, 7, 0}, graph.weight());
    }

    @Test
    void shouldKeepSelfLoopsAndDuplicateEdgesInFileOrder() throws Exception
    {
        final EdgeList graph = EdgeListParser.parse(resource("selfloop-duplicates.txt"));

        assertArrayEquals(new long[]{1, 1, 1, 2, 3}, graph.src());
        assertArrayEquals(new long[]{1, 2, 2, 3, 1}, graph.dst());
        assertArrayEquals(new long[]{1, 2, 3}, graph.vertexIds());
    }

    @Test
    void shouldReadCrlfLinesAndALastLineWithoutNewline() throws Exception
    {
        final EdgeList graph = parse("# windows\r\n1 2\r\n\r\n 3\t4 \r\n5 6");

        assertArrayEquals(new long[]{1, 3, 5}, graph.src());
        assertArrayEquals(new long[]{2, 4, 6}, graph.dst());
    }

    @Test
    void shouldReadTheLargestIdAndLeadingZeros() throws Exception
    {
        final EdgeList graph = parse("9223372036854775807 0\n000000000000000000000000000012 0007\n");

        assertArrayEquals(new long[]{Long.MAX_VALUE, 12}, graph.src());
        assertArrayEquals(new long[]{0, 7, 12, Long.MAX_VALUE}, graph.vertexIds());
    }

    @Test
    void shouldRefuseAJobGraphThatIsMissingEmptyADirectoryOrHasNoEdges() throws Exception
    {
        final Path missing = temp.resolve("missing.txt");
        final Path empty = Files.createFile(temp.resolve("empty.txt"));
        final Path comments = Files.writeString(temp.resolve("comments.txt"), "# nothing\n\n");

        assertEquals("edge list " + missing + " does not exist (relative to " + Path.of("").toAbsolutePath() +
            "): give a file of 'src dst [weight]' lines, one per edge",
            assertThrows(IllegalArgumentException.class, () -> EdgeListParser.parseGraph(missing)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeListParser.parseGraph(empty)).getMessage()
            .startsWith("edge list " + empty + " is empty: give a file"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeListParser.parseGraph(temp)).getMessage()
            .startsWith("edge list " + temp + " is a directory"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeListParser.parseGraph(comments))
            .getMessage().startsWith("edge list " + comments + " has no edges"));
        assertEquals("edge list " + missing + " does not exist",
            assertThrows(UncheckedIOException.class, () -> EdgeListParser.parse(missing)).getMessage());
    }

    @Test
    void shouldReadAFileOfOnlyCommentsAsAnEmptyGraph() throws Exception
    {
        final EdgeList graph = parse("# nothing\n\n   \n# here\n");

        assertEquals(0, graph.edgeCount());
        assertEquals(0, graph.vertexCount());
        assertEquals(-1, graph.indexOf(0));
    }

    @Test
    void shouldParseWeightsToTheSameDoubleAsDoubleParseDouble() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(5);
        final int count = 20_000;
        final String[] texts = new String[count];
        final StringBuilder file = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            texts[i] = decimal(random);
            file.append(i).append(' ').append(i + 1).append(' ').append(texts[i]).append('\n');
        }
        final EdgeList graph = parse(file.toString());

        for (int i = 0; i < count; i++)
        {
            assertEquals(Double.parseDouble(texts[i]), graph.weight()[i], texts[i]);
        }
    }

    @Test
    void shouldReadLinesSplitAcrossReadBlocks() throws Exception
    {
        // Enough lines to cross several 1 MiB read blocks at arbitrary points within a line.
        final int edges = 300_000;
        final StringBuilder file = new StringBuilder();
        for (int i = 0; i < edges; i++)
        {
            file.append(i * 1_000_003L).append(0 == i % 3 ? '\t' : ' ').append(i % 977);
            if (0 == i % 2)
            {
                file.append(' ').append(i % 10).append(".25");
            }
            file.append('\n');
        }
        final Path path = write(file.toString());
        assertTrue(Files.size(path) > 3L * EdgeListParser.BUFFER_BYTES);

        final EdgeList graph = EdgeListParser.parse(path);

        assertEquals(edges, graph.edgeCount());
        assertEquals(edges, graph.src().length);
        for (int i = 0; i < edges; i++)
        {
            assertEquals(i * 1_000_003L, graph.src()[i]);
            assertEquals(i % 977, graph.dst()[i]);
            assertEquals(0 == i % 2 ? i % 10 + 0.25 : 1.0, graph.weight()[i]);
        }
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "1 2\\n3\\n                  | 2 | expected 'src dst [weight]' but found 1 field: '3'",
        "1 2 3 4\\n                  | 1 | expected 'src dst [weight]' but found 4 fields: '1 2 3 4'",
        "1 2\\n1 2 3 x\\n            | 2 | expected 'src dst [weight]' but found 4 fields: '1 2 3 x'",
        "a 2\\n                      | 1 | source is not a non-negative integer: 'a 2'",
        "1 2\\n# c\\n1 x\\n           | 3 | destination is not a non-negative integer: '1 x'",
        "1 2\\n+3 4\\n               | 2 | source is not a non-negative integer: '+3 4'",
        "1 2\\n1.0 4\\n              | 2 | source is not a non-negative integer: '1.0 4'",
        "1 2\\n-3 4\\n               | 2 | source is negative: '-3 4'",
        "1 2\\n\\n3 -4\\n            | 3 | destination is negative: '3 -4'",
        "9223372036854775808 1\\n    | 1 | source is larger than 9223372036854775807: '9223372036854775808 1'",
        "1 99999999999999999999\\n   | 1 | destination is larger than 9223372036854775807: '1 99999999999999999999'",
        "1 2 abc\\n                  | 1 | weight is not a number: '1 2 abc'",
        "1 2 1.5f\\n                 | 1 | weight is not a number: '1 2 1.5f'",
        "1 2 0x10\\n                 | 1 | weight is not a number: '1 2 0x10'",
        "1 2 1e\\n                   | 1 | weight is not a number: '1 2 1e'",
        "1 2 1..2\\n                 | 1 | weight is not a number: '1 2 1..2'",
        "1 2 .\\n                    | 1 | weight is not a number: '1 2 .'",
        "1 2 -1\\n                   | 1 | weight is negative: '1 2 -1'",
        "1 2\\n2 3 -0.5\\n           | 2 | weight is negative: '2 3 -0.5'",
        "1 2 NaN\\n                  | 1 | weight is NaN: '1 2 NaN'",
        "1 2 -nan\\n                 | 1 | weight is NaN: '1 2 -nan'",
        "1 2 Infinity\\n             | 1 | weight is not finite: '1 2 Infinity'",
        "1 2 inf\\n                  | 1 | weight is not finite: '1 2 inf'",
        "1 2 1e400\\n                | 1 | weight is not finite: '1 2 1e400'",
        "1 2\\n# a\\n\\n1 2\\n\\n# b\\n1 y\\n | 7 | destination is not a non-negative integer: '1 y'",
        "1 2\\r\\n3 x\\r\\n          | 2 | destination is not a non-negative integer: '3 x'",
        "1 2\\n3 x                   | 2 | destination is not a non-negative integer: '3 x'",
    })
    void shouldNameFileLineAndProblemOfEveryBadLine(final String text, final long line, final String problem)
        throws Exception
    {
        final Path file = write(text.replace("\\n", "\n").replace("\\r", "\r"));

        final EdgeListException ex = assertThrows(EdgeListException.class, () -> EdgeListParser.parse(file));

        assertEquals(file + ":" + line + ": " + problem, ex.getMessage());
        assertEquals(file, ex.file());
        assertEquals(line, ex.lineNumber());
    }

    @Test
    void shouldRefuseALineLongerThanTheReadBlockAndCutItShortInTheMessage() throws Exception
    {
        final String longLine = "1 " + "2".repeat(EdgeListParser.BUFFER_BYTES) + "\n";
        final Path file = write("# fine\n1 2\n" + longLine);

        final EdgeListException ex = assertThrows(EdgeListException.class, () -> EdgeListParser.parse(file));

        assertEquals(3, ex.lineNumber());
        assertTrue(ex.getMessage().startsWith(file + ":3: line is longer than " + EdgeListParser.BUFFER_BYTES +
            " bytes: '1 2222"), ex.getMessage());
        assertTrue(ex.getMessage().endsWith("...'"));
        assertTrue(ex.getMessage().length() < 400);
    }

    @Test
    void shouldCutAnOverlongBadLineShortInTheMessage() throws Exception
    {
        final Path file = write("1 2 x" + "y".repeat(1000) + "\n");

        final EdgeListException ex = assertThrows(EdgeListException.class, () -> EdgeListParser.parse(file));

        assertTrue(ex.getMessage().contains(":1: weight is not a number: '1 2 xyyy"), ex.getMessage());
        assertTrue(ex.getMessage().endsWith("...'"));
    }

    @Test
    void shouldReportAMissingFileAsUncheckedIOException()
    {
        final Path missing = temp.resolve("missing.txt");

        final UncheckedIOException ex = assertThrows(UncheckedIOException.class,
            () -> EdgeListParser.parse(missing));

        assertTrue(ex.getMessage().contains(missing.toString()), ex.getMessage());
    }

    @Test
    void shouldListSortedUniqueVertexIdsAndFindTheirIndexes()
    {
        final long[] src = {1_000_000_000_000L, 5, 5, 42, 7};
        final long[] dst = {5, 7, 7, 43, 7};
        final EdgeList graph = new EdgeList(src, dst, new double[]{1, 1, 1, 1, 1}, 5);

        assertArrayEquals(new long[]{5, 7, 42, 43, 1_000_000_000_000L}, graph.vertexIds());
        assertEquals(5, graph.vertexCount());
        assertEquals(4, graph.indexOf(1_000_000_000_000L));
        assertEquals(0, graph.indexOf(5));
        assertEquals(-1, graph.indexOf(6));
        assertEquals(-1, graph.indexOf(-1));
        assertArrayEquals(new int[]{4, 0, 0, 2, 1}, graph.indexesOf(src));
        assertArrayEquals(new int[]{-1, 3, -1, -1}, graph.indexesOf(new long[]{6, 43, Long.MAX_VALUE, -5}));
    }

    @Test
    void shouldFindIndexesOfDenseIdsLikeIndexOf()
    {
        final SplittableRandom random = new SplittableRandom(3);
        final int edges = 5_000;
        final long[] src = new long[edges];
        final long[] dst = new long[edges];
        for (int e = 0; e < edges; e++)
        {
            src[e] = random.nextInt(4_000);
            dst[e] = random.nextInt(4_000);
        }
        final EdgeList graph = new EdgeList(src, dst, new double[edges], edges);
        final long[] probes = new long[6_000];
        for (int i = 0; i < probes.length; i++)
        {
            probes[i] = i - 1_000;
        }

        final int[] indexes = graph.indexesOf(probes);

        for (int i = 0; i < probes.length; i++)
        {
            assertEquals(graph.indexOf(probes[i]), indexes[i], "id " + probes[i]);
        }
        for (int v = 1; v < graph.vertexCount(); v++)
        {
            assertTrue(graph.vertexIds()[v - 1] < graph.vertexIds()[v]);
        }
    }

    @Test
    void shouldTrimLongerColumnsAndShareExactOnes()
    {
        final long[] src = {1, 2, 99};
        final long[] dst = {2, 3, 99};
        final double[] weight = {0.5, 2};

        final EdgeList trimmed = new EdgeList(src, dst, new double[]{0.5, 2, 9}, 2);
        final EdgeList shared = new EdgeList(new long[]{1, 2}, new long[]{2, 3}, weight, 2);

        assertArrayEquals(new long[]{1, 2}, trimmed.src());
        assertArrayEquals(new long[]{1, 2, 3}, trimmed.vertexIds());
        assertSame(weight, shared.weight());
    }

    @Test
    void shouldRefuseNegativeIdsAndBadWeightsInColumns()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new EdgeList(new long[]{-1}, new long[]{2}, new double[]{1}, 1));
        assertThrows(IllegalArgumentException.class,
            () -> new EdgeList(new long[]{1}, new long[]{2}, new double[]{Double.NaN}, 1));
        assertThrows(IllegalArgumentException.class,
            () -> new EdgeList(new long[]{1}, new long[]{2}, new double[]{Double.POSITIVE_INFINITY}, 1));
        assertThrows(IllegalArgumentException.class,
            () -> new EdgeList(new long[]{1}, new long[]{2}, new double[]{-0.5}, 1));
        assertThrows(IllegalArgumentException.class,
            () -> new EdgeList(new long[]{1}, new long[]{2}, new double[]{1}, 2));
    }

    /** Decimal text in the forms edge lists use, with short and long mantissas, and exponents. */
    private static String decimal(final SplittableRandom random)
    {
        switch (random.nextInt(6))
        {
            case 0:
                return Integer.toString(random.nextInt(1_000_000));
            case 1:
                return Double.toString(random.nextDouble());
            case 2:
                return String.format("%.6f", random.nextDouble() * 100);
            case 3:
                return Double.toString(Double.longBitsToDouble(random.nextLong(0x7FEFFFFFFFFFFFFFL)));
            case 4:
                return random.nextInt(1000) + "e" + (random.nextInt(80) - 40);
            default:
                return "0." + "0".repeat(random.nextInt(25)) + random.nextLong(1, Long.MAX_VALUE);
        }
    }

    private EdgeList parse(final String text) throws Exception
    {
        return EdgeListParser.parse(write(text));
    }

    private Path write(final String text) throws Exception
    {
        final Path file = temp.resolve("graph-" + (files++) + ".txt");
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }
}
