package io.shawarma.fabric.grid;

import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.concurrent.locks.LockSupport;

/**
 * A read-only UDF that holds the worker's thread for 2 ms: load for tests of rebalancing on load.
 */
public final class BusyUdf implements Udf
{
    public static final String NAME = "test-busy";

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
        LockSupport.parkNanos(2_000_000);
        return 0;
    }
}
