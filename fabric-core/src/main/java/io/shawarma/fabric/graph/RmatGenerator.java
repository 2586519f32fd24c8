package io.shawarma.fabric.graph;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * R-MAT edge lists, Graph500 style: 2^scale vertices, edgeFactor * 2^scale edges, each edge placed by recursing
 * into the adjacency matrix's quadrants with probabilities a=0.57, b=0.19, c=0.19, d=0.05; vertex ids scrambled by
 * a fixed bijection of [0, 2^scale) so that high degree is not tied to small ids. Self-loops and duplicate edges
 * are kept, as in Graph500. Deterministic for a seed.
 */
public final class RmatGenerator
{
    private static final double A = 0.57;
    private static final double B = 0.19;
    private static final double C = 0.19;

    private RmatGenerator()
    {
    }

    /**
     * Writes the graph to a temporary file beside {@code out} and renames it into place.
     *
     * @param out        the file.
     * @param scale      log2 of the vertex count, in [1, 40].
     * @param edgeFactor edges per vertex.
     * @param seed       of the random generator.
     * @param weights    add a third column with a uniform weight in (0, 1].
     */
    public static void write(
        final Path out, final int scale, final int edgeFactor, final long seed, final boolean weights)
    {
        if (scale < 1 || scale > 40 || edgeFactor < 1)
        {
            throw new IllegalArgumentException("scale must be in [1, 40] and edge factor positive");
        }
        AtomicFile.write(out, (stream) -> generate(stream, scale, edgeFactor, seed, weights));
    }

    private static void generate(
        final OutputStream out, final int scale, final int edgeFactor, final long seed, final boolean weights)
        throws IOException
    {
        out.write(("# R-MAT scale " + scale + " edge-factor " + edgeFactor + " seed " + seed +
            " (a=0.57 b=0.19 c=0.19 d=0.05, ids scrambled, self-loops and duplicates kept)\n")
            .getBytes(StandardCharsets.US_ASCII));
        final SplittableRandom random = new SplittableRandom(seed);
        final long edges = (long)edgeFactor << scale;
        final byte[] digits = new byte[20];
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
            writeLong(out, scramble(src, scale), digits);
            out.write(' ');
            writeLong(out, scramble(dst, scale), digits);
            if (weights)
            {
                out.write(' ');
                out.write(Double.toString(1.0 - random.nextDouble()).getBytes(StandardCharsets.US_ASCII));
            }
            out.write('\n');
        }
    }

    /**
     * A bijection of [0, 2^scale): odd multiplications and an xor-shift, all modulo 2^scale.
     */
    static long scramble(final long vertex, final int scale)
    {
        final long mask = scale == 64 ? -1 : (1L << scale) - 1;
        long x = (vertex * 0x9E3779B97F4A7C15L) & mask;
        x ^= x >>> Math.max(1, scale / 2);
        return (x * 0xBF58476D1CE4E5B9L) & mask;
    }

    private static void writeLong(final OutputStream out, final long value, final byte[] digits) throws IOException
    {
        long remaining = value;
        int position = digits.length;
        do
        {
            digits[--position] = (byte)('0' + remaining % 10);
            remaining /= 10;
        }
        while (remaining > 0);
        out.write(digits, position, digits.length - position);
    }
}
