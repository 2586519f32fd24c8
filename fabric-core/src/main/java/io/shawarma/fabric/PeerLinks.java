package io.shawarma.fabric;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.Arrays;

/**
 * The links between the workers of one run: one exclusive publication to each peer and one subscription for this
 * worker, on stream {@code streamBase + worker id}. A peer's frames arrive in the order it sent them. Sending waits
 * out back pressure while still draining this worker's own subscription (through {@link WhileBackPressured}), so
 * two workers sending to each other never wait on each other.
 */
public final class PeerLinks implements AutoCloseable
{
    /** What to do while a peer is back pressured: typically poll, so that the peer can drain as well. */
    @FunctionalInterface
    public interface WhileBackPressured
    {
        /**
         * @return the work done, for the idle strategy.
         */
        int doWork();
    }

    private final String what;
    private final FabricMembers members;
    private final int slot;
    private final int[] slotByWorker;
    private final ExclusivePublication[] publications;
    private final Subscription subscription;
    private final IdleStrategy idle;
    private final JobCounters counters;

    /**
     * @param aeron      the client to publish and subscribe with.
     * @param members    the workers of the run.
     * @param workerId   this worker, one of the members.
     * @param streamBase worker N receives on stream base + N.
     * @param idle       for waiting on peers.
     * @param what       names the links in errors, e.g. {@code aggregate}.
     * @param counters   count the frames and bytes sent and the back pressure met.
     */
    public PeerLinks(
        final Aeron aeron, final FabricMembers members, final int workerId, final int streamBase,
        final IdleStrategy idle, final String what, final JobCounters counters)
    {
        this.idle = idle;
        this.counters = counters;
        this.what = what;
        this.members = members;
        int mySlot = -1;
        int maxId = 0;
        for (int i = 0; i < members.size(); i++)
        {
            maxId = Math.max(maxId, members.idAt(i));
            mySlot = members.idAt(i) == workerId ? i : mySlot;
        }
        if (mySlot < 0)
        {
            throw new IllegalArgumentException("worker " + workerId + " is not in " + members);
        }
        slot = mySlot;
        slotByWorker = new int[maxId + 1];
        Arrays.fill(slotByWorker, -1);
        publications = new ExclusivePublication[members.size()];
        subscription = aeron.addSubscription(members.channelOf(workerId), streamBase + workerId);
        for (int i = 0; i < members.size(); i++)
        {
            slotByWorker[members.idAt(i)] = i;
            if (i != slot)
            {
                publications[i] = aeron.addExclusivePublication(members.channelAt(i), streamBase + members.idAt(i));
            }
        }
    }

    /**
     * @return this worker's slot: its index among the members.
     */
    public int slot()
    {
        return slot;
    }

    /**
     * @return the number of workers, this one included.
     */
    public int size()
    {
        return publications.length;
    }

    /**
     * @return the slot of a worker id, or -1 when it is not a member.
     */
    public int slotOf(final int workerId)
    {
        return workerId >= 0 && workerId < slotByWorker.length ? slotByWorker[workerId] : -1;
    }

    /**
     * Waits until every peer subscribes, so that no frame is sent into the void, and until this worker hears every
     * peer, so that mapping (and pre-touching) the peers' log buffers is done before the first frame is due.
     *
     * @throws IllegalStateException when a peer does not connect by the deadline.
     */
    public void awaitConnected(final long deadlineNs)
    {
        awaitConnected(SystemNanoClock.INSTANCE, deadlineNs);
    }

    /**
     * {@link #awaitConnected(long)} with a deadline on the given clock.
     *
     * @throws IllegalStateException when a peer does not connect by the deadline.
     */
    public void awaitConnected(final NanoClock clock, final long deadlineNs)
    {
        // Rounded: the caller set the deadline a moment ago, from a whole number of seconds, typically.
        final long seconds = (Math.max(0, deadlineNs - clock.nanoTime()) + 500_000_000L) / 1_000_000_000L;
        for (int i = 0; i < publications.length; i++)
        {
            while (null != publications[i] && !publications[i].isConnected())
            {
                if (isPast(clock, deadlineNs))
                {
                    throw new IllegalStateException(what + " worker " + members.idAt(i) + " (" +
                        members.channelAt(i) + ") did not connect within " + seconds + " s: check that it is " +
                        "running with the same members and that UDP reaches that endpoint from here");
                }
            }
        }
        while (subscription.imageCount() < publications.length - 1)
        {
            if (isPast(clock, deadlineNs))
            {
                throw new IllegalStateException(what + " worker " + members.idAt(slot) + " (" +
                    members.channelAt(slot) + ") heard " + subscription.imageCount() + " of its " +
                    (publications.length - 1) + " peers within " + seconds + " s: check that every member runs " +
                    "with the same members and that UDP reaches this endpoint from theirs");
            }
        }
    }

    /**
     * Idles once, unless the deadline has passed.
     *
     * @return true when the deadline has passed.
     */
    private boolean isPast(final NanoClock clock, final long deadlineNs)
    {
        if (clock.nanoTime() - deadlineNs >= 0)
        {
            return true;
        }
        idle.idle();
        return false;
    }

    /**
     * Sends a frame to a peer, waiting out back pressure.
     *
     * @throws IllegalStateException when the peer went away.
     */
    public void send(
        final int peerSlot, final DirectBuffer buffer, final int length, final WhileBackPressured whileWaiting)
    {
        final ExclusivePublication publication = publications[peerSlot];
        if (publication.offer(buffer, 0, length) < 0)
        {
            counters.onBackPressure();
            idle.reset();
            do
            {
                if (publication.isClosed() || !publication.isConnected())
                {
                    throw new IllegalStateException(what + " peer in slot " + peerSlot + " went away");
                }
                idle.idle(whileWaiting.doWork());
            }
            while (publication.offer(buffer, 0, length) < 0);
        }
        counters.onFrameSent(length);
    }

    /**
     * Polls this worker's subscription.
     *
     * @return the number of fragments handled.
     */
    public int poll(final ControlledFragmentHandler handler, final int fragmentLimit)
    {
        return subscription.controlledPoll(handler, fragmentLimit);
    }

    /**
     * @return whether this worker's subscription has the image of a publication, by its session id (for tests and
     * diagnostics: frames from a publication are read only once its image is there).
     */
    public boolean hears(final int sessionId)
    {
        return null != subscription.imageBySessionId(sessionId);
    }

    public void close()
    {
        CloseHelper.closeAll(publications);
        CloseHelper.close(subscription);
    }
}
