package io.shawarma.fabric.graph;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes results as {@code vertexId<TAB>value} lines sorted by vertex id, into a temporary file beside the target
 * that is renamed into place, so a failed run leaves no half-written output.
 */
public final class ResultWriter
{
    private ResultWriter()
    {
    }

    /**
     * @param out    the file to write.
     * @param ids    vertex ids, sorted ascending.
     * @param values their values; +infinity prints {@code inf}; full precision ({@link Double#toString}).
     */
    public static void write(final Path out, final long[] ids, final double[] values)
    {
        write(out, ids, (i) -> Double.POSITIVE_INFINITY == values[i] ? "inf" : Double.toString(values[i]));
    }

    /**
     * @param out      the file to write.
     * @param ids      vertex ids, sorted ascending.
     * @param values   their values.
     * @param infValue the value that prints {@code inf}.
     */
    public static void writeLongs(final Path out, final long[] ids, final long[] values, final long infValue)
    {
        write(out, ids, (i) -> infValue == values[i] ? "inf" : Long.toString(values[i]));
    }

    private interface ValueWriter
    {
        String format(int index);
    }

    private static void write(final Path out, final long[] ids, final ValueWriter values)
    {
        AtomicFile.write(out, (stream) ->
        {
            for (int i = 0; i < ids.length; i++)
            {
                stream.write((ids[i] + "\t" + values.format(i) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        });
    }
}
