package io.shawarma.fabric.graph;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Writes algorithm results as text, one {@code vertexId<TAB>value} line per vertex in ascending id order.
 * <ul>
 *     <li>Doubles print with {@link Double#toString(double)}, the shortest text that parses back to the same
 *     double ({@code 0.30000000000000004}, {@code 1.0E-5}); {@code +infinity} prints {@code inf}.</li>
 *     <li>Integral results (BFS hops, component labels) print as integers, their "unreached" value as
 *     {@code inf}.</li>
 * </ul>
 * The text goes to a temporary file in the target's directory that is renamed over the target only once
 * complete, so a failed write (bad arguments found part way, a full disk) leaves no half-written output.
 */
public final class ResultWriter
{
    private static final int BUFFER_BYTES = 1 << 16;
    private static final int LONGEST_LINE = 20 + 1 + 32 + 1;
    private static final byte[] INF = { 'i', 'n', 'f' };

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private final byte[] digits = new byte[20];
    private int position;
    private long previousId = Long.MIN_VALUE;
    private int lines;

    private ResultWriter(final OutputStream out)
    {
        this.out = out;
    }

    /**
     * @param out             the file to write (replaced if it exists; its directory is created if missing).
     * @param sortedVertexIds vertex ids in strictly ascending order.
     * @param values          the value of each vertex; {@code +infinity} prints {@code inf}.
     * @throws IllegalArgumentException when the arrays differ in length or the ids are not strictly ascending;
     *                                  nothing is written then.
     * @throws java.io.UncheckedIOException when the file cannot be written.
     */
    public static void write(final Path out, final long[] sortedVertexIds, final double[] values)
    {
        requireSameLength(sortedVertexIds.length, values.length);
        AtomicFile.write(out, (stream) ->
        {
            final ResultWriter writer = new ResultWriter(stream);
            for (int i = 0; i < sortedVertexIds.length; i++)
            {
                writer.startLine(sortedVertexIds[i]);
                writer.value(values[i]);
                writer.endLine();
            }
            writer.flush();
        });
    }

    /**
     * @param out             the file to write (replaced if it exists; its directory is created if missing).
     * @param sortedVertexIds vertex ids in strictly ascending order.
     * @param values          the value of each vertex.
     * @param infValue        the value that means "unreached" and prints {@code inf}, e.g. {@link Long#MAX_VALUE}.
     * @throws IllegalArgumentException when the arrays differ in length or the ids are not strictly ascending;
     *                                  nothing is written then.
     * @throws java.io.UncheckedIOException when the file cannot be written.
     */
    public static void writeLongs(
        final Path out, final long[] sortedVertexIds, final long[] values, final long infValue)
    {
        requireSameLength(sortedVertexIds.length, values.length);
        AtomicFile.write(out, (stream) ->
        {
            final ResultWriter writer = new ResultWriter(stream);
            for (int i = 0; i < sortedVertexIds.length; i++)
            {
                writer.startLine(sortedVertexIds[i]);
                if (infValue == values[i])
                {
                    writer.inf();
                }
                else
                {
                    writer.integer(values[i]);
                }
                writer.endLine();
            }
            writer.flush();
        });
    }

    private static void requireSameLength(final int ids, final int values)
    {
        if (ids != values)
        {
            throw new IllegalArgumentException(ids + " vertex ids but " + values + " values");
        }
    }

    private void startLine(final long vertexId) throws IOException
    {
        if (lines > 0 && vertexId <= previousId)
        {
            throw new IllegalArgumentException("vertex ids must be strictly ascending: " + vertexId + " at index " +
                lines + " follows " + previousId);
        }
        if (position + LONGEST_LINE > buffer.length)
        {
            flush();
        }
        previousId = vertexId;
        lines++;
        integer(vertexId);
        buffer[position++] = '\t';
    }

    private void value(final double value)
    {
        if (Double.POSITIVE_INFINITY == value)
        {
            inf();
        }
        else if (Double.NEGATIVE_INFINITY == value)
        {
            buffer[position++] = '-';
            inf();
        }
        else
        {
            // Double.toString is at most 24 ASCII characters ("-2.2250738585072014E-308").
            final String text = Double.toString(value);
            for (int i = 0; i < text.length(); i++)
            {
                buffer[position++] = (byte)text.charAt(i);
            }
        }
    }

    private void inf()
    {
        System.arraycopy(INF, 0, buffer, position, INF.length);
        position += INF.length;
    }

    private void integer(final long value)
    {
        if (value < 0)
        {
            buffer[position++] = '-';
        }
        // Digits of the negated value so that Long.MIN_VALUE needs no special case.
        long remaining = value < 0 ? value : -value;
        int start = digits.length;
        do
        {
            digits[--start] = (byte)('0' - remaining % 10);
            remaining /= 10;
        }
        while (remaining != 0);
        System.arraycopy(digits, start, buffer, position, digits.length - start);
        position += digits.length - start;
    }

    private void endLine()
    {
        buffer[position++] = '\n';
    }

    private void flush() throws IOException
    {
        out.write(buffer, 0, position);
        position = 0;
    }
}
