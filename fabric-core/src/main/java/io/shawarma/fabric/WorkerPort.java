package io.shawarma.fabric;

import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * What a worker offers its {@link WorkerExtension}. Use from the worker's agent thread only, apart from
 * {@link #newCounter(String)} and {@link #onError(Throwable)}, which the extension's factory may call too.
 */
public interface WorkerPort
{
    /**
     * @return the worker's id.
     */
    int workerId();

    /**
     * @return the worker's vertices.
     */
    VertexStore store();

    /**
     * @return runs calls on the worker's vertices.
     */
    LocalInvoker invoker();

    /**
     * @return the channel this worker serves calls on, with the port its driver bound; null until bound.
     */
    String servedChannel();

    /**
     * @return the directory of the worker's media driver, for the extension's own Aeron sessions.
     */
    String aeronDirectoryName();

    /**
     * Adds worker peers, or moves known ones to a new channel, as a layer's membership reports them; peers not listed
     * stay. The worker says Hello to each new one (its handshake, with a shared secret).
     *
     * @param members workers as {@code id@channel}; this worker's own entry is skipped.
     */
    void workerPeers(FabricMembers members);

    /**
     * Sends a frame the extension encoded to a worker peer.
     *
     * @return false when the peer is unknown, not reachable yet (not connected or, with a shared secret, not welcomed
     * yet) or stayed back pressured: send it again later.
     */
    boolean send(int workerId, DirectBuffer buffer, int offset, int length);

    /**
     * Sends the answer held for a write (see {@link WorkerExtension#replication()}) as it was: its backups applied it.
     *
     * @param sequence the replication gave the write.
     * @return false when no answer is held under it.
     */
    boolean releaseHeld(long sequence);

    /**
     * Answers the call of a held write with another status: its backups could not confirm it.
     *
     * @param sequence the replication gave the write.
     * @param status   the answer's status (TIMEOUT: outcome unknown; MOVED: not kept, retry at the owner).
     * @param ownerId  the worker to name, or -1.
     * @param text     why, as a fixed text.
     * @return false when no answer is held under it.
     */
    boolean failHeld(long sequence, Status status, int ownerId, DirectBuffer text);

    /**
     * @param label what it counts, as {@code scripts/shawarma stat} prints it.
     * @return a new counter in the worker's counters file.
     */
    AtomicCounter newCounter(String label);

    /**
     * Says what kind of worker this is in its counters file, for {@code scripts/shawarma stat}.
     *
     * @param role one of {@link CountersFile}'s ROLE constants, e.g. {@link CountersFile#ROLE_GRID}.
     */
    void counterRole(int role);

    /**
     * Records an error in the worker's distinct error log ({@code scripts/shawarma errors}) and counts it.
     */
    void onError(Throwable error);
}
