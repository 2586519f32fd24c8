package io.shawarma.fabric.graph;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target for the edge-list parser: any bytes give either a well-formed {@link EdgeList} or an
 * {@link EdgeListException} naming a line, never another exception. Runs over the committed seed corpus in every
 * build; {@code scripts/shawarma fuzz --target edges} fuzzes it.
 */
class EdgeListParserFuzzTest
{
    private static final Path NAME = Path.of("fuzzed.txt");

    @FuzzTest
    void edgeLists(final byte[] input)
    {
        final EdgeList graph;
        try
        {
            graph = EdgeListParser.parse(new ByteArrayInputStream(input), NAME);
        }
        catch (final EdgeListException ex)
        {
            assertSame(NAME, ex.file());
            assertTrue(ex.lineNumber() >= 1, ex::getMessage);
            return;
        }
        assertWellFormed(graph);
    }

    private static void assertWellFormed(final EdgeList graph)
    {
        final long[] ids = graph.vertexIds();
        for (int i = 1; i < ids.length; i++)
        {
            assertTrue(ids[i - 1] < ids[i], "vertex ids sorted and distinct");
        }
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            assertTrue(graph.src()[e] >= 0 && graph.dst()[e] >= 0, "ids are non-negative");
            assertEquals(graph.src()[e], ids[graph.indexOf(graph.src()[e])]);
            assertEquals(graph.dst()[e], ids[graph.indexOf(graph.dst()[e])]);
            final double weight = graph.weight()[e];
            assertTrue(weight >= 0 && weight < Double.POSITIVE_INFINITY, "weight finite and non-negative");
        }
    }
}
