package io.shawarma.fabric;

import io.shawarma.fabric.borrow.Borrower;
import io.shawarma.fabric.borrow.CostModel;
import io.shawarma.fabric.borrow.Lender;
import io.shawarma.udf.Status;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;

/**
 * A data-plane worker's counters and distinct error log in one memory-mapped {@link CountersFile}, like Aeron's
 * CnC file, so that a tool in another process can read them live.
 */
public final class WorkerCounters implements AutoCloseable
{
    /** File name inside a worker's directory. */
    public static final String FILE_NAME = CountersFile.FILE_NAME;
    /** First int of the file. */
    public static final int MAGIC = CountersFile.MAGIC;
    /** Layout version. */
    public static final int VERSION = CountersFile.VERSION;
    /** Header bytes before the metadata region. */
    public static final int HEADER_LENGTH = CountersFile.HEADER_LENGTH;
    /** Most counters a worker file holds. */
    public static final int COUNTER_CAPACITY = CountersFile.COUNTER_CAPACITY;
    /** Bytes of the distinct error log. */
    public static final int ERROR_LOG_LENGTH = CountersFile.ERROR_LOG_LENGTH;

    /** Counter type id of every Shawarma worker counter. */
    public static final int COUNTER_TYPE_ID = CountersFile.COUNTER_TYPE_ID;

    private final CountersFile countersFile;

    final AtomicCounter invokesIn;
    final AtomicCounter invokesForwarded;
    final AtomicCounter puts;
    final AtomicCounter gets;
    final AtomicCounter hellos;
    final AtomicCounter heartbeats;
    final AtomicCounter malformedFrames;
    final AtomicCounter backPressureEvents;
    final AtomicCounter undeliveredReplies;
    final AtomicCounter unknownPeerFrames;
    final AtomicCounter authFailures;
    final AtomicCounter bytesReceived;
    final AtomicCounter bytesSent;
    final AtomicCounter lateResults;
    final AtomicCounter errors;
    private final AtomicCounter[] resultsByStatus;
    final AtomicCounter borrowRequestsIn;
    private final AtomicCounter leasesGranted;
    private final AtomicCounter loansRefused;
    private final AtomicCounter returnsMerged;
    private final AtomicCounter returnsApplied;
    private final AtomicCounter returnsRefused;
    private final AtomicCounter revokesSent;
    private final AtomicCounter leasesExpired;
    private final AtomicCounter borrowsGranted;
    private final AtomicCounter copiesReturned;
    private final AtomicCounter copiesRefusedLate;
    private final AtomicCounter copiesUnacknowledged;
    private final AtomicCounter[] schedulerDecisions;
    final AtomicCounter retriesDropped;
    final AtomicCounter retriesHeld;
    private final AtomicCounter storeRecordsLost;
    private final AtomicCounter storeChunksLost;

    /**
     * Creates the file (replacing one left by an earlier run) and the counters in it.
     *
     * @param file     to create.
     * @param workerId of the owning worker.
     */
    public WorkerCounters(final File file, final int workerId)
    {
        countersFile = new CountersFile(file, workerId, CountersFile.ROLE_WORKER);
        invokesIn = counter("invokes in");
        invokesForwarded = counter("invokes forwarded to owner");
        puts = counter("vertex puts");
        gets = counter("vertex gets");
        hellos = counter("hellos received");
        heartbeats = counter("heartbeats received");
        malformedFrames = counter("malformed frames");
        backPressureEvents = counter("back pressure events");
        undeliveredReplies = counter("replies not delivered (no room to hold them, or closed)");
        unknownPeerFrames = counter("frames from unknown peers");
        authFailures = counter("frames refused: not authenticated");
        bytesReceived = counter("bytes received (messages)");
        bytesSent = counter("bytes sent (messages)");
        lateResults = counter("late or unknown results");
        errors = counter("errors logged");
        final Status[] statuses = Status.values();
        resultsByStatus = new AtomicCounter[statuses.length];
        for (final Status status : statuses)
        {
            resultsByStatus[status.code()] = counter("results " + status.name());
        }
        borrowRequestsIn = counter("lend: borrow requests in");
        leasesGranted = counter("lend: leases granted");
        loansRefused = counter("lend: loans refused");
        returnsMerged = counter("lend: returns merged");
        returnsApplied = counter("lend: exclusive returns applied");
        returnsRefused = counter("lend: late exclusive returns refused");
        revokesSent = counter("lend: revokes sent");
        leasesExpired = counter("lend: leases expired unreturned");
        borrowsGranted = counter("borrow: copies granted");
        copiesReturned = counter("borrow: copies returned");
        copiesRefusedLate = counter("borrow: returns refused (lease expired)");
        copiesUnacknowledged = counter("borrow: returns never acknowledged");
        schedulerDecisions = new AtomicCounter[CostModel.REASON_NAMES.length];
        for (int reason = 0; reason < schedulerDecisions.length; reason++)
        {
            schedulerDecisions[reason] = counter("scheduler " + CostModel.REASON_NAMES[reason]);
        }
        retriesDropped = counter("messages dropped after back-pressure retries");
        retriesHeld = counter("messages held for retry now");
        storeRecordsLost = counter("store records lost at open");
        storeChunksLost = counter("store chunks lost at open");
        countersFile.ready();
    }

    /**
     * @return offset of the counters' metadata region.
     */
    public static int metadataOffset()
    {
        return CountersFile.metadataOffset();
    }

    /**
     * @param counterCapacity from the header.
     * @return offset of the counters' values region.
     */
    public static int valuesOffset(final int counterCapacity)
    {
        return CountersFile.valuesOffset(counterCapacity);
    }

    /**
     * @param counterCapacity from the header.
     * @return offset of the error log region.
     */
    public static int errorLogOffset(final int counterCapacity)
    {
        return CountersFile.errorLogOffset(counterCapacity);
    }

    /**
     * Counts a reply sent with a status.
     *
     * @param status of the reply.
     */
    public void onResult(final Status status)
    {
        resultsByStatus[status.code()].incrementRelease();
    }

    /**
     * Copies the borrowing protocol's and the scheduler's counts into the counters; from the agent thread.
     */
    void publish(final Lender lender, final Borrower borrower, final CostModel costModel)
    {
        leasesGranted.setRelease(lender.grants());
        loansRefused.setRelease(lender.refusals());
        returnsMerged.setRelease(lender.returnsMerged());
        returnsApplied.setRelease(lender.returnsApplied());
        returnsRefused.setRelease(lender.returnsRefused());
        revokesSent.setRelease(lender.revokesSent());
        leasesExpired.setRelease(lender.leasesExpired());
        borrowsGranted.setRelease(borrower.grants());
        copiesReturned.setRelease(borrower.returns());
        copiesRefusedLate.setRelease(borrower.returnsRefused());
        copiesUnacknowledged.setRelease(borrower.returnsUnacknowledged());
        for (int reason = 0; reason < schedulerDecisions.length; reason++)
        {
            schedulerDecisions[reason].setRelease(costModel.decisions(reason));
        }
    }

    /**
     * Records what opening the store dropped, accepting loss ({@code shawarma.store.accept.loss}).
     *
     * @param records records dropped as corrupt or torn.
     * @param chunks  chunks of the file missing, cut or corrupt (their records not counted).
     */
    void storeLoss(final long records, final long chunks)
    {
        storeRecordsLost.setRelease(records);
        storeChunksLost.setRelease(chunks);
    }

    /**
     * @return records the store dropped as corrupt or torn when it was opened accepting loss.
     */
    public long storeRecordsLost()
    {
        return storeRecordsLost.get();
    }

    /**
     * @return chunks of the store's file missing, cut or corrupt when it was opened accepting loss.
     */
    public long storeChunksLost()
    {
        return storeChunksLost.get();
    }

    /**
     * @param reason a {@code CostModel} REASON constant.
     * @return how many scheduler decisions had that reason.
     */
    public long schedulerDecisions(final int reason)
    {
        return schedulerDecisions[reason].get();
    }

    /**
     * @return leases this worker granted as an owner.
     */
    public long leasesGranted()
    {
        return leasesGranted.get();
    }

    /**
     * @return borrowed copies this worker returned.
     */
    public long copiesReturned()
    {
        return copiesReturned.get();
    }

    /**
     * @return frames refused because their sender had not proved the shared secret on their session, and failed
     * handshakes.
     */
    public long authFailures()
    {
        return authFailures.get();
    }

    /**
     * @param status a status.
     * @return how many replies with that status this worker sent.
     */
    public long results(final Status status)
    {
        return resultsByStatus[status.code()].get();
    }

    /**
     * Records an error once per distinct cause in the error log and counts it. Safe to call from the agent thread.
     *
     * @param error to record.
     */
    public void onError(final Throwable error)
    {
        errors.increment(); // atomic: the media driver and client threads report errors too
        countersFile.recordError(error);
    }

    /**
     * @return a reader over the counters, for tests and tools in this process.
     */
    public CountersReader reader()
    {
        return countersFile.reader();
    }

    /**
     * @param role what kind of worker writes the file, one of {@link CountersFile}'s ROLE constants.
     */
    void role(final int role)
    {
        countersFile.role(role);
    }

    /**
     * @return the file holding the counters.
     */
    public File file()
    {
        return countersFile.file();
    }

    /**
     * Unmaps and deletes the file.
     */
    public void close()
    {
        countersFile.close();
    }

    /**
     * @param label what it counts, as {@code stat} prints it.
     * @return a new counter in the file, e.g. one of a {@link WorkerExtension}'s.
     */
    AtomicCounter counter(final String label)
    {
        return countersFile.newCounter(label);
    }
}
