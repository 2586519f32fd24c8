package io.shawarma.fabric.grid;

import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.SlotChunkEncoder;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.Placement;
import io.shawarma.fabric.RawPeer;
import io.shawarma.fabric.SharedSecret;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
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
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Grid workers with a shared secret: two fabric workers with the grid's extension on one polling thread. Clients
 * that prove the secret are served; clients with another secret or none, raw senders that skip or fail the handshake
 * and impostors on another session are refused (UNAUTHENTICATED or dropped, counted) while good clients go on being
 * served; a slot streams from worker 1 to worker 2 after the two prove the secret to each other; a SlotChunk from a
 * sender that did not prove it installs nothing, the same chunk from one that did is installed.
 */
class GridWorkerAuthenticationTest
{
    private static final int SLOTS = 16;
    private static final int STREAM_BASE = 1000;
    private static final int MOVING_SLOT = 3;
    private static final int FORGED_SLOT = 5;
    private static final long TIMEOUT_MS = 10_000;
    private static final String SECRET = "the grid's own secret, 32 bytes";

    @TempDir
    static Path temp;
    private static String secret;
    private static String wrongSecret;
    private static Transport transport;
    private static GridNode source;
    private static GridNode target;
    private static final Queue<Runnable> TASKS = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static Thread poller;

    @BeforeAll
    static void start() throws IOException
    {
        secret = secret("grid.secret", SECRET);
        wrongSecret = secret("wrong.secret", "a stranger's guess at the secret");
        transport = Transport.embedded("grid-auth", "sleeping", 1024 * 1024, Throwable::printStackTrace);
        source = new GridNode(1, LoopbackPorts.freeUdpChannel(), SLOTS, transport.aeronDirectoryName(), secret);
        target = new GridNode(2, LoopbackPorts.freeUdpChannel(), SLOTS, transport.aeronDirectoryName(), secret);
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, 1);
        source.agent().onPlacement(1, owners);
        target.agent().onPlacement(1, owners);
        // Each lists the other as a worker peer, as the cluster's moves would: they prove the secret to each other.
        source.agent().onSlotMoves(1, new int[0], new int[0], new long[0], "2@" + target.channel);
        target.agent().onSlotMoves(1, new int[0], new int[0], new long[0], "1@" + source.channel);
        poller = new Thread(GridWorkerAuthenticationTest::poll, "grid-auth-poller");
        poller.start();
    }

    @AfterAll
    static void stop() throws InterruptedException
    {
        RUNNING.set(false);
        poller.join(5_000);
        CloseHelper.quietCloseAll(source, target, transport);
    }

    @Test
    void shouldServeClientsThatProveTheSecretAndRefuseOthers()
    {
        final long vertex = vertexIn(1, 0);
        try (SlotRoutedClient good = client(4_000_001, secret);
            SlotRoutedClient wrong = client(4_000_002, wrongSecret);
            SlotRoutedClient none = client(4_000_003, null))
        {
            assertEquals(Status.OK, good.put(vertex, int64(40), 0, Long.BYTES));
            assertEquals(Status.OK, good.invoke(vertex, Udf.idOf(AddUdf.NAME), int64(2), 0, Long.BYTES, result()));
            assertEquals(42, valueOf(good, vertex));

            assertEquals(Status.UNAUTHENTICATED, wrong.put(vertex, int64(666), 0, Long.BYTES),
                "the worker's proof does not check out with another secret");
            assertEquals(Status.UNAUTHENTICATED, none.put(vertex, int64(666), 0, Long.BYTES),
                "a client without the secret cannot answer the worker's Challenge");

            assertEquals(42, valueOf(good, vertex), "refused clients wrote nothing; good clients are still served");
        }
    }

    @Test
    void shouldAnswerAWriteOnceItsBackupAppliedItOverAuthenticatedLinks()
    {
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, 1);
        final int[] backups = new int[SLOTS];
        Arrays.fill(backups, 2);
        onPoller(() ->
        {
            source.agent().onSlotBackups(1, 1, backups, new long[SLOTS]);
            target.agent().onSlotBackups(1, 1, backups, new long[SLOTS]);
            return null;
        });
        final long vertex = vertexIn(3, 0);
        try (SlotRoutedClient good = client(4_000_031, secret))
        {
            assertEquals(Status.OK, good.put(vertex, int64(11), 0, Long.BYTES));
            assertEquals(Status.OK, good.invoke(vertex, Udf.idOf(AddUdf.NAME), int64(2), 0, Long.BYTES, result()));
            final UnsafeBuffer held = new UnsafeBuffer(0, 0);
            assertEquals(13, (long)onPoller(() -> target.store().view(vertex, held) < 0 ? -1 :
                held.getLong(0, LITTLE_ENDIAN)), "the backup applied both writes before they were answered");
        }
        finally
        {
            Arrays.fill(backups, SlotTable.NO_OWNER);
            onPoller(() ->
            {
                source.agent().onSlotBackups(1, 1, backups, new long[SLOTS]);
                target.agent().onSlotBackups(1, 1, backups, new long[SLOTS]);
                return null;
            });
        }
    }

    @Test
    void shouldRefuseAndCountFramesFromSendersThatDidNotProveTheSecret()
    {
        final long vertex = vertexIn(2, 0);
        try (SlotRoutedClient good = client(4_000_011, secret);
            RawPeer forger = rawPeer(source, 4_000_012, wrongSecret);
            RawPeer silent = rawPeer(source, 4_000_013, null);
            RawPeer impostor = rawPeer(source, 4_000_011, null))
        {
            assertEquals(Status.OK, good.put(vertex, int64(7), 0, Long.BYTES));
            final long failuresBefore = source.worker.counters().authFailures();

            assertFalse(forger.sayHello(), "a wrong proof is not welcomed");
            assertTrue(forger.challenged);
            assertEquals(Status.UNAUTHENTICATED, forger.status);
            forger.expect(5);
            assertTrue(forger.proxy.putVertex(forger.publication, forger.id, 5, 0, vertex, int64(666), 0, Long.BYTES));
            assertTrue(forger.awaitAnswer(), "a sender mid-handshake is answered");
            assertEquals(Status.UNAUTHENTICATED, forger.status);

            // No Hello: no address to answer on. Claiming an authenticated client's id from another session: dropped.
            sendPut(silent, silent.id, vertex);
            sendPut(impostor, impostor.id, vertex);
            TestGrid.await("the refusals counted", TIMEOUT_MS,
                () -> source.worker.counters().authFailures() >= failuresBefore + 3);

            assertEquals(7, valueOf(good, vertex), "nothing refused was written");
        }
    }

    @Test
    void shouldStreamASlotBetweenWorkersThatProveTheSecretToEachOther()
    {
        final ExpandableArrayBuffer values = new ExpandableArrayBuffer(64);
        final int count = 40;
        final long slotsBefore = slotsReceived(target);
        final long verticesBefore = target.agent().counters().migrationCounts()[3];
        onPoller(() ->
        {
            for (int i = 0; i < count; i++)
            {
                values.putLong(0, 1000 + i, LITTLE_ENDIAN);
                source.store().put(vertexIn(MOVING_SLOT, i), values, 0, Long.BYTES);
            }
            source.agent().onSlotMoves(1, new int[]{ MOVING_SLOT }, new int[]{ 2 }, new long[]{ 7 },
                "2@" + target.channel);
            return null;
        });

        TestGrid.await("the slot installed at worker 2", TIMEOUT_MS, () -> slotsReceived(target) > slotsBefore);
        assertEquals(verticesBefore + count, target.agent().counters().migrationCounts()[3], "vertices received");
        for (int i = 0; i < count; i++)
        {
            final long vertex = vertexIn(MOVING_SLOT, i);
            assertEquals(1000 + i,
                onPoller(() -> target.store().get(vertex, values) < 0 ? -1 : values.getLong(0, LITTLE_ENDIAN)),
                "vertex " + vertex);
        }
    }

    @Test
    void shouldInstallNoSlotChunkFromASenderThatDidNotProveTheSecret()
    {
        final long vertex = vertexIn(FORGED_SLOT, 0);
        try (RawPeer stranger = rawPeer(target, 1, null);
            RawPeer member = rawPeer(target, 4_000_021, secret))
        {
            final long failuresBefore = target.worker.counters().authFailures();
            final long receivedBefore = onPoller(() -> slotsReceived(target));
            // Claims to be worker 1, the source of every slot; worker 2 expects no stream, but takes one for a slot it
            // does not own (a move it has not heard of yet), so only authentication stops it.
            awaitConnected(stranger);
            stranger.send(chunk(1, 99, vertex), 0, chunkLength());
            TestGrid.await("the forged chunk refused", TIMEOUT_MS,
                () -> target.worker.counters().authFailures() > failuresBefore);
            assertEquals(receivedBefore, onPoller(() -> slotsReceived(target)));
            assertEquals(-1L, onPoller(() -> target.store().contains(vertex) ? 1L : -1L), "nothing installed");

            // The same stream from a sender that proved the secret is installed: the refusal was the handshake's.
            assertTrue(member.sayHello(), "a member that proves the secret is welcomed");
            member.send(chunk(member.id, 99, vertex), 0, chunkLength());
            TestGrid.await("the member's chunk installed", TIMEOUT_MS,
                () -> onPoller(() -> slotsReceived(target)) > receivedBefore);
            assertEquals(1L, onPoller(() -> target.store().contains(vertex) ? 1L : -1L));
        }
    }

    private static final UnsafeBuffer CHUNK = new UnsafeBuffer(new byte[256]);
    private static final SlotChunkEncoder CHUNK_ENCODER = new SlotChunkEncoder();

    /** A whole one-vertex stream for the vertex's slot, as a source would send it. */
    private static DirectBuffer chunk(final int senderId, final long moveId, final long vertex)
    {
        final UnsafeBuffer entry = new UnsafeBuffer(new byte[Long.BYTES + Integer.BYTES + Long.BYTES]);
        entry.putLong(0, vertex, LITTLE_ENDIAN);
        entry.putInt(Long.BYTES, Long.BYTES, LITTLE_ENDIAN);
        entry.putLong(Long.BYTES + Integer.BYTES, 12345, LITTLE_ENDIAN);
        CHUNK_ENCODER.wrapAndApplyHeader(CHUNK, 0, new MessageHeaderEncoder()).session()
            .senderId(senderId).correlationId(0).epoch(1);
        CHUNK_ENCODER.moveId(moveId).slot(Placement.slotOf(vertex, SLOTS)).sequence(0).last((short)1).vertexCount(1)
            .putVertices(entry, 0, entry.capacity());
        return CHUNK;
    }

    private static int chunkLength()
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + CHUNK_ENCODER.encodedLength();
    }

    private static long slotsReceived(final GridNode node)
    {
        return node.agent().counters().migrationCounts()[2];
    }

    private static void sendPut(final RawPeer peer, final int senderId, final long vertex)
    {
        awaitConnected(peer);
        assertTrue(peer.proxy.putVertex(peer.publication, senderId, 9, 0, vertex, int64(666), 0, Long.BYTES));
    }

    private static void awaitConnected(final RawPeer peer)
    {
        TestGrid.await("a connected publication", TIMEOUT_MS, peer.publication::isConnected);
    }

    private static long valueOf(final SlotRoutedClient client, final long vertex)
    {
        final UnsafeBuffer value = result();
        assertEquals(Status.OK, client.get(vertex, value));
        return value.getLong(0, LITTLE_ENDIAN);
    }

    private static SlotRoutedClient client(final int id, final String clientSecret)
    {
        return SlotRoutedClient.connect(TestGrid.dataClient(transport.aeron(), id,
            "1@" + source.channel + ",2@" + target.channel, TimeUnit.SECONDS.toNanos(5), "sleeping")
            .secretFile(clientSecret), SLOTS);
    }

    private static RawPeer rawPeer(final GridNode node, final int id, final String peerSecret)
    {
        return new RawPeer(transport.aeronDirectoryName(), node.channel, STREAM_BASE, node.id, id,
            null == peerSecret ? null : SharedSecret.load(Path.of(peerSecret), Configuration.SECRET_FILE_PROP));
    }

    /** The {@code index}th vertex id (counting from 0) that falls in the slot. */
    private static long vertexIn(final int slot, final int index)
    {
        int found = 0;
        for (long vertex = 0; ; vertex++)
        {
            if (Placement.slotOf(vertex, SLOTS) == slot && found++ == index)
            {
                return vertex;
            }
        }
    }

    private static UnsafeBuffer int64(final long value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Long.BYTES]);
        buffer.putLong(0, value, LITTLE_ENDIAN);
        return buffer;
    }

    private static UnsafeBuffer result()
    {
        return new UnsafeBuffer(new byte[64]);
    }

    private static String secret(final String name, final String text) throws IOException
    {
        final Path file = Files.createFile(temp.resolve(name),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file.toString();
    }

    /** Runs a task on the polling thread (the single writer of the stores and migrations) and waits for it. */
    private static <T> T onPoller(final Callable<T> task)
    {
        final CompletableFuture<T> done = new CompletableFuture<>();
        TASKS.add(() ->
        {
            try
            {
                done.complete(task.call());
            }
            catch (final Exception ex)
            {
                done.completeExceptionally(ex);
            }
        });
        return done.orTimeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).join();
    }

    private static void poll()
    {
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (RUNNING.get())
        {
            int work = 0;
            for (Runnable task; null != (task = TASKS.poll()); work++)
            {
                task.run();
            }
            work += source.doWork() + target.doWork();
            idle.idle(work);
        }
    }
}
