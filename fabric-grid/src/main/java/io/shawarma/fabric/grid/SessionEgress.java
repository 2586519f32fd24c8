package io.shawarma.fabric.grid;

import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;

/**
 * What the grid's service sends its sessions while it applies one log entry, collected per session and sent as one
 * egress message each when the entry is applied ({@link #flush()}): a task result that makes tasks ready sends the
 * worker its acknowledgement and all its new assignments at once, and the submitter all the state changes. Order
 * within a session is kept. A session that cannot take a message yet (its receiver's window is full) gets it later,
 * from its {@link EgressBacklog}, before anything newer ({@link #retry()}). Only the leader's offers leave the process;
 * every member collects the same.
 */
final class SessionEgress
{
    private static final int OFFER_ATTEMPTS = 3;

    private final Long2ObjectHashMap<MessageBatch> batches = new Long2ObjectHashMap<>();
    private final ArrayList<MessageBatch> pending = new ArrayList<>();
    private final LongArrayList pendingSessions = new LongArrayList();
    private final Long2ObjectHashMap<EgressBacklog> backlogs = new Long2ObjectHashMap<>();
    private final LongArrayList backlogged = new LongArrayList();
    private Cluster cluster;
    private long dropped;

    void cluster(final Cluster cluster)
    {
        this.cluster = cluster;
    }

    /** Adds an encoded message for a session; it goes out on the next {@link #flush()}. */
    void add(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        MessageBatch batch = batches.get(sessionId);
        if (null == batch)
        {
            batch = new MessageBatch(-1);
            batches.put(sessionId, batch);
        }
        if (0 == batch.frames())
        {
            pending.add(batch);
            pendingSessions.addLong(sessionId);
        }
        else if (!batch.fits(length))
        {
            send(sessionId, batch);
        }
        batch.add(buffer, offset, length);
    }

    /** Sends every session its collected messages. */
    void flush()
    {
        for (int i = 0, size = pending.size(); i < size; i++)
        {
            final MessageBatch batch = pending.get(i);
            if (batch.frames() > 0)
            {
                send(pendingSessions.getLong(i), batch);
            }
        }
        pending.clear();
        pendingSessions.clear();
    }

    /**
     * Offers each session's backlog again, oldest first, until the session refuses one; from the service's
     * background work.
     *
     * @return messages sent.
     */
    int retry()
    {
        int sent = 0;
        for (int i = backlogged.size() - 1; i >= 0; i--)
        {
            final long sessionId = backlogged.getLong(i);
            final EgressBacklog backlog = backlogs.get(sessionId);
            final ClientSession session = cluster.getClientSession(sessionId);
            if (null == session || session.isClosing())
            {
                forget(backlog);
            }
            else
            {
                sent += backlog.drain(session);
            }
            if (backlog.isEmpty())
            {
                backlogged.fastUnorderedRemove(i);
            }
        }
        return sent;
    }

    /** A member that is no longer the leader sends nothing: what its sessions still lacked they recover as dropped. */
    void onRoleChange()
    {
        for (int i = 0; i < backlogged.size(); i++)
        {
            forget(backlogs.get(backlogged.getLong(i)));
        }
        backlogged.clear();
    }

    /** Forgets a closed session's batch and backlog, once what it had collected was sent. */
    void onSessionClosed(final long sessionId)
    {
        flush();
        batches.remove(sessionId);
        final EgressBacklog backlog = backlogs.remove(sessionId);
        if (null != backlog)
        {
            backlogged.removeLong(sessionId);
            forget(backlog);
        }
    }

    /** @return messages dropped: a session stayed behind past its backlog's bound, or this member stopped leading. */
    long dropped()
    {
        return dropped;
    }

    private void send(final long sessionId, final MessageBatch batch)
    {
        final ClientSession session = cluster.getClientSession(sessionId);
        batch.complete();
        final int frames = batch.frames();
        batch.clear();
        if (null == session || session.isClosing())
        {
            return;
        }
        EgressBacklog backlog = backlogs.get(sessionId);
        if (null != backlog)
        {
            backlog.drain(session);
        }
        if ((null == backlog || backlog.isEmpty()) && offer(session, batch))
        {
            return;
        }
        if (null == backlog)
        {
            backlog = new EgressBacklog();
            backlogs.put(sessionId, backlog);
        }
        if (!backlogged.containsLong(sessionId))
        {
            backlogged.addLong(sessionId);
        }
        if (!backlog.add(batch.buffer(), batch.offset(), batch.length(), frames))
        {
            // Workers and submitters recover: a heartbeat showing fewer running tasks gets them sent again, a result
            // left unacknowledged is sent again, and a status request replays a DAG's task states.
            dropped += frames;
        }
    }

    private static boolean offer(final ClientSession session, final MessageBatch batch)
    {
        for (int i = 0; i < OFFER_ATTEMPTS; i++)
        {
            if (session.offer(batch.buffer(), batch.offset(), batch.length()) > 0)
            {
                return true;
            }
        }
        return false;
    }

    private void forget(final EgressBacklog backlog)
    {
        dropped += backlog.frames();
        backlog.clear();
    }
}
