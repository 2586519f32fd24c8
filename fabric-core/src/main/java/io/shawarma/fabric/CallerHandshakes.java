package io.shawarma.fabric;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Long2LongHashMap;

/**
 * The side that says Hello, when the fabric has a shared secret ({@link SharedSecret}): a fresh nonce for each Hello,
 * the check of the answering worker's Challenge (so a caller never talks to a worker that does not know the secret),
 * the caller's proof in answer, and the Aeron session each worker proved itself on: its answers must come on it.
 * <p>
 * Used by the fabric's client and the grid's data client and data plane. Not thread safe.
 */
public final class CallerHandshakes
{
    private static final int NO_SESSION = Integer.MIN_VALUE;

    private final SharedSecret secret;
    private final int callerId;
    private final Long2LongHashMap helloNonces = new Long2LongHashMap(0);
    private final Long2LongHashMap noncesDrawnNs = new Long2LongHashMap(Long.MIN_VALUE);
    private final Int2IntHashMap workerSessions = new Int2IntHashMap(NO_SESSION);

    /**
     * @param secret   the fabric's shared secret, or null when it does not authenticate.
     * @param callerId the id this participant says Hello with.
     */
    public CallerHandshakes(final SharedSecret secret, final int callerId)
    {
        this.secret = secret;
        this.callerId = callerId;
    }

    /**
     * @return true when this caller proves the secret.
     */
    public boolean isAuthenticating()
    {
        return null != secret;
    }

    /**
     * @param workerId the worker to say Hello to.
     * @return a fresh nonce for the Hello, remembered for the worker's Challenge; 0 without a secret.
     */
    public long helloNonce(final int workerId)
    {
        if (null == secret)
        {
            return 0;
        }
        final long nonce = secret.nonce();
        helloNonces.put(workerId, nonce);
        noncesDrawnNs.remove(workerId);
        return nonce;
    }

    /**
     * A nonce for a Hello that may repeat an unanswered one: the latest nonce again while its handshake may still
     * complete (drawn less than {@code windowNs} ago; the worker answers the same Hello with the same Challenge, so an
     * answer to any copy completes it even when the round trip is slower than the repeats), else a fresh one.
     *
     * @param workerId the worker to say Hello to.
     * @param nowNs    now.
     * @param windowNs how long a nonce is repeated.
     * @return the nonce; 0 without a secret.
     */
    public long helloNonce(final int workerId, final long nowNs, final long windowNs)
    {
        final long nonce = helloNonces.get(workerId);
        if (0 != nonce && noncesDrawnNs.containsKey(workerId) && nowNs - noncesDrawnNs.get(workerId) < windowNs)
        {
            return nonce;
        }
        final long fresh = helloNonce(workerId);
        noncesDrawnNs.put(workerId, nowNs);
        return fresh;
    }

    /**
     * Forgets the worker's handshake: the next Hello to it starts a new one (it restarted, or refused this caller).
     */
    public void forget(final int workerId)
    {
        helloNonces.remove(workerId);
        noncesDrawnNs.remove(workerId);
    }

    /**
     * @return the nonce of the latest Hello to the worker; 0 before any, or without a secret.
     */
    public long lastHelloNonce(final int workerId)
    {
        return helloNonces.get(workerId);
    }

    /**
     * Checks a worker's Challenge to the latest Hello. When the worker proved the secret, binds it to the session the
     * Challenge came on and writes this caller's proof, for the Authenticate that answers it.
     *
     * @param workerId    who challenged.
     * @param workerNonce the Challenge's nonce.
     * @param buffer      holding the worker's proof.
     * @param proofOffset of the worker's proof.
     * @param sessionId   the Aeron session the Challenge came on.
     * @param proof       receives this caller's proof at offset 0.
     * @return false when there is no secret here, no Hello to the worker, or the worker did not prove the secret.
     */
    public boolean onChallenge(
        final int workerId, final long workerNonce, final DirectBuffer buffer, final int proofOffset,
        final int sessionId, final MutableDirectBuffer proof)
    {
        final long helloNonce = helloNonces.get(workerId);
        if (null == secret || 0 == helloNonce ||
            !secret.isWorkerProof(callerId, workerId, helloNonce, workerNonce, buffer, proofOffset))
        {
            return false;
        }
        workerSessions.put(workerId, sessionId);
        secret.callerProof(callerId, workerId, helloNonce, workerNonce, proof);
        return true;
    }

    /**
     * @return true when a frame from the worker on {@code sessionId} comes on the session it proved the secret on;
     * always true without a secret.
     */
    public boolean isAuthentic(final int workerId, final int sessionId)
    {
        return null == secret || workerSessions.get(workerId) == sessionId;
    }
}
