package io.shawarma.fabric.graph;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
        write(out, ids, (writer, i) -> writer.write(
            Double.POSITIVE_INFINITY == values[i] ? "inf" : Double.toString(values[i])));
    }

    /**
     * @param out      the file to write.
     * @param ids      vertex ids, sorted ascending.
     * @param values   their values.
     * @param infValue the value that prints {@code inf}.
     */
    public static void writeLongs(final Path out, final long[] ids, final long[] values, final long infValue)
    {
        write(out, ids, (writer, i) -> writer.write(infValue == values[i] ? "inf" : Long.toString(values[i])));
    }

    private interface ValueWriter
    {
        void write(Writer writer, int index) throws IOException;
    }

    private static void write(final Path out, final long[] ids, final ValueWriter values)
    {
        final Path absolute = out.toAbsolutePath();
        Path temp = null;
        try
        {
            Files.createDirectories(absolute.getParent());
            temp = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
            try (BufferedWriter writer = Files.newBufferedWriter(temp, StandardCharsets.US_ASCII))
            {
                for (int i = 0; i < ids.length; i++)
                {
                    writer.write(Long.toString(ids[i]));
                    writer.write('\t');
                    values.write(writer, i);
                    writer.write('\n');
                }
            }
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + out, ex);
        }
        finally
        {
            if (null != temp)
            {
                temp.toFile().delete();
            }
        }
    }
}
