package io.shawarma.fabric.grid;

import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.TaskResultFetchDecoder;
import io.shawarma.codecs.TaskResultFetchedDecoder;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.WorkerPort;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A grid worker gets its tasks' inputs from the workers holding them: read here, fetched over the data plane (two
 * workers wired to each other in memory), or reported lost when gone or late.
 */
class TaskInputsTest
{
    private static final long RESEND_NS = 10;
    private static final long GIVE_UP_NS = 100;
    private static final long DAG = 3;

    private final Node one = new Node(1);
    private final Node two = new Node(2);

    @Test
    void shouldRunATaskWithItsInputsHeldHereAtOnceWithPlainOperands()
    {
        one.held.put(DAG, 0, 1, int64(5));
        final AssignedTasks.Task task = task(reference(1, 0, 1), plain(int64(100)));

        one.inputs.resolve(task, 0);

        assertEquals(List.of(task), one.ready);
        assertArrayEquals(operands(plain(int64(5)), plain(int64(100))), task.operands);
        assertTrue(two.received.isEmpty(), "nothing crossed the network");
    }

    @Test
    void shouldFetchAnInputFromTheWorkerHoldingIt()
    {
        two.held.put(DAG, 0, 1, int64(5));
        two.held.put(DAG, 1, 2, int64(7));
        final AssignedTasks.Task task = task(reference(2, 0, 1), plain(int64(100)), reference(2, 1, 2));

        one.inputs.resolve(task, 0);
        assertTrue(one.ready.isEmpty());
        assertEquals(1, one.inputs.waitingTasks());
        assertEquals(2, two.received.size(), "one fetch per input");
        assertEquals(TaskResultFetchDecoder.TEMPLATE_ID, two.received.get(0));

        two.deliver();
        one.deliver();

        assertEquals(List.of(task), one.ready);
        assertEquals(0, one.inputs.waitingTasks());
        assertArrayEquals(operands(plain(int64(5)), plain(int64(100)), plain(int64(7))), task.operands);
        assertEquals(2, one.inputs.inputsFetched());
        assertEquals(2, two.inputs.fetchesAnswered());
    }

    @Test
    void shouldReportAnInputLostWhenItsHolderNoLongerHasIt()
    {
        two.held.put(DAG, 0, 1, int64(5));
        final AssignedTasks.Task task = task(reference(2, 0, 2));

        one.inputs.resolve(task, 0);
        two.deliver();
        assertEquals(TaskResultFetchedDecoder.TEMPLATE_ID, one.received.get(0));
        one.deliver();

        assertTrue(one.ready.isEmpty());
        assertEquals(List.of("task 7 input 0 attempt 2"), one.lost, "another attempt's result is not this one");
        assertEquals(1, one.inputs.inputsLost());
        assertEquals(0, two.inputs.fetchesAnswered());
        assertEquals(0, one.inputs.waitingTasks());
    }

    @Test
    void shouldReportAnInputLostAtOnceWhenThisWorkerShouldHoldItAndDoesNot()
    {
        one.inputs.resolve(task(reference(1, 4, 1)), 0);

        assertEquals(List.of("task 7 input 4 attempt 1"), one.lost);
        assertTrue(two.received.isEmpty());
    }

    @Test
    void shouldAskAgainEveryResendIntervalThenGiveUp()
    {
        final AssignedTasks.Task task = task(reference(2, 0, 1));
        one.inputs.resolve(task, 0);
        two.received.clear();
        two.frames.clear();

        one.inputs.doWork(RESEND_NS - 1);
        assertTrue(two.received.isEmpty(), "not before the resend interval");
        one.inputs.doWork(RESEND_NS);
        assertEquals(1, two.received.size(), "asked again");
        assertTrue(one.lost.isEmpty());

        one.inputs.doWork(GIVE_UP_NS);
        assertEquals(List.of("task 7 input 0 attempt 1"), one.lost);
        assertEquals(0, one.inputs.waitingTasks());
    }

    @Test
    void shouldTellTheClusterAgainWhenALostInputCouldNotBeReported()
    {
        one.clusterReachable = false;
        one.inputs.resolve(task(reference(1, 0, 1)), 0);
        assertEquals(1, one.inputs.waitingTasks(), "counted as running until reported");

        one.clusterReachable = true;
        one.inputs.doWork(1);

        assertEquals(List.of("task 7 input 0 attempt 1", "task 7 input 0 attempt 1"), one.lost);
        assertEquals(0, one.inputs.waitingTasks());
    }

    @Test
    void shouldCountAndDropMalformedFrames()
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[4]);
        one.inputs.onFetch(2, frame, 0, frame.capacity());
        one.inputs.onFetched(2, frame, 0, frame.capacity());

        assertEquals(2, one.malformed.get());
        assertTrue(two.received.isEmpty());
    }

    @Test
    void shouldRunATaskWithMalformedOperandsSoThatRunningItReportsThem()
    {
        final AssignedTasks.Task task = task(new byte[]{ -1, -1, -1, -1, 0 });

        one.inputs.resolve(task, 0);

        assertEquals(List.of(task), one.ready);
    }

    @Test
    void shouldKeepTheNewestResultsUpToItsCapacity()
    {
        final HeldResults held = new HeldResults(2);
        held.put(DAG, 0, 1, int64(1));
        held.put(DAG, 1, 1, int64(2));
        held.put(DAG, 2, 1, int64(3));

        assertNull(held.get(DAG, 0, 1), "the oldest is forgotten");
        assertArrayEquals(int64(2), held.get(DAG, 1, 1));
        assertNull(held.get(DAG, 1, 2), "another attempt");
        assertNull(held.get(DAG + 1, 1, 1), "another DAG");
        assertEquals(2, held.size());
    }

    private static AssignedTasks.Task task(final byte[]... operands)
    {
        return new AssignedTasks.Task(DAG, 7, 1, 99, false, "add", operands(operands));
    }

    private static byte[] operands(final byte[]... operands)
    {
        int length = 0;
        for (final byte[] operand : operands)
        {
            length += operand.length;
        }
        final ByteBuffer out = ByteBuffer.allocate(length);
        for (final byte[] operand : operands)
        {
            out.put(operand);
        }
        return out.array();
    }

    private static byte[] plain(final byte[] bytes)
    {
        return ByteBuffer.allocate(4 + bytes.length).order(LITTLE_ENDIAN).putInt(bytes.length).put(bytes).array();
    }

    private static byte[] reference(final int holder, final int task, final int attempt)
    {
        return ByteBuffer.allocate(16).order(LITTLE_ENDIAN).putInt(TaskInputs.REFERENCE).putInt(holder).putInt(task)
            .putInt(attempt).array();
    }

    private static byte[] int64(final long value)
    {
        return ByteBuffer.allocate(8).order(LITTLE_ENDIAN).putLong(value).array();
    }

    /** One worker: its held results, its task inputs, and the frames sent to it. */
    private final class Node implements TaskInputs.Listener
    {
        final int workerId;
        final HeldResults held = new HeldResults(16);
        final AtomicCounter malformed = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(8192)), new UnsafeBuffer(ByteBuffer.allocateDirect(1024)))
            .newCounter("malformed");
        final TaskInputs inputs;
        final List<AssignedTasks.Task> ready = new ArrayList<>();
        final List<String> lost = new ArrayList<>();
        final List<Integer> received = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();
        final List<Integer> senders = new ArrayList<>();
        boolean clusterReachable = true;

        Node(final int workerId)
        {
            this.workerId = workerId;
            inputs = new TaskInputs(new Port(this), held, this, RESEND_NS, GIVE_UP_NS, malformed);
        }

        public void onInputsReady(final AssignedTasks.Task task)
        {
            ready.add(task);
        }

        public boolean onInputLost(final AssignedTasks.Task task, final int inputTask, final int inputAttempt)
        {
            lost.add("task " + task.task + " input " + inputTask + " attempt " + inputAttempt);
            return clusterReachable;
        }

        /** Hands this worker the frames sent to it, as the fabric does. */
        void deliver()
        {
            for (int i = 0; i < frames.size(); i++)
            {
                final UnsafeBuffer frame = new UnsafeBuffer(frames.get(i));
                if (TaskResultFetchDecoder.TEMPLATE_ID == received.get(i))
                {
                    inputs.onFetch(senders.get(i), frame, 0, frame.capacity());
                }
                else
                {
                    inputs.onFetched(senders.get(i), frame, 0, frame.capacity());
                }
            }
            frames.clear();
        }
    }

    /** A worker's port: sends to the other node of the test. */
    private final class Port implements WorkerPort
    {
        private final Node node;

        Port(final Node node)
        {
            this.node = node;
        }

        public int workerId()
        {
            return node.workerId;
        }

        public boolean send(final int workerId, final DirectBuffer buffer, final int offset, final int length)
        {
            final Node target = 1 == workerId ? one : two;
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
            target.received.add(header.templateId());
            target.frames.add(frame);
            target.senders.add(node.workerId);
            return true;
        }

        public VertexStore store()
        {
            throw new UnsupportedOperationException();
        }

        public LocalInvoker invoker()
        {
            throw new UnsupportedOperationException();
        }

        public String servedChannel()
        {
            return "aeron:ipc";
        }

        public String aeronDirectoryName()
        {
            return "";
        }

        public void workerPeers(final FabricMembers members)
        {
        }

        public boolean releaseHeld(final long sequence)
        {
            return false;
        }

        public boolean failHeld(
            final long sequence, final Status status, final int ownerId, final DirectBuffer text)
        {
            return false;
        }

        public AtomicCounter newCounter(final String label)
        {
            throw new UnsupportedOperationException();
        }

        public void counterRole(final int role)
        {
        }

        public void onError(final Throwable error)
        {
        }
    }
}
