package io.shawarma.fabric.graph;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads SNAP-style edge lists: {@code #} comment lines, blank lines, and {@code src dst [weight]} separated by
 * spaces or tabs; ids are non-negative 64-bit integers, weights non-negative finite numbers (1.0 when absent).
 * A byte-level parser: no String per line. A bad line fails the whole read with its line number.
 */
public final class EdgeListParser
{
    private static final int MAX_LINE = 4096;

    private final Path file;
    private final byte[] line = new byte[MAX_LINE];
    private long[] src = new long[1024];
    private long[] dst = new long[1024];
    private double[] weight = new double[1024];
    private int edges;
    private long lineNumber;

    private EdgeListParser(final Path file)
    {
        this.file = file;
    }

    /**
     * @param file to read.
     * @return its edges.
     * @throws EdgeListException naming the file and line of the first bad line.
     * @throws UncheckedIOException when the file cannot be read.
     */
    public static EdgeList parse(final Path file)
    {
        return new EdgeListParser(file).read();
    }

    private EdgeList read()
    {
        try (InputStream in = Files.newInputStream(file))
        {
            final byte[] chunk = new byte[1 << 16];
            int length = 0;
            int read;
            while ((read = in.read(chunk)) != -1)
            {
                for (int i = 0; i < read; i++)
                {
                    final byte b = chunk[i];
                    if ('\n' == b)
                    {
                        lineNumber++;
                        parseLine(length);
                        length = 0;
                    }
                    else if (length < MAX_LINE)
                    {
                        line[length++] = b;
                    }
                    else
                    {
                        lineNumber++;
                        throw bad("line longer than " + MAX_LINE + " bytes", length);
                    }
                }
            }
            if (length > 0)
            {
                lineNumber++;
                parseLine(length);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read edge list " + file, ex);
        }
        return new EdgeList(src, dst, weight, edges);
    }

    private void parseLine(final int end)
    {
        int position = skipSpace(0, end);
        if (position == end || '#' == line[position])
        {
            return;
        }
        if (edges == src.length)
        {
            src = Arrays.copyOf(src, edges * 2);
            dst = Arrays.copyOf(dst, edges * 2);
            weight = Arrays.copyOf(weight, edges * 2);
        }
        position = parseId(position, end, true);
        position = parseId(skipSpace(position, end), end, false);
        position = skipSpace(position, end);
        if (position == end)
        {
            weight[edges] = 1.0;
        }
        else
        {
            final int start = position;
            while (position < end && !isSpace(line[position]))
            {
                position++;
            }
            final double value;
            try
            {
                value = Double.parseDouble(new String(line, start, position - start, StandardCharsets.US_ASCII));
            }
            catch (final NumberFormatException ex)
            {
                throw bad("bad weight", end);
            }
            if (!(value >= 0) || Double.isInfinite(value))
            {
                throw bad("weight must be a non-negative finite number", end);
            }
            weight[edges] = value;
            if (skipSpace(position, end) != end)
            {
                throw bad("expected 'src dst [weight]'", end);
            }
        }
        edges++;
    }

    private int parseId(final int start, final int end, final boolean source)
    {
        int position = start;
        long value = 0;
        while (position < end && !isSpace(line[position]))
        {
            final int digit = line[position] - '0';
            if (digit < 0 || digit > 9)
            {
                throw bad((source ? "source" : "destination") + " is not a non-negative integer", end);
            }
            if (value > (Long.MAX_VALUE - digit) / 10)
            {
                throw bad((source ? "source" : "destination") + " is larger than 2^63-1", end);
            }
            value = value * 10 + digit;
            position++;
        }
        if (position == start)
        {
            throw bad("expected 'src dst [weight]'", end);
        }
        if (source)
        {
            src[edges] = value;
        }
        else
        {
            dst[edges] = value;
        }
        return position;
    }

    private int skipSpace(final int start, final int end)
    {
        int position = start;
        while (position < end && isSpace(line[position]))
        {
            position++;
        }
        return position;
    }

    private static boolean isSpace(final byte b)
    {
        return ' ' == b || '\t' == b || '\r' == b;
    }

    private EdgeListException bad(final String what, final int end)
    {
        return new EdgeListException(file + ":" + lineNumber + ": " + what + ": '" +
            new String(line, 0, Math.min(end, 200), StandardCharsets.US_ASCII).trim() + "'");
    }
}
