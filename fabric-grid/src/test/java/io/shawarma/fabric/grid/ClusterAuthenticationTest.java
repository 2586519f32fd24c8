package io.shawarma.fabric.grid;

import io.aeron.security.SessionProxy;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.SharedSecret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control plane's challenge-response, driven the way Aeron Cluster's consensus module drives it: a client with
 * the secret is authenticated; one with another secret, garbage credentials or no answer is not.
 */
class ClusterAuthenticationTest
{
    private static final long SESSION = 42;

    @TempDir
    Path temp;

    @Test
    void shouldAuthenticateAClientThatKnowsTheSecret() throws IOException
    {
        final FakeSession session = handshake(secret("same secret for everyone"), secret("same secret for everyone"));
        assertTrue(session.authenticated);
        assertFalse(session.rejected);
    }

    @Test
    void shouldRejectAClientWithAnotherSecret() throws IOException
    {
        final FakeSession session = handshake(secret("the cluster's secret 1234"), secret("someone else's secret 99"));
        assertFalse(session.authenticated);
        assertTrue(session.rejected);
    }

    @Test
    void shouldRejectGarbageCredentials() throws IOException
    {
        final ClusterAuthentication.ClusterAuthenticator cluster =
            new ClusterAuthentication.ClusterAuthenticator(secret("the cluster's secret 1234"));
        final FakeSession session = new FakeSession();
        cluster.onConnectRequest(SESSION, new byte[]{1, 2, 3}, 0);
        cluster.onConnectedSession(session, 0);
        assertTrue(session.rejected);
        assertEquals(0, cluster.handshakesInProgress());
    }

    @Test
    void shouldDropHandshakesThatAreNeverAnswered() throws IOException
    {
        final ClusterAuthentication.ClusterAuthenticator cluster =
            new ClusterAuthentication.ClusterAuthenticator(secret("the cluster's secret 1234"));
        final ClusterAuthentication.Credentials client = new ClusterAuthentication.Credentials(
            secret("the cluster's secret 1234"));
        cluster.onConnectRequest(SESSION, client.encodedCredentials(), 0);
        cluster.onConnectedSession(new FakeSession(), 0);
        assertEquals(1, cluster.handshakesInProgress());
        cluster.onConnectRequest(SESSION + 1, client.encodedCredentials(), 60_000);
        assertEquals(1, cluster.handshakesInProgress(), "the unanswered one expired");
    }

    private static FakeSession handshake(final SharedSecret clusterSecret, final SharedSecret clientSecret)
    {
        final ClusterAuthentication.ClusterAuthenticator cluster =
            new ClusterAuthentication.ClusterAuthenticator(clusterSecret);
        final ClusterAuthentication.Credentials client = new ClusterAuthentication.Credentials(clientSecret);
        final FakeSession session = new FakeSession();
        cluster.onConnectRequest(SESSION, client.encodedCredentials(), 0);
        cluster.onConnectedSession(session, 0);
        assertTrue(null != session.challenge, "the cluster challenges");
        cluster.onChallengeResponse(SESSION, client.onChallenge(session.challenge), 1);
        cluster.onChallengedSession(session, 1);
        return session;
    }

    private SharedSecret secret(final String text) throws IOException
    {
        final Path file = Files.createTempFile(temp, "grid", ".secret",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
        return SharedSecret.load(file, Configuration.SECRET_FILE_PROP);
    }

    private static final class FakeSession implements SessionProxy
    {
        byte[] challenge;
        boolean authenticated;
        boolean rejected;

        public long sessionId()
        {
            return SESSION;
        }

        public boolean challenge(final byte[] encodedChallenge)
        {
            challenge = encodedChallenge;
            return true;
        }

        public boolean authenticate(final byte[] encodedPrincipal)
        {
            authenticated = true;
            return true;
        }

        public void reject()
        {
            rejected = true;
        }
    }
}
