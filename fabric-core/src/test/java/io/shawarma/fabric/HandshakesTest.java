package io.shawarma.fabric;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Both sides of the Hello handshake's bookkeeping, without a wire: a caller and a worker that share the secret
 * prove it to each other and bind to the Challenge's and the Hello's sessions; proofs on another session, for
 * another handshake or made with another secret fail; pending handshakes are bounded and expire.
 */
class HandshakesTest
{
    private static final int WORKER = 1;
    private static final int CALLER = 2_000_001;
    private static final long TIMEOUT_NS = 1_000;

    @TempDir
    Path temp;

    @Test
    void shouldAuthenticateBothSidesOnTheirSessionsOnly() throws IOException
    {
        // Each side loads the secret itself (a SharedSecret is one per thread).
        final Handshakes<Handshake> worker = new Handshakes<>(secret("the same secret for both"), WORKER, TIMEOUT_NS);
        final CallerHandshakes caller = new CallerHandshakes(secret("the same secret for both"), CALLER);
        final Handshake peer = new Handshake(CALLER);
        worker.addPending(peer);

        worker.open(peer, caller.helloNonce(WORKER), 10, 0);
        final UnsafeBuffer workerProof = proof();
        worker.challengeProof(peer, workerProof);
        final UnsafeBuffer callerProof = proof();
        assertTrue(caller.onChallenge(WORKER, worker.challengeNonce(peer), workerProof, 0, 20, callerProof));
        assertTrue(caller.isAuthentic(WORKER, 20));
        assertFalse(caller.isAuthentic(WORKER, 21), "the worker's frames must come on its Challenge's session");

        assertFalse(worker.prove(peer, 11, callerProof, 0), "an Authenticate on another session than the Hello's");
        assertTrue(worker.prove(peer, 10, callerProof, 0));
        assertTrue(worker.isAuthentic(peer, 10));
        assertFalse(worker.isAuthentic(peer, 11));
        assertFalse(worker.prove(peer, 10, callerProof, 0), "a proof is good for one handshake only");
    }

    @Test
    void shouldAnswerARepeatedHelloWithTheSameChallengeAndANewOneWithANewChallenge() throws IOException
    {
        final Handshakes<Handshake> worker = new Handshakes<>(secret("the same secret for both"), WORKER, TIMEOUT_NS);
        final CallerHandshakes caller = new CallerHandshakes(secret("the same secret for both"), CALLER);
        final Handshake peer = new Handshake(CALLER);
        final long first = caller.helloNonce(WORKER, 0, 100);
        worker.open(peer, first, 10, 0);
        final long challenge = worker.challengeNonce(peer);

        assertEquals(first, caller.helloNonce(WORKER, 99, 100), "repeated within the window");
        worker.open(peer, first, 10, 99);
        assertEquals(challenge, worker.challengeNonce(peer), "a slow answer to the first copy still counts");
        worker.open(peer, first, 11, 99);
        assertNotEquals(challenge, worker.challengeNonce(peer), "the same nonce from another session starts anew");

        final long second = caller.helloNonce(WORKER, 100, 100);
        assertNotEquals(first, second, "a fresh nonce once the window has passed");
        caller.forget(WORKER);
        assertNotEquals(second, caller.helloNonce(WORKER, 101, 100), "a fresh nonce after forgetting the worker");
    }

    @Test
    void shouldRefuseProofsMadeWithAnotherSecret() throws IOException
    {
        final Handshakes<Handshake> worker = new Handshakes<>(secret("the worker's own secret"), WORKER, TIMEOUT_NS);
        final CallerHandshakes caller = new CallerHandshakes(secret("a stranger's other secret"), CALLER);
        final Handshake peer = new Handshake(CALLER);

        worker.open(peer, caller.helloNonce(WORKER), 10, 0);
        final UnsafeBuffer workerProof = proof();
        worker.challengeProof(peer, workerProof);
        final UnsafeBuffer callerProof = proof();
        assertFalse(caller.onChallenge(WORKER, worker.challengeNonce(peer), workerProof, 0, 20, callerProof),
            "the caller does not take the worker's proof");
        assertFalse(caller.isAuthentic(WORKER, 20));
        assertFalse(worker.prove(peer, 10, callerProof, 0));
        assertFalse(worker.isAuthentic(peer, 10));
    }

    @Test
    void shouldBoundAndExpirePendingHandshakes() throws IOException
    {
        final Handshakes<Handshake> worker = new Handshakes<>(secret("the same secret for both"), WORKER, TIMEOUT_NS);
        for (int id = 0; id < Handshakes.MAX_PENDING; id++)
        {
            final Handshake peer = new Handshake(CALLER + id);
            worker.addPending(peer);
            worker.open(peer, 1, 10, id < 10 ? 0 : 500);
        }
        assertTrue(worker.isFull());

        final List<Handshake> dropped = new ArrayList<>();
        assertEquals(0, worker.expire(TIMEOUT_NS, dropped::add), "none past its deadline yet");
        assertEquals(10, worker.expire(TIMEOUT_NS + 1, dropped::add));
        assertEquals(10, dropped.size());
        assertNull(worker.pending(CALLER));
        assertFalse(worker.isFull());
        assertEquals(Handshakes.MAX_PENDING - 10, worker.pendingCount());
    }

    @Test
    void shouldTakeEveryFrameWithoutASecret()
    {
        final Handshakes<Handshake> worker = new Handshakes<>(null, WORKER, TIMEOUT_NS);
        final CallerHandshakes caller = new CallerHandshakes(null, CALLER);
        assertTrue(worker.isAuthentic(null, 10));
        assertTrue(caller.isAuthentic(WORKER, 10));
        assertEquals(0, caller.helloNonce(WORKER), "no nonce on the wire");
        assertFalse(worker.prove(new Handshake(CALLER), 10, proof(), 0));
    }

    private SharedSecret secret(final String text) throws IOException
    {
        final Path file = Files.createTempFile(temp, "handshake", ".secret",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return SharedSecret.load(file, Configuration.SECRET_FILE_PROP);
    }

    private static UnsafeBuffer proof()
    {
        return new UnsafeBuffer(new byte[32]);
    }
}
