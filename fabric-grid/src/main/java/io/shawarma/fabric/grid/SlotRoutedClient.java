package io.shawarma.fabric.grid;

import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.Placement;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Calls vertices on a grid's workers while slots move between them, through a {@link FabricClient} (its Hello,
 * handshake with the grid's shared secret, calls and answers). Routes each call by the slot table it learns: the
 * owner that last served or named the vertex's slot. A MOVED answer names the owner and the placement epoch, and the
 * newer epoch wins (a MOVED from a worker that has not yet seen the commit is older, and is retried after a pause). A
 * write to a slot that is moving is answered BACK_PRESSURED: it was not applied, so it is retried after a pause, until
 * the call's deadline. A worker that is not reachable is skipped for the next one it knows. A call that got no answer
 * returns TIMEOUT: it may or may not have been applied, and is not retried; the next call to that worker's slots asks
 * another worker first, so a slot whose dead owner's backup was promoted is found without waiting for the dead
 * worker's link to close. A worker refusing this client's proof
 * ends the call UNAUTHENTICATED. Every other status ends the call as the owner answered it: STORE_FULL, for one, is
 * not retried, as only freeing space or raising the store's limits helps.
 * <p>
 * Says Hello to a worker before the first call to it, and again after it comes back. Not thread safe: one thread per
 * client. Allocation free per call.
 */
public final class SlotRoutedClient implements AutoCloseable
{
    private static final long MIN_BACKOFF_NS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int INVOKE = 0;
    private static final int PUT = 1;
    private static final int GET = 2;
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final FabricClient client;
    private final NanoClock clock;
    private final int slotCount;
    private final long callTimeoutNs;
    private final IntArrayList workerIds = new IntArrayList();
    private final int[] slotOwners;
    private final long[] slotEpochs;
    /** Workers whose last call timed out. */
    private final IntHashSet suspects = new IntHashSet();
    private long movedFollowed;
    private long retries;

    private SlotRoutedClient(final FabricClient client, final int slotCount, final NanoClock clock)
    {
        this.client = client;
        this.clock = clock;
        this.slotCount = slotCount;
        this.callTimeoutNs = client.context().callTimeoutNs();
        final FabricMembers members = client.context().members();
        for (int i = 0; i < members.size(); i++)
        {
            workerIds.addInt(members.idAt(i));
        }
        slotOwners = new int[slotCount];
        slotEpochs = new long[slotCount];
        Arrays.fill(slotOwners, SlotTable.NO_OWNER);
        Arrays.fill(slotEpochs, -1);
    }

    /**
     * Opens a client of the grid's workers; it says Hello to each before its first call there.
     *
     * @param context   the client's settings: its id, reply channel, the workers that may own slots as
     *                  {@code shawarma.fabric} lists them (a worker not started yet is fine), the call timeout (retries
     *                  included), the grid's shared secret file; concluded here.
     * @param slotCount the grid's slot count.
     * @return the client.
     */
    public static SlotRoutedClient connect(final FabricClient.Context context, final int slotCount)
    {
        return connect(context, slotCount, SystemNanoClock.INSTANCE);
    }

    /**
     * As above, with the clock that times the calls' deadlines.
     *
     * @param clock times the calls' deadlines.
     */
    public static SlotRoutedClient connect(
        final FabricClient.Context context, final int slotCount, final NanoClock clock)
    {
        return new SlotRoutedClient(FabricClient.connect(context.helloOnFirstCall(true)), slotCount, clock);
    }

    /**
     * Runs a UDF on a vertex at its owner.
     *
     * @return the outcome; the result (or error text) is in {@code result} for {@link #resultLength()} bytes.
     */
    public Status invoke(
        final long vertexId, final int udfId, final DirectBuffer args, final int argsOffset, final int argsLength,
        final MutableDirectBuffer result)
    {
        return call(INVOKE, vertexId, udfId, args, argsOffset, argsLength, result);
    }

    /** Creates or replaces a vertex's value at its owner. */
    public Status put(final long vertexId, final DirectBuffer value, final int offset, final int length)
    {
        return call(PUT, vertexId, 0, value, offset, length, null);
    }

    /** Reads a vertex's value from its owner into {@code value}, {@link #resultLength()} bytes. */
    public Status get(final long vertexId, final MutableDirectBuffer value)
    {
        return call(GET, vertexId, 0, EMPTY, 0, 0, value);
    }

    /**
     * Adds a worker that may own slots, or moves a known one to a new channel, as the cluster reports it.
     */
    public void worker(final int workerId, final String channel)
    {
        client.worker(workerId, channel);
        if (!workerIds.containsInt(workerId))
        {
            workerIds.addInt(workerId);
        }
    }

    /** @return the length of the last call's result. */
    public int resultLength()
    {
        return client.resultLength();
    }

    /** @return the worker that last served a call on the vertex's slot, or -1 when none has yet. */
    public int ownerOf(final long vertexId)
    {
        return slotOwners[Placement.slotOf(vertexId, slotCount)];
    }

    /** @return MOVED answers that sent a call to a new owner. */
    public long movedFollowed()
    {
        return movedFollowed;
    }

    /** @return calls sent again: refused while their slot moved, or MOVED from a worker behind. */
    public long retries()
    {
        return retries;
    }

    /** @return the fabric client the calls go through (its counts of late and unexpected answers). */
    public FabricClient fabricClient()
    {
        return client;
    }

    public void close()
    {
        client.close();
    }

    private Status call(
        final int kind, final long vertexId, final int udfId, final DirectBuffer buffer, final int offset,
        final int length, final MutableDirectBuffer result)
    {
        final long deadlineNs = clock.nanoTime() + callTimeoutNs;
        final int slot = Placement.slotOf(vertexId, slotCount);
        long backoffNs = MIN_BACKOFF_NS;
        int guess = 0;
        boolean askedElsewhere = false;
        while (clock.nanoTime() - deadlineNs < 0)
        {
            int ownerId = client.hasWorker(slotOwners[slot]) ? slotOwners[slot] : workerIds.getInt(guess);
            if (!askedElsewhere && suspects.contains(ownerId) && workerIds.size() > 1)
            {
                // Its last call timed out: it may be dead and the slot promoted. Another worker answers MOVED with the
                // owner it knows, which is this one again if nothing changed (asked once per call).
                askedElsewhere = true;
                ownerId = workerIds.getInt((workerIds.indexOf(ownerId) + 1) % workerIds.size());
            }
            final Status status = callAt(kind, ownerId, vertexId, udfId, buffer, offset, length, result);
            if (Status.TIMEOUT == status)
            {
                suspects.add(ownerId);
            }
            else if (Status.OWNER_UNREACHABLE != status)
            {
                suspects.remove(ownerId);
            }
            if ((Status.TIMEOUT == status || Status.OWNER_UNREACHABLE == status) && !client.isWelcomed(ownerId))
            {
                // Not reachable (not started, or gone): the call was not sent; ask another worker where the slot is.
                slotOwners[slot] = SlotTable.NO_OWNER;
                guess = (guess + 1) % workerIds.size();
            }
            else if (Status.MOVED == status && client.lastEpoch() >= slotEpochs[slot] &&
                client.hasWorker(client.lastOwnerId()))
            {
                slotOwners[slot] = client.lastOwnerId();
                slotEpochs[slot] = client.lastEpoch();
                movedFollowed++;
            }
            else if (Status.MOVED == status || Status.BACK_PRESSURED == status)
            {
                retries++;
                LockSupport.parkNanos(backoffNs);
                backoffNs = Math.min(MAX_BACKOFF_NS, backoffNs * 2);
            }
            else
            {
                if (Status.UNAUTHENTICATED != status)
                {
                    slotOwners[slot] = ownerId;
                    slotEpochs[slot] = Math.max(slotEpochs[slot], client.lastEpoch());
                }
                return status;
            }
        }
        return Status.TIMEOUT;
    }

    private Status callAt(
        final int kind, final int workerId, final long vertexId, final int udfId, final DirectBuffer buffer,
        final int offset, final int length, final MutableDirectBuffer result)
    {
        switch (kind)
        {
            case INVOKE:
                return client.invokeAt(workerId, vertexId, udfId, buffer, offset, length, result);
            case PUT:
                return client.putAt(workerId, vertexId, buffer, offset, length);
            default:
                return client.getAt(workerId, vertexId, result);
        }
    }
}
