package io.shawarma.fabric.graph;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EdgeListParserTest
{
    @TempDir
    Path temp;

    @Test
    void shouldReadCommentsBlanksTabsWeightsAndSparseIds() throws Exception
    {
        final EdgeList graph = parse("# header\n\n1000000000000 5\t2.5\n  5 7  \r\n9223372036854775807 0\n");
        assertEquals(3, graph.edgeCount());
        assertArrayEquals(new long[]{0, 5, 7, 1000000000000L, Long.MAX_VALUE}, graph.vertexIds());
        assertEquals(2.5, graph.weight()[0]);
        assertEquals(1.0, graph.weight()[1]);
        assertEquals(3, graph.indexOf(1000000000000L));
        assertEquals(-1, graph.indexOf(6));
    }

    @Test
    void shouldNameTheLineOfEveryKindOfBadInput() throws Exception
    {
        assertBad("1 2\n3\n", ":2: expected 'src dst [weight]': '3'");
        assertBad("1 2\n-3 4\n", ":2: source is not a non-negative integer: '-3 4'");
        assertBad("# c\n1 x\n", ":2: destination is not a non-negative integer: '1 x'");
        assertBad("9223372036854775808 1\n", ":1: source is larger than 2^63-1");
        assertBad("1 2 abc\n", ":1: bad weight: '1 2 abc'");
        assertBad("1 2 -1\n", ":1: weight must be a non-negative finite number");
        assertBad("1 2 NaN\n", ":1: weight must be a non-negative finite number");
        assertBad("1 2 3 4\n", ":1: expected 'src dst [weight]': '1 2 3 4'");
    }

    @Test
    void shouldGenerateTheSameRmatGraphForTheSameSeed() throws Exception
    {
        final Path a = temp.resolve("a.txt");
        final Path b = temp.resolve("b.txt");
        RmatGenerator.write(a, 8, 4, 11, false);
        RmatGenerator.write(b, 8, 4, 11, false);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        final EdgeList graph = EdgeListParser.parse(a);
        assertEquals(4 * 256, graph.edgeCount());
        final long[] ids = graph.vertexIds();
        assertTrue(ids[ids.length - 1] < 256);
        // R-MAT is skewed: the busiest vertex has far more than the average degree of 8.
        final int[] degree = new int[256];
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            degree[(int)graph.src()[e]]++;
            degree[(int)graph.dst()[e]]++;
        }
        assertTrue(java.util.Arrays.stream(degree).max().getAsInt() > 40);
    }

    @Test
    void shouldScrambleIdsBijectively()
    {
        final boolean[] seen = new boolean[1 << 12];
        for (long v = 0; v < seen.length; v++)
        {
            final int id = (int)RmatGenerator.scramble(v, 12);
            assertTrue(!seen[id], "collision at " + v);
            seen[id] = true;
        }
    }

    @Test
    void shouldWriteSortedResultsWithInfAndLeaveNoTemporaryFile() throws Exception
    {
        final Path out = temp.resolve("out").resolve("ranks.txt");
        ResultWriter.write(out, new long[]{1, 20}, new double[]{0.1 + 0.2, Double.POSITIVE_INFINITY});
        assertEquals("1\t0.30000000000000004\n20\tinf\n", Files.readString(out));
        ResultWriter.writeLongs(out, new long[]{3}, new long[]{Long.MAX_VALUE}, Long.MAX_VALUE);
        assertEquals("3\tinf\n", Files.readString(out));
        try (var files = Files.list(out.getParent()))
        {
            assertEquals(1, files.count());
        }
    }

    private EdgeList parse(final String text) throws Exception
    {
        final Path file = temp.resolve("graph-" + System.nanoTime() + ".txt");
        Files.writeString(file, text);
        return EdgeListParser.parse(file);
    }

    private void assertBad(final String text, final String message) throws Exception
    {
        final EdgeListException ex = assertThrows(EdgeListException.class, () -> parse(text));
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
    }
}
