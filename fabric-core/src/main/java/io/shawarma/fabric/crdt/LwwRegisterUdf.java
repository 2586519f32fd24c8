package io.shawarma.fabric.crdt;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code lww}: a last-writer-wins register of up to {@value #MAX_PAYLOAD} bytes. The value is int64 timestamp
 * (ns since the epoch, from the injected clock), int32 writer replica id, int32 payload length, then the payload
 * ({@value #VALUE_BYTES} bytes in all). A write stamps max(clock, stored timestamp + 1), so a replica's own writes
 * always order after what it has seen; copies merge by keeping the larger (timestamp, replica id). Args are the
 * payload to write, or empty to read; the result is the payload held.
 */
public final class LwwRegisterUdf implements Udf
{
    /** Name callers use. */
    public static final String NAME = "lww";
    /** Largest payload. */
    public static final int MAX_PAYLOAD = 48;
    /** Bytes of the value. */
    public static final int VALUE_BYTES = 16 + MAX_PAYLOAD;

    private static final int REPLICA = 8;
    private static final int LENGTH = 12;
    private static final int PAYLOAD = 16;

    private final EpochNanoClock clock;

    /**
     * A register stamped by the system clock; what {@link java.util.ServiceLoader} creates.
     */
    public LwwRegisterUdf()
    {
        this(new SystemEpochNanoClock());
    }

    /**
     * @param clock stamps writes; workers' clocks should be synchronised, since the later stamp wins.
     */
    public LwwRegisterUdf(final EpochNanoClock clock)
    {
        this.clock = clock;
    }

    public String name()
    {
        return NAME;
    }

    public int compute(final Vertex vertex, final DirectBuffer args, final MutableDirectBuffer result)
    {
        final int argsLength = args.capacity();
        if (argsLength > MAX_PAYLOAD)
        {
            return Udf.fail(Status.UDF_FAILED);
        }
        if (argsLength > 0)
        {
            FixedSize.ensure(vertex, VALUE_BYTES);
            final MutableDirectBuffer value = vertex.edit();
            final long stamp = Math.max(clock.nanoTime(), value.getLong(0, LITTLE_ENDIAN) + 1);
            value.putLong(0, stamp, LITTLE_ENDIAN);
            value.putInt(REPLICA, vertex.replicaId(), LITTLE_ENDIAN);
            value.putInt(LENGTH, argsLength, LITTLE_ENDIAN);
            value.setMemory(PAYLOAD, MAX_PAYLOAD, (byte)0);
            value.putBytes(PAYLOAD, args, 0, argsLength);
            vertex.update(VALUE_BYTES);
        }
        if (vertex.length() < VALUE_BYTES)
        {
            return 0;
        }
        final DirectBuffer value = vertex.value();
        final int length = value.getInt(LENGTH, LITTLE_ENDIAN);
        result.putBytes(0, value, PAYLOAD, length);
        return length;
    }

    public boolean isMergeable()
    {
        return true;
    }

    public void merge(final Vertex into, final DirectBuffer from)
    {
        if (from.capacity() < VALUE_BYTES)
        {
            return;
        }
        final boolean empty = into.length() < VALUE_BYTES;
        final DirectBuffer value = into.value();
        if (empty || isLater(from.getLong(0, LITTLE_ENDIAN), from.getInt(REPLICA, LITTLE_ENDIAN),
            value.getLong(0, LITTLE_ENDIAN), value.getInt(REPLICA, LITTLE_ENDIAN)))
        {
            into.newValue().putBytes(0, from, 0, VALUE_BYTES);
            into.update(VALUE_BYTES);
        }
    }

    private static boolean isLater(final long stamp, final int replica, final long thanStamp, final int thanReplica)
    {
        return stamp > thanStamp || (stamp == thanStamp && replica > thanReplica);
    }
}
