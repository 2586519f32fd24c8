package io.shawarma.fabric;

import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static io.shawarma.fabric.Configuration.SECRET_FILE_PROP;
import static io.shawarma.fabric.TestFabric.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peer authentication with a shared secret: members that prove it are served, across workers too; everyone else
 * is refused with a clear error or status, counted, and never served; the secret appears in no message.
 */
class AuthenticationTest
{
    private static final String SECRET = "correct horse battery staple 42";
    private static final String WRONG_SECRET = "incorrect horse battery staple 7";
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int READ = Udf.idOf(ReadUdf.NAME);

    @TempDir
    static Path temp;

    private static String secretFile;
    private static TestFabric fabric;

    @BeforeAll
    static void start() throws IOException
    {
        secretFile = secretFile("fabric.secret", SECRET);
        fabric = new TestFabric(2, secretFile);
        awaitFabricConnected(fabric);
    }

    @AfterAll
    static void stop()
    {
        fabric.close();
    }

    @Test
    void shouldServeMembersThatProveTheSecretIncludingForwardedCalls()
    {
        final long vertexId = fabric.vertexOwnedBy(2);
        try (FabricClient client = fabric.client())
        {
            TestFabric.putCounter(client, vertexId, 10);
            final UnsafeBuffer result = new UnsafeBuffer(new byte[Long.BYTES]);
            // Sent to worker 1, which forwards it to the owner over its own authenticated session.
            assertEquals(Status.OK, client.invokeVia(1, vertexId, ADD, int64(5), 0, Long.BYTES, result));
            assertEquals(15, result.getLong(0, LITTLE_ENDIAN));
        }
    }

    @Test
    void shouldRefuseClientWithoutTheSecret()
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> fabric.client(null));
        assertTrue(ex.getMessage().contains("requires authentication") && ex.getMessage().contains(SECRET_FILE_PROP),
            ex.getMessage());
    }

    @Test
    void shouldRefuseClientWithAnotherSecret() throws IOException
    {
        final String wrong = secretFile("wrong.secret", WRONG_SECRET);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> fabric.client(wrong));
        assertTrue(ex.getMessage().contains("did not prove the shared secret"), ex.getMessage());
        assertNoSecretIn(ex.getMessage());
    }

    @Test
    void shouldRefuseSecretClientOfAFabricThatDoesNotAuthenticate()
    {
        try (TestFabric open = new TestFabric(1))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> open.client(secretFile));
            assertTrue(ex.getMessage().contains("answered without authenticating"), ex.getMessage());
        }
    }

    @Test
    void shouldAnswerUnauthenticatedToCallsBeforeTheHandshakeCompletes()
    {
        final Worker worker = fabric.worker(1);
        try (RawPeer peer = new RawPeer(worker, 2_000_101))
        {
            assertFalse(peer.sayHello());
            assertTrue(peer.challenged, "a Hello is answered with a Challenge");
            final long before = worker.counters().authFailures.get();
            peer.invoke(peer.id, 5, fabric.vertexOwnedBy(1), ADD, 1);
            assertTrue(peer.awaitAnswer());
            assertEquals(Status.UNAUTHENTICATED, peer.status);
            assertEquals(before + 1, worker.counters().authFailures.get());
        }
    }

    @Test
    void shouldRefuseAForgedProof()
    {
        final Worker worker = fabric.worker(1);
        final long before = worker.counters().authFailures.get();
        try (RawPeer forger = new RawPeer(worker, 2_000_102, load(secretFileUnchecked("forged.secret", WRONG_SECRET))))
        {
            assertFalse(forger.sayHello());
            assertEquals(Status.UNAUTHENTICATED, forger.status);
            assertEquals(before + 1, worker.counters().authFailures.get());
        }
    }

    @Test
    void shouldDropFramesClaimingAnAuthenticatedPeerFromAnotherSession()
    {
        final Worker worker = fabric.worker(1);
        final long vertexId = fabric.vertexOwnedBy(1);
        try (FabricClient client = fabric.client();
            RawPeer member = new RawPeer(worker, 2_000_103, load(secretFile));
            RawPeer impostor = new RawPeer(worker, 2_000_104))
        {
            TestFabric.putCounter(client, vertexId, 100);
            assertTrue(member.sayHello(), "a member that proves the secret is welcomed");
            final long before = worker.counters().authFailures.get();

            impostor.invoke(member.id, 7, vertexId, ADD, 1_000);
            member.invoke(member.id, 8, vertexId, ADD, 1);
            assertTrue(member.awaitAnswer());
            assertEquals(Status.OK, member.status);
            assertEquals(101, member.result.getLong(0, LITTLE_ENDIAN), "the impostor's call was not applied");
            // The impostor's frame comes on its own session: the worker may take it after the member's call.
            Tests.await(() -> before + 1 == worker.counters().authFailures.get(), Tests.DEFAULT_TIMEOUT_NS,
                () -> "auth failures " + worker.counters().authFailures.get() + ", expected " + (before + 1));
        }
    }

    @Test
    void shouldAuthenticateARestartedWorkerAgainAndServeCallsBothWays()
    {
        try (TestFabric restarting = new TestFabric(2, secretFile))
        {
            awaitFabricConnected(restarting);
            final long onOne = restarting.vertexOwnedBy(1);
            final long onTwo = restarting.vertexOwnedBy(2);
            final UnsafeBuffer result = new UnsafeBuffer(new byte[Long.BYTES]);
            try (FabricClient client = restarting.client())
            {
                TestFabric.putCounter(client, onTwo, 10);
                assertEquals(Status.OK, client.invokeVia(1, onTwo, ADD, int64(1), 0, Long.BYTES, result));
            }

            // Same id and channel, new Aeron sessions and an empty store: it must prove the secret again, and worker
            // 1 must prove it to the newcomer before its forwarded calls are served there.
            restarting.restart(2);
            awaitFabricConnected(restarting);
            try (FabricClient client = restarting.client())
            {
                TestFabric.putCounter(client, onTwo, 20);
                TestFabric.putCounter(client, onOne, 5);
                awaitServedVia(client, 1, onTwo);
                awaitServedVia(client, 2, onOne);
                assertEquals(Status.OK, client.invokeVia(1, onTwo, ADD, int64(1), 0, Long.BYTES, result));
                assertEquals(21, result.getLong(0, LITTLE_ENDIAN), "forwarded by worker 1 to the restarted worker 2");
                assertEquals(Status.OK, client.invokeVia(2, onOne, ADD, int64(2), 0, Long.BYTES, result));
                assertEquals(7, result.getLong(0, LITTLE_ENDIAN), "forwarded by the restarted worker 2 to worker 1");
            }
        }
    }

    @Test
    void shouldRefuseTheOldSessionOfAPeerThatAuthenticatedAgain()
    {
        final Worker worker = fabric.worker(1);
        final long vertexId = fabric.vertexOwnedBy(1);
        try (FabricClient client = fabric.client();
            RawPeer old = new RawPeer(worker, 2_000_105, load(secretFile));
            RawPeer restarted = new RawPeer(worker, 2_000_105, load(secretFile)))
        {
            TestFabric.putCounter(client, vertexId, 200);
            assertTrue(old.sayHello(), "welcomed on its first session");
            old.invoke(old.id, 1, vertexId, ADD, 1);
            assertTrue(old.awaitAnswer());
            assertEquals(Status.OK, old.status);

            assertTrue(restarted.sayHello(), "welcomed again on a new session, having proved the secret again");
            final long before = worker.counters().authFailures.get();
            old.invoke(old.id, 2, vertexId, ADD, 1_000);
            restarted.invoke(restarted.id, 3, vertexId, ADD, 1);
            assertTrue(restarted.awaitAnswer());
            assertEquals(Status.OK, restarted.status);
            Tests.await(() -> worker.counters().authFailures.get() != before,
                "the old session's call to be counted as refused");
            assertEquals(before + 1, worker.counters().authFailures.get());
            final UnsafeBuffer value = new UnsafeBuffer(new byte[Long.BYTES]);
            assertEquals(Status.OK, client.get(vertexId, value));
            assertEquals(202, value.getLong(0, LITTLE_ENDIAN), "the old session's call was not applied");
        }
    }

    @Test
    void shouldRefuseUnsafeOrShortSecretFilesWithoutShowingThem() throws IOException
    {
        final Path open = temp.resolve("open.secret");
        Files.writeString(open, SECRET);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        final IllegalArgumentException unsafe = assertThrows(
            IllegalArgumentException.class, () -> SharedSecret.load(open, SECRET_FILE_PROP));
        assertTrue(unsafe.getMessage().contains("chmod 600"), unsafe.getMessage());

        final String shortSecret = secretFile("short.secret", "tiny secret\n");
        final IllegalArgumentException tooShort = assertThrows(
            IllegalArgumentException.class, () -> SharedSecret.load(Path.of(shortSecret), SECRET_FILE_PROP));
        assertTrue(tooShort.getMessage().contains("shorter than"), tooShort.getMessage());
        assertFalse(tooShort.getMessage().contains("tiny secret"));
        assertNoSecretIn(String.valueOf(load(secretFile)));
    }

    private static void awaitFabricConnected(final TestFabric fabric)
    {
        Tests.await(() -> fabric.worker(1).isFabricConnected() && fabric.worker(2).isFabricConnected(),
            "workers to authenticate each other");
    }

    /**
     * Waits until a read of a vertex through a worker (forwarded to its owner) is served: the two have authenticated
     * each other. A read changes nothing, so a timed-out one may simply be sent again.
     */
    private static void awaitServedVia(final FabricClient client, final int entryWorkerId, final long vertexId)
    {
        final UnsafeBuffer result = new UnsafeBuffer(new byte[Long.BYTES]);
        final Status[] status = new Status[1];
        Tests.await(() -> Status.OK == (status[0] = client.invokeVia(entryWorkerId, vertexId, READ, result, 0, 0,
            result)), Tests.DEFAULT_TIMEOUT_NS, () -> "a read served through worker " + entryWorkerId + ", last " +
            status[0]);
    }

    private static String secretFile(final String name, final String secret) throws IOException
    {
        final Path file = temp.resolve(name);
        Files.writeString(file, secret, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file.toString();
    }

    private static String secretFileUnchecked(final String name, final String secret)
    {
        try
        {
            return secretFile(name, secret);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static SharedSecret load(final String file)
    {
        return SharedSecret.load(Path.of(file), SECRET_FILE_PROP);
    }

    private static void assertNoSecretIn(final String text)
    {
        assertFalse(text.contains(SECRET) || text.contains(WRONG_SECRET), text);
    }
}
