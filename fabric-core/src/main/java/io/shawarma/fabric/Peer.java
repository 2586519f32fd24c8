package io.shawarma.fabric;

import io.aeron.Publication;

/**
 * Another participant a worker talks to: a fabric worker (known from configuration) or a client (known from its
 * Hello), with the publication that reaches it.
 */
final class Peer
{
    final int id;
    final boolean isWorker;
    final String channel;
    final int streamId;
    final Publication publication;
    long helloToAnswer;
    boolean helloSent;
    long lastHeardNs;

    // Authentication, used only when the fabric has a shared secret.
    boolean authenticated;
    int sessionId;
    long helloNonce;
    long challengeNonce;
    int challengeSessionId;
    long handshakeDeadlineNs;
    long ownHelloNonce;
    // A worker peer answered our Hello handshake: it takes our calls.
    volatile boolean welcomed;

    Peer(final int id, final boolean isWorker, final String channel, final int streamId, final Publication publication)
    {
        this.id = id;
        this.isWorker = isWorker;
        this.channel = channel;
        this.streamId = streamId;
        this.publication = publication;
    }

    /**
     * Opens a handshake for its latest Hello: the Challenge to answer it with carries {@code challengeNonce}.
     */
    void openHandshake(final long helloNonce, final long challengeNonce, final int sessionId, final long deadlineNs)
    {
        this.helloNonce = helloNonce;
        this.challengeNonce = challengeNonce;
        this.challengeSessionId = sessionId;
        this.handshakeDeadlineNs = deadlineNs;
    }

    /**
     * The handshake succeeded: frames on {@code sessionId} are its own from now on.
     */
    void authenticate(final int sessionId)
    {
        this.authenticated = true;
        this.sessionId = sessionId;
        this.challengeNonce = 0;
    }

    boolean isConnected()
    {
        return publication.isConnected();
    }
}
