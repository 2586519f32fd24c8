package io.shawarma.fabric.grid;

import io.shawarma.codecs.MemberEvent;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One cluster member, one worker and a submitter in this JVM, over real Aeron Cluster.
 */
class GridClusterTest
{
    private static final String SUM = "{\"name\":\"sum\",\"tasks\":[" +
        "{\"name\":\"a\",\"udf\":\"add\",\"args\":[5]}," +
        "{\"name\":\"b\",\"udf\":\"add\",\"args\":[7]}," +
        "{\"name\":\"c\",\"udf\":\"add\",\"inputs\":[\"a\",\"b\"],\"args\":[100]}]}";

    @TempDir
    Path dir;

    private final int portBase = TestGrid.freePortBase(1);
    private GridCluster member;
    private GridWorker worker;
    private GridWorker otherWorker;
    private SlotRoutedClient dataClient;
    private Transport transport;
    private GridClient client;

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(dataClient, client, transport, otherWorker, worker, member);
    }

    private GridCluster.Context memberContext()
    {
        return new GridCluster.Context().memberId(0).members(1).portBase(portBase).dir(dir.toString())
            .idleStrategy("sleeping").heartbeatTimeoutNs(TimeUnit.SECONDS.toNanos(2));
    }

    private GridClient connect(final GridListener listener)
    {
        if (null == transport)
        {
            transport = Transport.embedded("grid-test", "sleeping", 1024 * 1024, Throwable::printStackTrace);
        }
        return GridClient.connect(transport.aeronDirectoryName(), "127.0.0.1", portBase, 1, 1_000_001, listener,
            "sleeping");
    }

    @Test
    void shouldRunDagOnWorkerAndRefuseBadDags()
    {
        member = GridCluster.launch(memberContext());
        worker = GridWorker.launch(new GridWorker.Context().workerId(1).members(1).portBase(portBase)
            .idleStrategy("sleeping"));
        TestGrid.await("worker placed", 10_000, () -> worker.ownedSlots() == 256);
        assertEquals(1, worker.placementEpoch());

        final DagWatch watch = new DagWatch(null);
        client = connect(watch);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        assertTrue(watch.submit(client, SUM, deadline) > 0, () -> watch.refusal());
        assertTrue(watch.awaitFinished(client, deadline, TimeUnit.MILLISECONDS.toNanos(500)));

        assertTrue(watch.isSucceeded());
        assertEquals(112, watch.resultAsLong(2));
        assertEquals(1, watch.worker(2));

        final DagWatch unknownUdf = new DagWatch(null);
        client.close();
        client = connect(unknownUdf);
        assertEquals(0, unknownUdf.submit(client, SUM.replace("\"add\",\"inputs\"", "\"nope\",\"inputs\""), deadline));
        assertTrue(unknownUdf.refusal().contains("task 'c' runs UDF 'nope', which is not registered"),
            unknownUdf.refusal());

        final DagWatch cycle = new DagWatch(null);
        client.close();
        client = connect(cycle);
        assertEquals(0, cycle.submit(client, SUM.replace("\"args\":[5]", "\"inputs\":[\"c\"]"), deadline));
        assertTrue(cycle.refusal().contains("cycle: a -> c -> a") || cycle.refusal().contains("cycle"),
            cycle.refusal());
    }

    @Test
    void shouldAcknowledgeEveryTaskResultItLogsEvenOneItIgnores()
    {
        member = GridCluster.launch(memberContext());
        final List<String> acks = new CopyOnWriteArrayList<>();
        client = connect(new GridListener()
        {
            public void onTaskResultAck(final long dagId, final int task, final int attempt)
            {
                acks.add(dagId + "/" + task + "/" + attempt);
            }
        });
        final UnsafeBuffer result = new UnsafeBuffer(new byte[Long.BYTES]);
        // No such DAG: the result changes nothing, and the worker must still stop sending it; so must a duplicate.
        assertTrue(client.taskResult(99, 4, 2, Status.OK, result, Long.BYTES));
        assertTrue(client.taskResult(99, 4, 2, Status.OK, result, Long.BYTES));
        TestGrid.await("two acknowledgements", 10_000, () ->
        {
            client.poll();
            return acks.size() == 2;
        });
        assertEquals(List.of("99/4/2", "99/4/2"), acks);
    }

    @Test
    void shouldAcknowledgeHeartbeatsAndSendTheBackupsWithTheView()
    {
        member = GridCluster.launch(memberContext().backups(1));
        transport = Transport.embedded("grid-test", "sleeping", 1024 * 1024, Throwable::printStackTrace);
        final List<String> heard = new CopyOnWriteArrayList<>();
        client = GridClient.connect(transport.aeronDirectoryName(), "127.0.0.1", portBase, 1, 1, new GridListener()
        {
            public void onSlotBackups(
                final long epoch, final int backupCount, final int[] backups, final long[] fillIds)
            {
                heard.add("backups " + epoch + " " + backupCount + " " + backups[0] + " " + (0 != fillIds[0]));
            }

            public void onHeartbeatAck(final long correlationId, final long epoch)
            {
                heard.add("ack " + correlationId + " " + epoch);
            }
        }, "sleeping");
        try (GridClient second = GridClient.connect(
            transport.aeronDirectoryName(), "127.0.0.1", portBase, 1, 2, new StatusWatch(), "sleeping"))
        {
            assertTrue(client.workerStatus(MemberEvent.JOIN, 0, 0, "aeron:ipc"));
            awaitHeard("backups 1 1 -1 false", heard, second);
            assertTrue(second.workerStatus(MemberEvent.JOIN, 0, 0, "aeron:ipc"));
            awaitHeard("backups 2 1 2 true", heard, second);

            assertTrue(client.workerStatus(MemberEvent.HEARTBEAT, 0, 0, "aeron:ipc", 2, 4242));
            awaitHeard("ack 4242 2", heard, second);
        }
    }

    private void awaitHeard(final String line, final List<String> heard, final GridClient other)
    {
        TestGrid.await(line, 10_000, () ->
        {
            client.poll();
            other.poll();
            return heard.contains(line);
        });
    }

    @Test
    void shouldDropMalformedIngressAndKeepServing()
    {
        member = GridCluster.launch(memberContext());
        final StatusWatch status = new StatusWatch();
        client = connect(status);
        final UnsafeBuffer garbage = new UnsafeBuffer(new byte[256]);
        final Random random = new Random(42);
        for (int i = 0; i < 200; i++)
        {
            final int length = 1 + random.nextInt(garbage.capacity());
            for (int j = 0; j < length; j++)
            {
                garbage.putByte(j, (byte)random.nextInt());
            }
            if (i % 2 == 0)
            {
                // A real grid header with a random body: the decoders must not read beyond the frame.
                garbage.putShort(2, (short)(40 + random.nextInt(10)));
                garbage.putShort(4, (short)7301);
                garbage.putShort(6, (short)1);
            }
            assertTrue(client.sendRaw(garbage, 0, length));
        }
        final DagWatch watch = new DagWatch(null);
        client.close();
        client = connect(watch);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        assertTrue(watch.submit(client, SUM, deadline) > 0, watch::refusal);
        client.close();
        client = connect(status);
        assertTrue(status.query(client, TimeUnit.SECONDS.toNanos(10)), "the service still answers");
    }

    @Test
    void shouldKeepStateAcrossRestartFromSnapshotAndLog()
    {
        member = GridCluster.launch(memberContext());
        worker = GridWorker.launch(new GridWorker.Context().workerId(1).members(1).portBase(portBase)
            .idleStrategy("sleeping"));
        final DagWatch watch = new DagWatch(null);
        client = connect(watch);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        final long dagId = watch.submit(client, SUM, deadline);
        assertTrue(watch.awaitFinished(client, deadline, TimeUnit.MILLISECONDS.toNanos(500)));
        assertTrue(member.takeSnapshot());
        TestGrid.await("snapshot taken", 10_000, () -> member.snapshotCount() > 0);

        CloseHelper.closeAll(client, worker, member);
        client = null;
        worker = null;
        member = GridCluster.launch(memberContext());

        final DagWatch after = new DagWatch(null);
        client = connect(after);
        after.onSubmitResult(0, dagId, 3, "");
        client.requestStatus(dagId);
        final long restartDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        assertTrue(after.awaitFinished(client, restartDeadline, TimeUnit.MILLISECONDS.toNanos(500)));
        assertTrue(after.isSucceeded());
        assertEquals(112, after.resultAsLong(2));
    }

    @Test
    void shouldMoveSlotsWithTheirDataFromABusyWorkerToAnIdleOne()
    {
        member = GridCluster.launch(
            memberContext().loadSkew(30, TimeUnit.SECONDS.toNanos(1), TimeUnit.MINUTES.toNanos(1)));
        final String[] channels = new String[3];
        for (int id = 1; id <= 2; id++)
        {
            channels[id] = "aeron:udp?endpoint=127.0.0.1:" + LoopbackPorts.freeUdpPort();
        }
        worker = GridWorker.launch(new GridWorker.Context().workerId(1).members(1).portBase(portBase)
            .dataChannel(channels[1]).idleStrategy("sleeping"));
        otherWorker = GridWorker.launch(new GridWorker.Context().workerId(2).members(1).portBase(portBase)
            .dataChannel(channels[2]).idleStrategy("sleeping"));
        TestGrid.await("two workers with half the slots each", 20_000,
            () -> worker.ownedSlots() == 128 && otherWorker.ownedSlots() == 128);
        transport = Transport.embedded("grid-test", "sleeping", 1024 * 1024, Throwable::printStackTrace);
        dataClient = SlotRoutedClient.connect(TestGrid.dataClient(transport.aeron(), 1_000_002,
            "1@" + channels[1] + ",2@" + channels[2], TimeUnit.SECONDS.toNanos(5), "sleeping"),
            GridConfiguration.SLOTS_DEFAULT);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[Long.BYTES]);
        final long[] onFirst = new long[256];
        int count = 0;
        for (long vertex = 0; count < onFirst.length; vertex++)
        {
            value.putLong(0, vertex);
            assertEquals(Status.OK, dataClient.put(vertex, value, 0, Long.BYTES));
            if (1 == dataClient.ownerOf(vertex))
            {
                onFirst[count++] = vertex;
            }
        }

        // Only worker 1 is called, each call holding its thread for 2 ms: its load stays far above worker 2's.
        final int busy = Udf.idOf(BusyUdf.NAME);
        final ExpandableArrayBuffer result = new ExpandableArrayBuffer(64);
        final int[] next = { 0 };
        TestGrid.await("slots moved from the busy worker to the idle one", 60_000, () ->
        {
            for (int i = 0; i < 20; i++)
            {
                assertEquals(Status.OK, dataClient.invoke(onFirst[next[0]++ % onFirst.length], busy, value, 0, 0,
                    result));
            }
            return otherWorker.ownedSlots() > 128 && 0 == otherWorker.migrationCounts()[0] &&
                worker.ownedSlots() + otherWorker.ownedSlots() == 256;
        });

        assertTrue(worker.migrationCounts()[1] > 0, "vertices streamed from the busy worker");
        int moved = 0;
        for (final long vertex : onFirst)
        {
            assertEquals(Status.OK, dataClient.get(vertex, result));
            assertEquals(vertex, result.getLong(0), "the value moved with its slot");
            moved += 2 == dataClient.ownerOf(vertex) ? 1 : 0;
        }
        assertTrue(moved > 0, "some of the busy worker's vertices are now served by the idle one");
    }
}
