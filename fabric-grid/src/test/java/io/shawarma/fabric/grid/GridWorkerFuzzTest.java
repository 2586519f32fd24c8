package io.shawarma.fabric.grid;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.shawarma.fabric.WorkerFrames;
import io.shawarma.messaging.Transport;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzz target for a grid worker with a shared secret (a fabric worker with the grid's extension): any bytes, as a
 * frame on one Aeron session (Hello, Authenticate, calls, SlotChunk streams for slots it does not own, ...), are
 * decoded and answered or counted, never thrown; and since no sender can prove the secret without it, nothing reaches
 * the worker's store: no call is served and no slot stream is installed. Runs over the committed seed corpus in every
 * build; {@code scripts/shawarma fuzz --target grid-data} fuzzes it.
 */
class GridWorkerFuzzTest
{
    private static final int SLOTS = 16;
    private static final int SESSION_ID = 42;
    private static final Header HEADER = new Header(0, 16);
    private static Transport transport;
    private static GridNode node;

    @BeforeAll
    static void start() throws IOException
    {
        final Path dir = Files.createDirectories(Path.of("target", "grid-data-fuzz"));
        final Path secretFile = dir.resolve("grid.secret");
        Files.deleteIfExists(secretFile);
        Files.createFile(
            secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secretFile, "the fuzzed grid's secret, unguessable", StandardCharsets.US_ASCII);

        transport = Transport.embedded("grid-data-fuzz", "sleeping", 1 << 16, Throwable::printStackTrace);
        node = new GridNode(1, "aeron:ipc", SLOTS, transport.aeronDirectoryName(), secretFile.toString());
        // Worker 1 owns the first half of the slots: calls there would be served, streams for the rest installed.
        final int[] owners = new int[SLOTS];
        Arrays.fill(owners, 0, SLOTS / 2, 1);
        Arrays.fill(owners, SLOTS / 2, SLOTS, 2);
        node.agent().onPlacement(1, owners);

        final UnsafeBuffer frameHeader = new UnsafeBuffer(new byte[DataHeaderFlyweight.HEADER_LENGTH]);
        frameHeader.putInt(DataHeaderFlyweight.SESSION_ID_FIELD_OFFSET, SESSION_ID, LITTLE_ENDIAN);
        HEADER.buffer(frameHeader);
        HEADER.offset(0);
    }

    @AfterAll
    static void stop()
    {
        CloseHelper.quietCloseAll(node, transport);
    }

    @FuzzTest
    void frames(final byte[] frame)
    {
        WorkerFrames.onFragment(node.worker, new UnsafeBuffer(frame), 0, frame.length, HEADER);
        node.doWork();
        assertEquals(0, node.store().size(), "nothing from a sender that did not prove the secret reaches the store");
    }
}
