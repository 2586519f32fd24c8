package io.shawarma.fabric;

/**
 * One peer's Hello handshake as the side that answers Hello keeps it, when the fabric has a shared secret: the
 * Hello's nonce, the Challenge's nonce and the Aeron session the handshake runs on, its deadline, and, once the peer
 * proved the secret, the session its frames must come on. Driven by {@link Handshakes}; a participant's record of a
 * peer (its address, its publication) extends it.
 */
public class Handshake
{
    /** The peer's id, as it names itself in every frame. */
    public final int id;

    boolean authenticated;
    int sessionId;
    long helloNonce;
    long challengeNonce;
    int challengeSessionId;
    long handshakeDeadlineNs;

    /**
     * @param id the peer's id.
     */
    public Handshake(final int id)
    {
        this.id = id;
    }

    /**
     * @param sessionId the Aeron session a frame came on.
     * @return true when the peer proved the secret and the frame came on the session it proved it on.
     */
    public boolean isAuthenticOn(final int sessionId)
    {
        return authenticated && this.sessionId == sessionId;
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
}
