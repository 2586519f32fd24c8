package io.shawarma.fabric.graph;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResultWriterTest
{
    @TempDir
    Path temp;

    @Test
    void shouldWriteOneTabSeparatedLinePerVertexWithFullPrecision() throws Exception
    {
        final Path out = temp.resolve("ranks.txt");

        ResultWriter.write(out, new long[]{1, 20, 1_000_000_000_000L, Long.MAX_VALUE},
            new double[]{0.1 + 0.2, 1.0, 1e-5, 0.0});

        assertEquals("1\t0.30000000000000004\n20\t1.0\n1000000000000\t1.0E-5\n9223372036854775807\t0.0\n",
            Files.readString(out));
    }

    @Test
    void shouldPrintInfinityAsInf() throws Exception
    {
        final Path out = temp.resolve("distances.txt");

        ResultWriter.write(out, new long[]{3, 4}, new double[]{Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});

        assertEquals("3\tinf\n4\t-inf\n", Files.readString(out));
    }

    @Test
    void shouldWriteDoublesThatParseBackExactly() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(9);
        final int count = 50_000;
        final long[] ids = new long[count];
        final double[] values = new double[count];
        long id = 0;
        for (int i = 0; i < count; i++)
        {
            id += 1 + random.nextInt(1_000_000);
            ids[i] = id;
            values[i] = 0 == i % 2 ? random.nextDouble() / count : Double.longBitsToDouble(random.nextLong() >>> 2);
        }
        final Path out = temp.resolve("many.txt");

        ResultWriter.write(out, ids, values);

        final List<String> lines = Files.readAllLines(out);
        assertEquals(count, lines.size());
        for (int i = 0; i < count; i++)
        {
            final String[] fields = lines.get(i).split("\t");
            assertEquals(ids[i], Long.parseLong(fields[0]));
            assertEquals(Double.doubleToLongBits(values[i]), Double.doubleToLongBits(Double.parseDouble(fields[1])),
                lines.get(i));
        }
    }

    @Test
    void shouldWriteIntegralResultsAsIntegersAndTheUnreachedValueAsInf() throws Exception
    {
        final Path out = temp.resolve("hops.txt");

        ResultWriter.writeLongs(out, new long[]{0, 5, 7, 42}, new long[]{0, 12, Long.MAX_VALUE, -3},
            Long.MAX_VALUE);

        assertEquals("0\t0\n5\t12\n7\tinf\n42\t-3\n", Files.readString(out));
    }

    @Test
    void shouldWriteLongsOfEveryMagnitude() throws Exception
    {
        final Path out = temp.resolve("labels.txt");

        ResultWriter.writeLongs(out, new long[]{1, 2, 3}, new long[]{Long.MIN_VALUE, Long.MAX_VALUE, 10}, -1);

        assertEquals("1\t-9223372036854775808\n2\t9223372036854775807\n3\t10\n", Files.readString(out));
    }

    @Test
    void shouldWriteAnEmptyFileForNoVertices() throws Exception
    {
        final Path out = temp.resolve("empty.txt");

        ResultWriter.write(out, new long[0], new double[0]);

        assertEquals("", Files.readString(out));
    }

    @Test
    void shouldCreateTheDirectoryAndReplaceAnOldFile() throws Exception
    {
        final Path out = temp.resolve("a").resolve("b").resolve("ranks.txt");

        ResultWriter.write(out, new long[]{1}, new double[]{0.5});
        ResultWriter.writeLongs(out, new long[]{2}, new long[]{7}, Long.MAX_VALUE);

        assertEquals("2\t7\n", Files.readString(out));
        assertEquals(List.of(out), filesIn(out.getParent()));
    }

    @Test
    void shouldLeaveNoFileWhenIdsAreNotSortedPartWayThrough() throws Exception
    {
        final Path out = temp.resolve("unsorted.txt");
        final long[] ids = new long[100_000];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = i;
        }
        // Found only after some 90k lines, more than one buffer, have gone to the temporary file.
        ids[90_000] = 5;

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ResultWriter.write(out, ids, new double[ids.length]));

        assertEquals("vertex ids must be strictly ascending: 5 at index 90000 follows 89999", ex.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of(), filesIn(temp));
    }

    @Test
    void shouldKeepTheOldFileWhenAWriteFails() throws Exception
    {
        final Path out = temp.resolve("labels.txt");
        ResultWriter.writeLongs(out, new long[]{1, 2}, new long[]{1, 1}, Long.MAX_VALUE);

        assertThrows(IllegalArgumentException.class,
            () -> ResultWriter.writeLongs(out, new long[]{1, 1}, new long[]{1, 1}, Long.MAX_VALUE));

        assertEquals("1\t1\n2\t1\n", Files.readString(out));
        assertEquals(List.of(out), filesIn(temp));
    }

    @Test
    void shouldRefuseArraysOfDifferentLengthsWithoutWriting() throws Exception
    {
        final Path out = temp.resolve("never.txt");

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ResultWriter.write(out, new long[]{1, 2}, new double[]{1}));

        assertEquals("2 vertex ids but 1 values", ex.getMessage());
        assertFalse(Files.exists(out));
    }

    private static List<Path> filesIn(final Path directory) throws Exception
    {
        try (var files = Files.list(directory))
        {
            return files.toList();
        }
    }
}
