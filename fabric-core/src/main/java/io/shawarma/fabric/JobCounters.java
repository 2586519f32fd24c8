package io.shawarma.fabric;

import org.agrona.IoUtil;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;

/**
 * The counters and distinct error log of one worker of a graph or aggregate job, in a {@link CountersFile} under
 * /dev/shm like a data-plane worker's, so that {@code scripts/shawarma stat} and {@code errors} list them with the
 * others. Steps are supersteps or rounds, items are messages or export records. One writer (the job's thread)
 * updates them with ordered stores: nothing is allocated per step, frame or item.
 */
public final class JobCounters implements AutoCloseable
{
    private final CountersFile countersFile;
    private final File directory;
    private final AtomicCounter stepsCompleted;
    private final AtomicCounter itemsSent;
    private final AtomicCounter itemsReceived;
    private final AtomicCounter framesSent;
    private final AtomicCounter framesReceived;
    private final AtomicCounter bytesSent;
    private final AtomicCounter bytesReceived;
    private final AtomicCounter malformed;
    private final AtomicCounter backPressureEvents;
    private final AtomicCounter errors;

    /**
     * Creates the counters file in a new directory.
     *
     * @param role     {@link CountersFile#ROLE_GRAPH} or {@link CountersFile#ROLE_AGGREGATE}.
     * @param workerId of the worker.
     * @param steps    what a step is called, e.g. {@code supersteps}.
     * @param items    what an item is called, e.g. {@code messages}.
     */
    public JobCounters(final int role, final int workerId, final String steps, final String items)
    {
        directory = CountersFile.newDirectory(workerId);
        IoUtil.ensureDirectoryExists(directory, "worker dir");
        countersFile = new CountersFile(new File(directory, CountersFile.FILE_NAME), workerId, role);
        stepsCompleted = countersFile.newCounter(steps + " completed");
        itemsSent = countersFile.newCounter(items + " sent");
        itemsReceived = countersFile.newCounter(items + " received");
        framesSent = countersFile.newCounter("frames sent");
        framesReceived = countersFile.newCounter("frames received");
        bytesSent = countersFile.newCounter("bytes sent (frames)");
        bytesReceived = countersFile.newCounter("bytes received (frames)");
        malformed = countersFile.newCounter("malformed frames or records");
        backPressureEvents = countersFile.newCounter("back pressure events");
        errors = countersFile.newCounter("errors logged");
        countersFile.ready();
    }

    /** Counts a completed superstep or round. */
    public void onStepCompleted()
    {
        stepsCompleted.incrementRelease();
    }

    /** Counts a frame handed to the publication, of {@code length} bytes. */
    public void onFrameSent(final int length)
    {
        framesSent.incrementRelease();
        bytesSent.getAndAddRelease(length);
    }

    /** Counts a frame taken from the subscription, of {@code length} bytes. */
    public void onFrameReceived(final int length)
    {
        framesReceived.incrementRelease();
        bytesReceived.getAndAddRelease(length);
    }

    /** Counts items (messages, export records) sent. */
    public void onItemsSent(final int count)
    {
        itemsSent.getAndAddRelease(count);
    }

    /** Counts items (messages, export records) received. */
    public void onItemsReceived(final int count)
    {
        itemsReceived.getAndAddRelease(count);
    }

    /** Counts a send that found its peer back pressured. */
    public void onBackPressure()
    {
        backPressureEvents.incrementRelease();
    }

    /**
     * @param total malformed frames and records so far, as the worker counts them.
     */
    public void malformed(final long total)
    {
        malformed.setRelease(total);
    }

    /**
     * Records an error once per distinct cause and counts it; the file is then kept at {@link #close()}.
     */
    public void onError(final Throwable error)
    {
        errors.incrementRelease();
        countersFile.recordError(error);
    }

    /**
     * @return supersteps or rounds completed.
     */
    public long stepsCompleted()
    {
        return stepsCompleted.get();
    }

    /**
     * @return messages or export records sent.
     */
    public long itemsSent()
    {
        return itemsSent.get();
    }

    /**
     * @return messages or export records received.
     */
    public long itemsReceived()
    {
        return itemsReceived.get();
    }

    /**
     * @return bytes of frames sent.
     */
    public long bytesSent()
    {
        return bytesSent.get();
    }

    /**
     * @return bytes of frames received.
     */
    public long bytesReceived()
    {
        return bytesReceived.get();
    }

    /**
     * @return the counters file.
     */
    public File file()
    {
        return countersFile.file();
    }

    /**
     * Unmaps the file and deletes its directory; after an error the file stays for {@code scripts/shawarma errors},
     * and its path is printed on stderr.
     */
    public void close()
    {
        if (errors.get() > 0)
        {
            countersFile.closeAndKeep();
            System.err.println("counters and error log kept for 'shawarma errors': " + countersFile.file());
        }
        else
        {
            countersFile.close();
            IoUtil.delete(directory, true);
        }
    }
}
