package io.shawarma.fabric.graph;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RmatGeneratorTest
{
    private static final int SCALE = 10;
    private static final int EDGE_FACTOR = 16;

    @TempDir
    Path temp;

    @Test
    void shouldWriteTheSameBytesForTheSameSeedAndOthersForAnother() throws Exception
    {
        final Path a = temp.resolve("a.txt");
        final Path b = temp.resolve("b.txt");
        final Path c = temp.resolve("c.txt");

        RmatGenerator.write(a, 8, 4, 11, false);
        RmatGenerator.write(b, 8, 4, 11, false);
        RmatGenerator.write(c, 8, 4, 12, false);

        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void shouldKeepGeneratingTheSameGraphForASeed() throws Exception
    {
        // Pinned so that a change to the generator, which would change every benchmark graph, is noticed.
        final Path file = temp.resolve("pinned.txt");

        RmatGenerator.write(file, 4, 2, 1, false);

        final List<String> lines = Files.readAllLines(file);
        assertEquals("# R-MAT scale 4 edge-factor 2 seed 1", lines.get(0));
        assertTrue(lines.get(1).startsWith("# a=0.57 b=0.19 c=0.19 d=0.05"), lines.get(1));
        assertEquals(List.of(
            "14 4", "14 0", "0 8", "10 13", "8 4", "0 0", "10 2", "0 12", "0 10", "3 2", "7 8", "7 0", "10 0", "0 13",
            "12 4", "0 3", "0 0", "5 7", "10 13", "4 13", "2 13", "0 14", "14 10", "7 4", "0 7", "10 14", "7 4", "0 7",
            "13 13", "0 7", "4 4", "0 0"), lines.subList(2, lines.size()));
    }

    @Test
    void shouldWriteEdgeFactorTimesTwoToTheScaleEdgesWithIdsBelowTwoToTheScale() throws Exception
    {
        final EdgeList graph = generate(SCALE, EDGE_FACTOR, 42, false);

        assertEquals(EDGE_FACTOR << SCALE, graph.edgeCount());
        assertEquals(EDGE_FACTOR << SCALE, RmatGenerator.edgeCount(SCALE, EDGE_FACTOR));
        final long[] ids = graph.vertexIds();
        assertTrue(ids[0] >= 0);
        assertTrue(ids[ids.length - 1] < 1 << SCALE, "largest id " + ids[ids.length - 1]);
        for (final double weight : graph.weight())
        {
            assertEquals(1.0, weight);
        }
    }

    @Test
    void shouldSkewDegreesLikeRmat() throws Exception
    {
        final EdgeList graph = generate(SCALE, EDGE_FACTOR, 42, false);
        final int[] degree = new int[1 << SCALE];
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            degree[(int)graph.src()[e]]++;
            degree[(int)graph.dst()[e]]++;
        }
        Arrays.sort(degree);
        final int endpoints = 2 * graph.edgeCount();
        final double average = (double)endpoints / degree.length;
        long topPercent = 0;
        for (int i = degree.length - degree.length / 100; i < degree.length; i++)
        {
            topPercent += degree[i];
        }

        // Uniform random edges would give a top degree near the average and the top 1% about 1% of endpoints.
        assertTrue(degree[degree.length - 1] > 10 * average, "max degree " + degree[degree.length - 1]);
        assertTrue(topPercent > 0.15 * endpoints, "top 1% hold " + topPercent + " of " + endpoints);
        // And, as in Graph500, many ids are named by no edge at all.
        assertTrue(graph.vertexCount() < 0.95 * (1 << SCALE), graph.vertexCount() + " vertices");
    }

    @Test
    void shouldKeepSelfLoopsAndDuplicateEdges() throws Exception
    {
        final EdgeList graph = generate(SCALE, EDGE_FACTOR, 42, false);
        int selfLoops = 0;
        final Set<String> distinct = new HashSet<>();
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            selfLoops += graph.src()[e] == graph.dst()[e] ? 1 : 0;
            distinct.add(graph.src()[e] + ">" + graph.dst()[e]);
        }

        assertTrue(selfLoops > 0);
        assertTrue(distinct.size() < graph.edgeCount());
    }

    @Test
    void shouldAddUniformWeightsToTheSameEdges() throws Exception
    {
        final EdgeList plain = generate(SCALE, EDGE_FACTOR, 42, false);
        final EdgeList weighted = generate(SCALE, EDGE_FACTOR, 42, true);

        assertArrayEquals(plain.src(), weighted.src());
        assertArrayEquals(plain.dst(), weighted.dst());
        double sum = 0;
        for (final double w : weighted.weight())
        {
            assertTrue(w > 0 && w <= 1, "weight " + w);
            assertEquals(0, Math.round(w * 1e6) - w * 1e6, 1e-6, "weight " + w + " is not a multiple of 1e-6");
            sum += w;
        }
        assertEquals(0.5, sum / weighted.edgeCount(), 0.02);
    }

    @Test
    void shouldScrambleIdsByABijection()
    {
        for (int scale = 1; scale <= 16; scale++)
        {
            final boolean[] seen = new boolean[1 << scale];
            for (long v = 0; v < seen.length; v++)
            {
                final long id = RmatGenerator.scramble(v, scale);
                assertTrue(id >= 0 && id < seen.length, "scale " + scale + ": " + v + " -> " + id);
                assertFalse(seen[(int)id], "scale " + scale + ": collision at " + v);
                seen[(int)id] = true;
            }
        }
        assertTrue(RmatGenerator.scramble((1L << 40) - 1, 40) < 1L << 40);
    }

    @Test
    void shouldRefuseAScaleOrEdgeFactorOutOfRange()
    {
        final Path out = temp.resolve("never.txt");

        assertThrows(IllegalArgumentException.class, () -> RmatGenerator.write(out, 0, 16, 1, false));
        assertThrows(IllegalArgumentException.class, () -> RmatGenerator.write(out, 41, 16, 1, false));
        assertThrows(IllegalArgumentException.class, () -> RmatGenerator.write(out, 10, 0, 1, false));
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldLeaveNoFileWhenTheWriteFails() throws Exception
    {
        final Path notADirectory = Files.writeString(temp.resolve("plain-file"), "x");

        assertThrows(UncheckedIOException.class,
            () -> RmatGenerator.write(notADirectory.resolve("graph.txt"), 4, 2, 1, false));

        try (var files = Files.list(temp))
        {
            assertEquals(1, files.count());
        }
    }

    @Test
    void shouldReadTheCommandLine()
    {
        final RmatMain options = RmatMain.parse(
            new String[]{"--scale", "12", "--edge-factor=8", "--seed", "-5", "--out", "g.txt", "--weights"});

        assertEquals(12, options.scale());
        assertEquals(8, options.edgeFactor());
        assertEquals(-5, options.seed());
        assertEquals(Path.of("g.txt"), options.out());
        assertTrue(options.weights());
        assertFalse(options.help());
    }

    @Test
    void shouldDefaultTheEdgeFactorAndSeedAndShowHelp()
    {
        final RmatMain options = RmatMain.parse(new String[]{"--scale", "3", "--out", "g.txt"});

        assertEquals(16, options.edgeFactor());
        assertEquals(1, options.seed());
        assertFalse(options.weights());
        assertTrue(RmatMain.parse(new String[]{"--help"}).help());
        assertTrue(RmatMain.USAGE.contains("--edge-factor"));
    }

    @Test
    void shouldNameTheBadOptionOnTheCommandLine()
    {
        assertBadCommandLine("--scale is required", "--out", "g.txt");
        assertBadCommandLine("--out is required", "--scale", "3");
        assertBadCommandLine("--scale must be in [1, 40], was 41", "--scale", "41", "--out", "g.txt");
        assertBadCommandLine("--scale must be an integer in [1, 40], was 'x'", "--scale", "x", "--out", "g.txt");
        assertBadCommandLine("--edge-factor must be in [1, 2147483647], was 0",
            "--scale", "3", "--edge-factor", "0", "--out", "g.txt");
        assertBadCommandLine("--seed must be a 64-bit integer, was 'abc'", "--scale", "3", "--seed", "abc");
        assertBadCommandLine("--out needs a value", "--scale", "3", "--out");
        assertBadCommandLine("unknown option '--size'", "--size", "3");
        assertBadCommandLine("--weights takes no value", "--weights=yes");
    }

    private static void assertBadCommandLine(final String message, final String... args)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> RmatMain.parse(args));
        assertEquals(message, ex.getMessage());
    }

    private EdgeList generate(final int scale, final int edgeFactor, final long seed, final boolean weights)
    {
        final Path file = temp.resolve("rmat-" + scale + "-" + edgeFactor + "-" + seed + "-" + weights + ".txt");
        RmatGenerator.write(file, scale, edgeFactor, seed, weights);
        return EdgeListParser.parse(file);
    }
}
