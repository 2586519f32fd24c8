package io.shawarma.fabric.udf;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code score}: the vertex holds a weight vector of little-endian float64s, the args a feature vector of the same
 * length; the result is their dot product (one float64). Vectors of different lengths fail with UDF_FAILED.
 */
public final class ScoreUdf implements Udf
{
    /** Name callers use. */
    public static final String NAME = "score";

    public String name()
    {
        return NAME;
    }

    public boolean isReadOnly()
    {
        return true;
    }

    public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
    {
        final int length = vertex.length();
        if (length != args.capacity() || (length & (Double.BYTES - 1)) != 0)
        {
            return Udf.fail(Status.UDF_FAILED);
        }
        final DirectBuffer weights = vertex.value();
        double score = 0;
        for (int i = 0; i < length; i += Double.BYTES)
        {
            score += weights.getDouble(i, LITTLE_ENDIAN) * args.getDouble(i, LITTLE_ENDIAN);
        }
        result.putDouble(0, score, LITTLE_ENDIAN);
        return Double.BYTES;
    }
}
