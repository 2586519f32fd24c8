package io.shawarma.fabric.graph;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * R-MAT edge lists in the Graph500 style, for benchmarks and tests when no real graph can be downloaded.
 * <ul>
 *     <li>2^scale vertex ids and {@code edgeFactor * 2^scale} directed edges. Each edge picks one quadrant of the
 *     adjacency matrix per bit of the ids, with probabilities a=0.57, b=0.19, c=0.19, d=0.05, which gives the
 *     skewed (power-law-like) degrees of real graphs.</li>
 *     <li>Ids are then scrambled by a fixed bijection of [0, 2^scale), as Graph500 does, so that high degree is
 *     not tied to small ids (which would flatter any placement by id ranges).</li>
 *     <li>Self-loops and duplicate edges are kept, as Graph500 keeps them: an algorithm must cope with both.
 *     Vertices that no edge names do not exist in the graph, so a file names somewhat fewer than 2^scale.</li>
 *     <li>With weights, a third column holds a weight uniform over (0, 1] in steps of 10^-6, printed with six
 *     decimals (exact as text, and quick to parse). The edges are the same as without weights.</li>
 *     <li>The same (scale, edge factor, seed, weights) always gives the same bytes: a
 *     {@link SplittableRandom} seeded with the seed is the only source of randomness.</li>
 * </ul>
 * The file starts with a {@code # R-MAT scale S edge-factor E seed X} comment line.
 */
public final class RmatGenerator
{
    /** The largest scale accepted: ids below 2^40 and a file that a disk can hold at small edge factors. */
    public static final int MAX_SCALE = 40;

    private static final double A = 0.57;
    private static final double B = 0.19;
    private static final double C = 0.19;
    private static final int WEIGHT_STEPS = 1_000_000;
    private static final int BUFFER_BYTES = 1 << 16;
    private static final int LONGEST_LINE = 20 + 1 + 20 + 1 + 8 + 1;

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;

    private RmatGenerator(final OutputStream out)
    {
        this.out = out;
    }

    /**
     * Writes the graph to a temporary file beside {@code out} and renames it into place, so that an interrupted
     * run leaves no half-written file.
     *
     * @param out        the file to write (replaced if it exists).
     * @param scale      log2 of the number of vertex ids, in [1, {@link #MAX_SCALE}].
     * @param edgeFactor edges per vertex id, at least 1.
     * @param seed       of the random generator.
     * @param weights    add a third column with a weight uniform over (0, 1].
     * @throws IllegalArgumentException     when the scale or edge factor is out of range.
     * @throws java.io.UncheckedIOException when the file cannot be written.
     */
    public static void write(
        final Path out, final int scale, final int edgeFactor, final long seed, final boolean weights)
    {
        validate(scale, edgeFactor);
        AtomicFile.write(out, (stream) -> new RmatGenerator(stream).generate(scale, edgeFactor, seed, weights));
    }

    /**
     * @param scale      log2 of the number of vertex ids.
     * @param edgeFactor edges per vertex id.
     * @return the number of edges the graph has.
     */
    public static long edgeCount(final int scale, final int edgeFactor)
    {
        validate(scale, edgeFactor);
        return (long)edgeFactor << scale;
    }

    private static void validate(final int scale, final int edgeFactor)
    {
        if (scale < 1 || scale > MAX_SCALE)
        {
            throw new IllegalArgumentException("scale must be in [1, " + MAX_SCALE + "], was " + scale);
        }
        final long maxEdgeFactor = Math.min(Integer.MAX_VALUE, Long.MAX_VALUE >> scale);
        if (edgeFactor < 1 || edgeFactor > maxEdgeFactor)
        {
            throw new IllegalArgumentException("edge factor must be in [1, " + maxEdgeFactor + "], was " + edgeFactor);
        }
    }

    /**
     * A bijection of [0, 2^scale): multiply by an odd constant, xor the high half into the low half, multiply
     * by another odd constant, all modulo 2^scale. Each step is invertible modulo 2^scale.
     *
     * @param vertex an id in [0, 2^scale).
     * @param scale  the number of bits.
     * @return the scrambled id, in [0, 2^scale).
     */
    static long scramble(final long vertex, final int scale)
    {
        final long mask = (1L << scale) - 1;
        long x = (vertex * 0x9E3779B97F4A7C15L) & mask;
        x ^= x >>> Math.max(1, scale / 2);
        return (x * 0xBF58476D1CE4E5B9L) & mask;
    }

    private void generate(final int scale, final int edgeFactor, final long seed, final boolean weights)
        throws IOException
    {
        text("# R-MAT scale " + scale + " edge-factor " + edgeFactor + " seed " + seed + "\n");
        text("# a=0.57 b=0.19 c=0.19 d=0.05, ids scrambled, self-loops and duplicate edges kept" +
            (weights ? ", weights uniform over (0, 1] in steps of 1e-6" : "") + "\n");
        final SplittableRandom random = new SplittableRandom(seed);
        // Weights draw from their own stream, so that a weighted file has the same edges as an unweighted one.
        final SplittableRandom weightRandom = random.split();
        final long edges = (long)edgeFactor << scale;
        for (long e = 0; e < edges; e++)
        {
            long src = 0;
            long dst = 0;
            for (int bit = 0; bit < scale; bit++)
            {
                final double p = random.nextDouble();
                if (p >= A + B + C)
                {
                    src |= 1L << bit;
                    dst |= 1L << bit;
                }
                else if (p >= A + B)
                {
                    src |= 1L << bit;
                }
                else if (p >= A)
                {
                    dst |= 1L << bit;
                }
            }
            if (position + LONGEST_LINE > buffer.length)
            {
                flush();
            }
            integer(scramble(src, scale));
            buffer[position++] = ' ';
            integer(scramble(dst, scale));
            if (weights)
            {
                buffer[position++] = ' ';
                weight(1 + weightRandom.nextInt(WEIGHT_STEPS));
            }
            buffer[position++] = '\n';
        }
        flush();
    }

    /** Prints {@code steps / 10^6} as {@code 0.dddddd}, or {@code 1.000000}. */
    private void weight(final int steps)
    {
        buffer[position++] = (byte)('0' + steps / WEIGHT_STEPS);
        buffer[position++] = '.';
        int remaining = steps % WEIGHT_STEPS;
        for (int i = position + 5; i >= position; i--)
        {
            buffer[i] = (byte)('0' + remaining % 10);
            remaining /= 10;
        }
        position += 6;
    }

    private void integer(final long value)
    {
        int length = 1;
        for (long bound = 10; length < 19 && value >= bound; bound *= 10)
        {
            length++;
        }
        long remaining = value;
        for (int i = position + length - 1; i >= position; i--)
        {
            buffer[i] = (byte)('0' + remaining % 10);
            remaining /= 10;
        }
        position += length;
    }

    private void text(final String text) throws IOException
    {
        flush();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private void flush() throws IOException
    {
        out.write(buffer, 0, position);
        position = 0;
    }
}
