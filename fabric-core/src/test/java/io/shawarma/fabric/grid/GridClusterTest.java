package io.shawarma.fabric.grid;

import io.shawarma.messaging.Transport;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
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
    private Transport transport;
    private GridClient client;

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(client, transport, worker, member);
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
}
