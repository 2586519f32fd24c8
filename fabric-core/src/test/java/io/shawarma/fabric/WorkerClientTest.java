package io.shawarma.fabric;

import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.shawarma.fabric.TestFabric.int64;
import static io.shawarma.fabric.TestFabric.putCounter;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerClientTest
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int READ = Udf.idOf(ReadUdf.NAME);

    private static TestFabric fabric;
    private static FabricClient client;
    private final UnsafeBuffer result = new UnsafeBuffer(new byte[64 * 1024]);

    @BeforeAll
    static void start()
    {
        fabric = new TestFabric(2);
        client = fabric.client();
    }

    @AfterAll
    static void stop()
    {
        client.close();
        fabric.close();
    }

    @Test
    void shouldAddToCountersOnTheirOwners()
    {
        for (long vertexId = 100; vertexId < 120; vertexId++)
        {
            putCounter(client, vertexId, 10);
            assertEquals(Status.OK, client.invoke(vertexId, ADD, int64(5), 0, 8, result));
            assertEquals(15, result.getLong(0, LITTLE_ENDIAN));
            assertEquals(Status.OK, client.get(vertexId, result));
            assertEquals(8, client.resultLength());
            assertEquals(15, result.getLong(0, LITTLE_ENDIAN));
        }
    }

    @Test
    void shouldCountMessageBytesBothWays()
    {
        final long vertexId = 300;
        putCounter(client, vertexId, 0);
        final WorkerCounters counters = fabric.worker(client.placement().ownerOf(vertexId)).counters();
        final long receivedBefore = counters.bytesReceived.get();
        final long sentBefore = counters.bytesSent.get();

        assertEquals(Status.OK, client.invoke(vertexId, ADD, int64(1), 0, 8, result));
        Tests.await(() -> counters.bytesReceived.get() != receivedBefore && counters.bytesSent.get() != sentBefore,
            "both byte counters to move");
    }

    @Test
    void shouldForwardToOwnerWhenSentToAnotherWorker()
    {
        final long vertexId = 200;
        putCounter(client, vertexId, 1);
        final int owner = client.placement().ownerOf(vertexId);
        final int other = owner == 1 ? 2 : 1;
        final long forwardedBefore = fabric.worker(other).counters().invokesForwarded.get();

        assertEquals(Status.OK, client.invokeVia(other, vertexId, ADD, int64(2), 0, 8, result));
        assertEquals(3, result.getLong(0, LITTLE_ENDIAN));
        assertEquals(forwardedBefore + 1, fabric.worker(other).counters().invokesForwarded.get());
    }

    @Test
    void shouldAnswerMovedWithOwnerWhenCalledDirectlyAtNonOwner()
    {
        final long vertexId = 300;
        putCounter(client, vertexId, 1);
        final int owner = client.placement().ownerOf(vertexId);
        final int other = owner == 1 ? 2 : 1;

        assertEquals(Status.MOVED, client.invokeAt(other, vertexId, READ, result, 0, 0, result));
        assertEquals(owner, client.lastOwnerId());
    }

    @Test
    void shouldReturnNoSuchVertexForUnknownId()
    {
        assertEquals(Status.NO_SUCH_VERTEX, client.invoke(987_654_321L, READ, result, 0, 0, result));
        assertEquals(Status.NO_SUCH_VERTEX, client.get(987_654_321L, result));
    }

    @Test
    void shouldReturnNoSuchUdfForUnknownName()
    {
        putCounter(client, 400, 1);
        assertEquals(Status.NO_SUCH_UDF, client.invoke(400, Udf.idOf("no-such-udf"), result, 0, 0, result));
    }

    @Test
    void shouldReturnUdfFailedAndKeepValueWhenUdfThrows()
    {
        putCounter(client, 500, 42);
        assertEquals(Status.UDF_FAILED, client.invoke(500, Udf.idOf(ThrowingUdf.NAME), result, 0, 0, result));
        final String text = result.getStringWithoutLengthUtf8(0, client.resultLength());
        assertTrue(text.contains("thrown on purpose"), text);

        assertEquals(Status.OK, client.get(500, result));
        assertEquals(42, result.getLong(0, LITTLE_ENDIAN));
    }

    @Test
    void shouldReturnUdfFailedForShortArgs()
    {
        putCounter(client, 600, 1);
        assertEquals(Status.UDF_FAILED, client.invoke(600, ADD, int64(1), 0, 3, result));
        assertEquals(Status.OK, client.invoke(600, ADD, int64(1), 0, 8, result));
        assertEquals(2, result.getLong(0, LITTLE_ENDIAN));
    }

    @Test
    void shouldReturnMalformedForValueLargerThanStoreMax()
    {
        final UnsafeBuffer big = new UnsafeBuffer(new byte[8192]);
        assertEquals(Status.MALFORMED, client.put(700, big, 0, big.capacity()));
        final String text = client.putResult().getStringWithoutLengthAscii(0, client.resultLength());
        assertTrue(text.contains("shawarma.store.value.max.bytes=4096"), text);
        assertEquals(Status.NO_SUCH_VERTEX, client.get(700, result));
    }

    @Test
    void shouldAnswerStoreFullNamingTheLimitWhenTheOwnersStoreIsFull()
    {
        try (TestFabric small = new TestFabric(1,
            context -> context.store("chronicle").storeEntries(10).storeValueAverageBytes(8));
            FabricClient smallClient = small.client())
        {
            Status status = Status.OK;
            long vertexId = 0;
            while (Status.OK == status && vertexId < 100_000)
            {
                status = smallClient.put(vertexId, int64(vertexId), 0, Long.BYTES);
                vertexId += Status.OK == status ? 1 : 0;
            }

            assertEquals(Status.STORE_FULL, status, "after " + vertexId + " puts");
            final String text = smallClient.putResult().getStringWithoutLengthAscii(0, smallClient.resultLength());
            assertTrue(text.contains("is full") && text.contains("shawarma.store.entries=10"), text);
            assertEquals(Status.NO_SUCH_VERTEX, smallClient.get(vertexId, result));
            assertEquals(1, small.worker(1).counters().results(Status.STORE_FULL));
        }
    }

    @Test
    void shouldRoundTripValuesLongerThanTheMtu()
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[4096]);
        for (int i = 0; i < value.capacity(); i++)
        {
            value.putByte(i, (byte)(i * 31));
        }
        assertEquals(Status.OK, client.put(750, value, 0, value.capacity()));
        assertEquals(Status.OK, client.invoke(750, READ, value, 0, 0, result));
        assertEquals(value.capacity(), client.resultLength());
        for (int i = 0; i < value.capacity(); i++)
        {
            assertEquals(value.getByte(i), result.getByte(i), "byte " + i);
        }
    }

    @Test
    void shouldCompleteAsyncCallsThroughPoll()
    {
        final long[] sums = new long[1];
        final int[] answers = new int[1];
        try (FabricClient async = FabricClient.connect(new FabricClient.Context().fabric(fabric.members)
            .idleStrategy(TestFabric.IDLE)
            .resultHandler((correlationId, status, ownerId, buffer, offset, length) ->
            {
                assertEquals(Status.OK, status);
                sums[0] += buffer.getLong(offset, LITTLE_ENDIAN);
                answers[0]++;
            })))
        {
            putCounter(async, 800, 0);
            for (int i = 1; i <= 100; i++)
            {
                assertTrue(async.sendInvoke(800, ADD, int64(1), 0, 8) > 0);
            }
            Tests.await(() -> async.poll() >= 0 && answers[0] == 100, Tests.DEFAULT_TIMEOUT_NS,
                () -> "100 answers, got " + answers[0]);
            assertEquals(5050, sums[0]);
        }
    }

    @Test
    void shouldRefuseConnectNamingOnlyTheMissingWorker()
    {
        final String members = fabric.members + ",9@" + io.shawarma.fabric.process.LoopbackPorts.freeUdpChannel();
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> FabricClient.connect(new FabricClient.Context().fabric(members).idleStrategy(TestFabric.IDLE)
            .connectTimeoutNs(500_000_000L)));
        assertTrue(ex.getMessage().startsWith("worker [9] of "), ex.getMessage());
        assertTrue(ex.getMessage().contains(" did not answer within 500 ms (" +
            Configuration.CONNECT_TIMEOUT_MS_PROP + "): is it running?"), ex.getMessage());
        assertNotEquals(0, fabric.workers.size());
    }

    static String ascii(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
