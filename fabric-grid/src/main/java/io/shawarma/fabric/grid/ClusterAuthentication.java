package io.shawarma.fabric.grid;

import io.aeron.security.Authenticator;
import io.aeron.security.AuthenticatorSupplier;
import io.aeron.security.CredentialsSupplier;
import io.aeron.security.SessionProxy;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.SharedSecret;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The control plane's authentication with the fabric's shared secret ({@link Configuration#SECRET_FILE_PROP}), on
 * Aeron Cluster's challenge-response hooks and with the data plane's proofs ({@link SharedSecret}):
 * <ol>
 *     <li>the client's connect request carries its nonce;</li>
 *     <li>the cluster challenges with its own nonce and its proof over both, so a client never joins a cluster that
 *     does not know the secret;</li>
 *     <li>the client answers with its proof; the cluster authenticates the session, or rejects it.</li>
 * </ol>
 * Proofs name the cluster as id -1, which no worker or client has, so they cannot be replayed on the data plane.
 */
public final class ClusterAuthentication
{
    private static final int CLIENT = 0;
    private static final int CLUSTER = -1;
    private static final int NONCE_LENGTH = Long.BYTES;
    private static final int PROOF_LENGTH = 32;
    private static final byte[] NO_ANSWER = new byte[0];

    private ClusterAuthentication()
    {
    }

    /**
     * @return the secret named by {@link Configuration#SECRET_FILE_PROP}, or null when the grid does not
     * authenticate.
     */
    static SharedSecret configuredSecret()
    {
        final String file = Configuration.string(Configuration.SECRET_FILE_PROP, null);
        return null == file ? null : SharedSecret.load(Path.of(file), Configuration.SECRET_FILE_PROP);
    }

    /**
     * @param secretFile the shared secret's file.
     * @return a supplier of one authenticator per consensus module, each with the secret read afresh.
     */
    static AuthenticatorSupplier authenticators(final Path secretFile)
    {
        return () -> new ClusterAuthenticator(SharedSecret.load(secretFile, Configuration.SECRET_FILE_PROP));
    }

    /**
     * The client side: a nonce in the connect request, then the answer to the cluster's challenge.
     */
    static final class Credentials implements CredentialsSupplier
    {
        private final SharedSecret secret;
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[NONCE_LENGTH + PROOF_LENGTH]);
        private long clientNonce;

        Credentials(final SharedSecret secret)
        {
            this.secret = secret;
        }

        public byte[] encodedCredentials()
        {
            clientNonce = secret.nonce();
            final byte[] credentials = new byte[NONCE_LENGTH];
            new UnsafeBuffer(credentials).putLong(0, clientNonce, LITTLE_ENDIAN);
            return credentials;
        }

        public byte[] onChallenge(final byte[] challenge)
        {
            if (challenge.length != NONCE_LENGTH + PROOF_LENGTH)
            {
                return NO_ANSWER;
            }
            final UnsafeBuffer received = new UnsafeBuffer(challenge);
            final long clusterNonce = received.getLong(0, LITTLE_ENDIAN);
            if (!secret.isWorkerProof(CLIENT, CLUSTER, clientNonce, clusterNonce, received, NONCE_LENGTH))
            {
                // The cluster does not know the secret: an empty answer, which it cannot accept.
                return NO_ANSWER;
            }
            final byte[] answer = new byte[PROOF_LENGTH];
            secret.callerProof(CLIENT, CLUSTER, clientNonce, clusterNonce, new UnsafeBuffer(answer));
            return answer;
        }
    }

    /**
     * The cluster side, on the consensus module's thread.
     */
    static final class ClusterAuthenticator implements Authenticator
    {
        private static final long HANDSHAKE_TIMEOUT_MS = 30_000;

        private final SharedSecret secret;
        private final Long2ObjectHashMap<Handshake> handshakes = new Long2ObjectHashMap<>();
        private final UnsafeBuffer proof = new UnsafeBuffer(new byte[PROOF_LENGTH]);

        ClusterAuthenticator(final SharedSecret secret)
        {
            this.secret = secret;
        }

        public void onConnectRequest(final long sessionId, final byte[] encodedCredentials, final long nowMs)
        {
            handshakes.values().removeIf((handshake) -> nowMs - handshake.startedMs > HANDSHAKE_TIMEOUT_MS);
            final Handshake handshake = new Handshake(nowMs);
            if (encodedCredentials.length == NONCE_LENGTH)
            {
                handshake.clientNonce = new UnsafeBuffer(encodedCredentials).getLong(0, LITTLE_ENDIAN);
                handshake.clusterNonce = secret.nonce();
            }
            handshakes.put(sessionId, handshake);
        }

        public void onConnectedSession(final SessionProxy sessionProxy, final long nowMs)
        {
            final Handshake handshake = handshakes.get(sessionProxy.sessionId());
            if (null == handshake || 0 == handshake.clusterNonce)
            {
                reject(sessionProxy);
                return;
            }
            final byte[] challenge = new byte[NONCE_LENGTH + PROOF_LENGTH];
            final UnsafeBuffer buffer = new UnsafeBuffer(challenge);
            buffer.putLong(0, handshake.clusterNonce, LITTLE_ENDIAN);
            secret.workerProof(CLIENT, CLUSTER, handshake.clientNonce, handshake.clusterNonce, proof);
            buffer.putBytes(NONCE_LENGTH, proof, 0, PROOF_LENGTH);
            sessionProxy.challenge(challenge);
        }

        public void onChallengeResponse(final long sessionId, final byte[] encodedCredentials, final long nowMs)
        {
            final Handshake handshake = handshakes.get(sessionId);
            if (null != handshake)
            {
                handshake.proven = encodedCredentials.length == PROOF_LENGTH && secret.isCallerProof(
                    CLIENT, CLUSTER, handshake.clientNonce, handshake.clusterNonce,
                    new UnsafeBuffer(encodedCredentials), 0);
                handshake.answered = true;
            }
        }

        public void onChallengedSession(final SessionProxy sessionProxy, final long nowMs)
        {
            final Handshake handshake = handshakes.get(sessionProxy.sessionId());
            if (null == handshake)
            {
                reject(sessionProxy);
            }
            else if (handshake.answered)
            {
                if (handshake.proven && sessionProxy.authenticate(null))
                {
                    handshakes.remove(sessionProxy.sessionId());
                }
                else if (!handshake.proven)
                {
                    reject(sessionProxy);
                }
            }
        }

        private void reject(final SessionProxy sessionProxy)
        {
            handshakes.remove(sessionProxy.sessionId());
            sessionProxy.reject();
        }

        /**
         * @return handshakes under way (bounded: older than 30 s are dropped).
         */
        int handshakesInProgress()
        {
            return handshakes.size();
        }
    }

    private static final class Handshake
    {
        final long startedMs;
        long clientNonce;
        long clusterNonce;
        boolean answered;
        boolean proven;

        Handshake(final long startedMs)
        {
            this.startedMs = startedMs;
        }
    }
}
