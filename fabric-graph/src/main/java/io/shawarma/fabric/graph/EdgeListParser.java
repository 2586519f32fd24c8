package io.shawarma.fabric.graph;

import io.shawarma.fabric.InputFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a SNAP-style edge list into an {@link EdgeList}.
 * <ul>
 *     <li>One edge per line: {@code src dst [weight]}, fields separated by any run of spaces or tabs (a
 *     {@code \r} before the {@code \n} is ignored, so CRLF files read too).</li>
 *     <li>Lines whose first non-blank character is {@code #} are comments; blank lines are skipped.</li>
 *     <li>Ids are decimal integers in [0, 2^63 - 1]. Weights are decimal numbers ({@code 2}, {@code 0.5},
 *     {@code 1e-3}), non-negative and finite; 1.0 when the column is absent. Lines may mix both forms.</li>
 *     <li>Self-loops and duplicate edges are kept.</li>
 * </ul>
 * The first bad line fails the whole read with an {@link EdgeListException} naming the file and the line number.
 * <p>
 * The parser works on bytes read in large blocks: no String, regex or boxing per line, and the columns grow in
 * chunks so that a large file is never copied more than once.
 */
public final class EdgeListParser
{
    /** The block read at a time, which is also the longest line accepted. */
    static final int BUFFER_BYTES = 1 << 20;

    private static final int LINE_IN_MESSAGE = 200;
    private static final int FAST_PATH_DIGITS = 15;
    private static final int MAX_EXPONENT = 100_000;
    private static final double[] POWERS_OF_TEN =
    {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };

    private final Path file;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private final EdgeColumns columns = new EdgeColumns();
    private long lineNumber;
    private int lineStart;
    private int lineEnd;

    private EdgeListParser(final Path file)
    {
        this.file = file;
    }

    /**
     * @param file the edge list to read.
     * @return its edges, in file order.
     * @throws EdgeListException    at the first bad line, naming the file and the line number.
     * @throws UncheckedIOException when the file cannot be read.
     */
    public static EdgeList parse(final Path file)
    {
        try (InputStream in = Files.newInputStream(file))
        {
            return parse(in, file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(InputFiles.describe("edge list", file, ex), ex);
        }
    }

    /**
     * Reads a job's input graph: refuses, in one line saying what to do, a file that is missing, unreadable or empty
     * and one that has no edges (only comments or blank lines), which would give an empty result.
     *
     * @param file the edge list to read.
     * @return its edges, at least one, in file order.
     * @throws IllegalArgumentException when the file is missing, unreadable, empty or has no edges.
     * @throws EdgeListException        at the first bad line.
     */
    public static EdgeList parseGraph(final Path file)
    {
        final String problem = InputFiles.problem("edge list", file);
        if (null != problem)
        {
            throw new IllegalArgumentException(problem + ": give a file of 'src dst [weight]' lines, one per edge");
        }
        final EdgeList graph = parse(file);
        if (0 == graph.edgeCount())
        {
            throw new IllegalArgumentException("edge list " + file + " has no edges (only comments or blank " +
                "lines): give a file of 'src dst [weight]' lines, one per edge");
        }
        return graph;
    }

    /**
     * @param in   the edge list's bytes; read to the end, not closed.
     * @param name of the edge list in error messages.
     * @return its edges, in input order.
     * @throws EdgeListException    at the first bad line, naming the edge list and the line number.
     * @throws UncheckedIOException when the stream cannot be read.
     */
    public static EdgeList parse(final InputStream in, final Path name)
    {
        return new EdgeListParser(name).read(in);
    }

    private EdgeList read(final InputStream in)
    {
        try
        {
            int filled = 0;
            int scanned = 0;
            int read;
            while ((read = in.read(buffer, filled, buffer.length - filled)) >= 0)
            {
                filled += read;
                int start = 0;
                for (int i = scanned; i < filled; i++)
                {
                    if ('\n' == buffer[i])
                    {
                        parseLine(start, i);
                        start = i + 1;
                    }
                }
                final int partial = filled - start;
                if (partial == buffer.length)
                {
                    lineNumber++;
                    throw bad(0, buffer.length, "line is longer than " + BUFFER_BYTES + " bytes");
                }
                System.arraycopy(buffer, start, buffer, 0, partial);
                filled = partial;
                scanned = partial;
            }
            if (filled > 0)
            {
                parseLine(0, filled);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(InputFiles.describe("edge list", file, ex), ex);
        }
        return columns.toEdgeList();
    }

    private void parseLine(final int from, final int to)
    {
        lineNumber++;
        lineStart = from;
        lineEnd = to;
        int position = skipBlanks(from, to);
        if (position == to || '#' == buffer[position])
        {
            return;
        }
        int end = tokenEnd(position, to);
        final long source = parseId(position, end, "source");
        position = skipBlanks(end, to);
        if (position == to)
        {
            throw badFieldCount();
        }
        end = tokenEnd(position, to);
        final long destination = parseId(position, end, "destination");
        position = skipBlanks(end, to);
        if (columns.isFull())
        {
            throw bad("more than " + EdgeColumns.MAX_EDGES + " edges, the most an EdgeList holds");
        }
        if (position == to)
        {
            columns.add(source, destination);
            return;
        }
        end = tokenEnd(position, to);
        final double weight = parseWeight(position, end);
        if (skipBlanks(end, to) != to)
        {
            throw badFieldCount();
        }
        columns.add(source, destination, weight);
    }

    private long parseId(final int start, final int end, final String role)
    {
        long value = 0;
        if (end - start <= 18)
        {
            // At most 18 digits cannot overflow a long.
            for (int i = start; i < end; i++)
            {
                final int digit = buffer[i] - '0';
                if (digit < 0 || digit > 9)
                {
                    throw badId(start, end, role);
                }
                value = value * 10 + digit;
            }
            return value;
        }
        for (int i = start; i < end; i++)
        {
            final int digit = buffer[i] - '0';
            if (digit < 0 || digit > 9)
            {
                throw badId(start, end, role);
            }
            if (value > (Long.MAX_VALUE - digit) / 10)
            {
                throw bad(role + " is larger than " + Long.MAX_VALUE);
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /**
     * Decimal numbers with at most 15 significant digits and a decimal exponent within 22 take Clinger's fast
     * path (one correctly rounded multiplication or division of two exact doubles); others are checked against
     * the same grammar and handed to {@link Double#parseDouble}, which rounds correctly too.
     */
    private double parseWeight(final int start, final int end)
    {
        int position = start;
        final boolean negative = '-' == buffer[position];
        if (negative || '+' == buffer[position])
        {
            position++;
        }
        long mantissa = 0;
        int significantDigits = 0;
        int exponent = 0;
        boolean anyDigit = false;
        boolean afterPoint = false;
        for (; position < end; position++)
        {
            final byte c = buffer[position];
            if ('.' == c && !afterPoint)
            {
                afterPoint = true;
                continue;
            }
            final int digit = c - '0';
            if (digit < 0 || digit > 9)
            {
                break;
            }
            anyDigit = true;
            if (0 != mantissa || 0 != digit)
            {
                significantDigits++;
                if (significantDigits <= 18)
                {
                    mantissa = mantissa * 10 + digit;
                    exponent -= afterPoint ? 1 : 0;
                }
                else
                {
                    exponent += afterPoint ? 0 : 1;
                }
            }
            else if (afterPoint)
            {
                exponent--;
            }
        }
        if (!anyDigit)
        {
            throw badWeight(start, end);
        }
        if (position < end && ('e' == buffer[position] || 'E' == buffer[position]))
        {
            position++;
            final boolean negativeExponent = position < end && '-' == buffer[position];
            if (position < end && ('-' == buffer[position] || '+' == buffer[position]))
            {
                position++;
            }
            final int digitsStart = position;
            int value = 0;
            for (; position < end && buffer[position] >= '0' && buffer[position] <= '9'; position++)
            {
                value = Math.min(MAX_EXPONENT, value * 10 + buffer[position] - '0');
            }
            if (position == digitsStart)
            {
                throw badWeight(start, end);
            }
            exponent += negativeExponent ? -value : value;
        }
        if (position != end)
        {
            throw badWeight(start, end);
        }

        final double magnitude;
        if (0 == mantissa)
        {
            magnitude = 0.0;
        }
        else if (significantDigits <= FAST_PATH_DIGITS && exponent >= -22 && exponent <= 22)
        {
            magnitude = exponent < 0 ? mantissa / POWERS_OF_TEN[-exponent] : mantissa * POWERS_OF_TEN[exponent];
        }
        else
        {
            final int unsigned = negative || '+' == buffer[start] ? start + 1 : start;
            magnitude = Double.parseDouble(new String(buffer, unsigned, end - unsigned, StandardCharsets.US_ASCII));
        }
        if (negative && 0.0 != magnitude)
        {
            throw bad("weight is negative");
        }
        if (Double.isInfinite(magnitude))
        {
            throw bad("weight is not finite");
        }
        return magnitude;
    }

    private int skipBlanks(final int from, final int to)
    {
        int position = from;
        while (position < to && isBlank(buffer[position]))
        {
            position++;
        }
        return position;
    }

    private int tokenEnd(final int from, final int to)
    {
        int position = from;
        while (position < to && !isBlank(buffer[position]))
        {
            position++;
        }
        return position;
    }

    /** Space, tab, and the other ASCII white space (a {@code \r} of a CRLF line among them). */
    private static boolean isBlank(final byte b)
    {
        return ' ' == b || (b >= '\t' && b <= '\r');
    }

    private EdgeListException badId(final int start, final int end, final String role)
    {
        if ('-' == buffer[start] && end - start > 1)
        {
            boolean digits = true;
            for (int i = start + 1; i < end; i++)
            {
                digits &= buffer[i] >= '0' && buffer[i] <= '9';
            }
            if (digits)
            {
                return bad(role + " is negative");
            }
        }
        return bad(role + " is not a non-negative integer");
    }

    private EdgeListException badWeight(final int start, final int end)
    {
        final String token = new String(buffer, start, end - start, StandardCharsets.UTF_8).toLowerCase();
        final String unsigned = token.startsWith("+") || token.startsWith("-") ? token.substring(1) : token;
        if ("nan".equals(unsigned))
        {
            return bad("weight is NaN");
        }
        if ("inf".equals(unsigned) || "infinity".equals(unsigned))
        {
            return bad("weight is not finite");
        }
        return bad("weight is not a number");
    }

    private EdgeListException badFieldCount()
    {
        int fields = 0;
        int position = skipBlanks(lineStart, lineEnd);
        while (position < lineEnd)
        {
            fields++;
            position = skipBlanks(tokenEnd(position, lineEnd), lineEnd);
        }
        return bad("expected 'src dst [weight]' but found " + fields + (1 == fields ? " field" : " fields"));
    }

    private EdgeListException bad(final String problem)
    {
        int end = lineEnd;
        if (end > lineStart && '\r' == buffer[end - 1])
        {
            end--;
        }
        return bad(lineStart, end, problem);
    }

    private EdgeListException bad(final int start, final int end, final String problem)
    {
        final int length = Math.min(end - start, LINE_IN_MESSAGE);
        final String line = new String(buffer, start, length, StandardCharsets.UTF_8) +
            (length < end - start ? "..." : "");
        return new EdgeListException(file, lineNumber, problem, line);
    }
}
