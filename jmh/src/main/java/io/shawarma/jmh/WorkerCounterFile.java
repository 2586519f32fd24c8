package io.shawarma.jmh;

import io.shawarma.fabric.WorkerCounters;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;

/**
 * Reads one counter of a running worker from its counters file, as {@code shawarma stat} does, without disturbing
 * it. Not for the hot path: maps the file per read.
 */
final class WorkerCounterFile
{
    private WorkerCounterFile()
    {
    }

    /**
     * @param file  the worker's counters file.
     * @param label the counter's label, e.g. {@code grid: backup fills received}.
     * @return the counter's value.
     * @throws IllegalStateException when the file is not a counters file of this version or has no such counter.
     */
    static long value(final File file, final String label)
    {
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, "worker counters");
        try
        {
            final UnsafeBuffer header = new UnsafeBuffer(mapped);
            if (header.capacity() < WorkerCounters.HEADER_LENGTH ||
                header.getIntVolatile(0) != WorkerCounters.MAGIC || header.getInt(4) != WorkerCounters.VERSION)
            {
                throw new IllegalStateException(file + " is not a worker counters file of this version");
            }
            final int capacity = header.getInt(12);
            final CountersReader counters = new CountersReader(
                new UnsafeBuffer(mapped, WorkerCounters.metadataOffset(), capacity * CountersReader.METADATA_LENGTH),
                new UnsafeBuffer(mapped, WorkerCounters.valuesOffset(capacity),
                capacity * CountersReader.COUNTER_LENGTH));
            final long[] found = { -1 };
            counters.forEach((value, id, name) ->
            {
                if (label.equals(name))
                {
                    found[0] = value;
                }
            });
            if (found[0] < 0)
            {
                throw new IllegalStateException(file + " has no counter '" + label + "'");
            }
            return found[0];
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }
}
