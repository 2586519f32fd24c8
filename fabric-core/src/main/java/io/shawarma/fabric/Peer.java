package io.shawarma.fabric;

import io.aeron.Publication;

/**
 * Another participant a worker talks to: a fabric worker (known from configuration) or a client (known from its
 * Hello), with the publication that reaches it and, with a shared secret, its handshake ({@link Handshake}).
 */
final class Peer extends Handshake
{
    final boolean isWorker;
    final String channel;
    final int streamId;
    final Publication publication;
    long helloToAnswer;
    boolean helloSent;
    long helloSentNs;
    long lastHeardNs;

    // Our own Hello to a worker peer, when the fabric has a shared secret.
    long ownHelloNonce;
    // A worker peer answered our Hello handshake: it takes our calls.
    volatile boolean welcomed;

    Peer(final int id, final boolean isWorker, final String channel, final int streamId, final Publication publication)
    {
        super(id);
        this.isWorker = isWorker;
        this.channel = channel;
        this.streamId = streamId;
        this.publication = publication;
    }

    /**
     * @param retryNs how long a Hello with a shared secret may go unanswered: a frame of its handshake was lost (an
     *                offer refused, a peer that dropped us when it expired), and without another Hello the two would
     *                never accept each other's frames.
     * @return whether to say Hello to this worker: not said yet, or unanswered for longer than {@code retryNs}.
     */
    boolean isHelloDue(final long nowNs, final long retryNs)
    {
        return isWorker && (!helloSent || 0 != ownHelloNonce && !welcomed && nowNs - helloSentNs > retryNs);
    }

    void helloSent(final long nowNs, final boolean sent)
    {
        helloSent = sent;
        helloSentNs = nowNs;
    }

    boolean isConnected()
    {
        return publication.isConnected();
    }
}
