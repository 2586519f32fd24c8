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

    Peer(final int id, final boolean isWorker, final String channel, final int streamId, final Publication publication)
    {
        this.id = id;
        this.isWorker = isWorker;
        this.channel = channel;
        this.streamId = streamId;
        this.publication = publication;
    }

    boolean isConnected()
    {
        return publication.isConnected();
    }
}
