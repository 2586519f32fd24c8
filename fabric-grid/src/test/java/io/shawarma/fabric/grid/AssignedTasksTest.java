package io.shawarma.fabric.grid;

import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A grid worker's results reach the cluster across a leader change: a result is sent until acknowledged, and an
 * attempt the cluster assigns again (because the result was lost with its leader) is answered with the result.
 */
class AssignedTasksTest
{
    private static final long INTERVAL_NS = 1_000_000;
    private static final UnsafeBuffer NO_OPERANDS = new UnsafeBuffer(new byte[0]);

    private final List<String> sent = new ArrayList<>();
    private boolean refuse;
    private final AssignedTasks tasks = new AssignedTasks(3, INTERVAL_NS, this::send);

    private boolean send(
        final long dagId, final int task, final int attempt, final Status status, final DirectBuffer result,
        final int resultLength)
    {
        final String line = dagId + "/" + task + "/" + attempt + " " + status + " " +
            result.getStringWithoutLengthAscii(0, resultLength);
        sent.add((refuse ? "refused " : "") + line);
        return !refuse;
    }

    private AssignedTasks.Task assign(final long dagId, final int task, final int attempt, final long nowNs)
    {
        return tasks.onAssign(dagId, task, attempt, 100 + task, false, "add", NO_OPERANDS, 0, 0, nowNs);
    }

    private void finish(final AssignedTasks.Task task, final String result, final long nowNs)
    {
        task.finish(Status.OK, result.getBytes(StandardCharsets.US_ASCII));
        tasks.report(task, nowNs);
    }

    @Test
    void shouldAnswerAnAttemptAssignedAgainWithItsResult()
    {
        final AssignedTasks.Task task = assign(7, 2, 1, 0);
        assertNotNull(task);
        assertNull(assign(7, 2, 1, 10), "assigned again while it runs: not run twice");
        assertEquals(0, tasks.doWork(10), "nothing to send while it runs");

        finish(task, "42", 20);
        assertEquals(1, tasks.doWork(20));
        tasks.onAck(7, 2, 1);
        assertEquals(0, tasks.unacknowledged());

        // The result was acknowledged by a leader that then died before the new one had it in its log, or the
        // acknowledgement raced an assignment sent again: the attempt comes again and gets its result again.
        assertNull(assign(7, 2, 1, 30), "not run twice");
        assertEquals(1, tasks.doWork(30));
        assertEquals(List.of("7/2/1 OK 42", "7/2/1 OK 42"), sent);
        assertEquals(1, tasks.resends());
        tasks.onAck(7, 2, 1);
        assertEquals(0, tasks.doWork(30 + 10 * INTERVAL_NS), "acknowledged: never sent again");
    }

    @Test
    void shouldSendAgainAfterARefusedSendAndUntilAcknowledged()
    {
        final AssignedTasks.Task first = assign(7, 0, 1, 0);
        final AssignedTasks.Task second = assign(7, 1, 1, 0);
        finish(first, "a", 0);
        finish(second, "b", 0);

        refuse = true;
        assertEquals(0, tasks.doWork(5), "no leader: nothing goes");
        assertEquals(2, tasks.unacknowledged());
        refuse = false;
        assertEquals(2, tasks.doWork(6), "the next duty cycle sends both");
        assertEquals(0, tasks.doWork(7), "sent: they wait for their acknowledgement");

        tasks.onAck(7, 1, 1);
        assertEquals(0, tasks.doWork(6 + INTERVAL_NS), "an acknowledgement just came: the cluster is taking results");
        assertEquals(1, tasks.doWork(6 + 2 * INTERVAL_NS), "an interval without one: the unacknowledged one goes");
        assertEquals(List.of("refused 7/0/1 OK a", "7/0/1 OK a", "7/1/1 OK b", "7/0/1 OK a"), sent);

        tasks.onAck(7, 0, 1);
        assertEquals(0, tasks.unacknowledged());
        assertEquals(0, tasks.doWork(6 + 10 * INTERVAL_NS));
    }

    @Test
    void shouldSendAgainAtOnceAResultThatALaterAcknowledgedOneOvertook()
    {
        finish(assign(7, 0, 1, 0), "a", 0);
        assertEquals(1, tasks.doWork(0));
        finish(assign(7, 1, 1, 1), "b", 1);
        assertEquals(1, tasks.doWork(1));

        tasks.onAck(7, 1, 1);
        assertEquals(1, tasks.doWork(2), "b was sent after a and is in the log: a was lost on the way");
        assertEquals(List.of("7/0/1 OK a", "7/1/1 OK b", "7/0/1 OK a"), sent);
    }

    @Test
    void shouldNotSendAgainWhileAcknowledgementsKeepComing()
    {
        for (int task = 0; task < 3; task++)
        {
            finish(assign(7, task, 1, task), "r", task);
            assertEquals(1, tasks.doWork(task));
        }
        // A slow cluster: it applies the results in order, each well after it was sent.
        long nowNs = 0;
        for (int task = 0; task < 2; task++)
        {
            nowNs = (task + 1) * INTERVAL_NS * 3 / 4;
            tasks.onAck(7, task, 1);
            assertEquals(0, tasks.doWork(nowNs), "the results not yet applied are not sent again");
        }
        assertEquals(0, tasks.resends(), "no copies while acknowledgements keep coming");
        assertEquals(1, tasks.doWork(nowNs + INTERVAL_NS), "an interval without any: the last goes again");
    }

    @Test
    void shouldWaitTwiceAsLongBeforeEachResendUpToSixteenIntervals()
    {
        finish(assign(7, 0, 1, 0), "a", 0);
        assertEquals(1, tasks.doWork(0));
        long sentNs = 0;
        for (final long waitIntervals : new long[]{ 1, 2, 4, 8, 16, 16 })
        {
            final long dueNs = sentNs + waitIntervals * INTERVAL_NS;
            assertEquals(0, tasks.doWork(dueNs - 1), "not before " + waitIntervals + " intervals");
            assertEquals(1, tasks.doWork(dueNs), "sent again after " + waitIntervals + " intervals");
            sentNs = dueNs;
        }
        assertEquals(6, tasks.resends());
        tasks.onAck(7, 0, 1);
        assertEquals(0, tasks.unacknowledged());
    }

    @Test
    void shouldSendTheWholeBatchAgainWhenItCouldNotBeSent()
    {
        final List<String> batches = new ArrayList<>();
        final List<String> collected = new ArrayList<>();
        final boolean[] refuseBatch = {true};
        final AssignedTasks batched = new AssignedTasks(3, INTERVAL_NS, new AssignedTasks.Sender()
        {
            public boolean taskResult(
                final long dagId, final int task, final int attempt, final Status status, final DirectBuffer result,
                final int resultLength)
            {
                collected.add(dagId + "/" + task);
                return true;
            }

            public boolean flush()
            {
                batches.add((refuseBatch[0] ? "refused " : "") + String.join(",", collected));
                collected.clear();
                return !refuseBatch[0];
            }
        });
        final AssignedTasks.Task first = batched.onAssign(7, 0, 1, 100, false, "add", NO_OPERANDS, 0, 0, 0);
        final AssignedTasks.Task second = batched.onAssign(7, 1, 1, 101, false, "add", NO_OPERANDS, 0, 0, 0);
        first.finish(Status.OK, new byte[0]);
        second.finish(Status.OK, new byte[0]);
        batched.report(first, 0);
        batched.report(second, 0);

        assertEquals(0, batched.doWork(5), "no leader: the batch did not go");
        refuseBatch[0] = false;
        assertEquals(2, batched.doWork(6), "the next duty cycle sends both again, not after the resend interval");
        assertEquals(0, batched.doWork(7), "sent: they wait for their acknowledgement");
        assertEquals(List.of("refused 7/0,7/1", "7/0,7/1"), batches);
    }

    @Test
    void shouldRunALaterAttemptAndIgnoreAnEarlierOne()
    {
        final AssignedTasks.Task first = assign(7, 0, 1, 0);
        finish(first, "failed once", 0);
        tasks.doWork(0);

        final AssignedTasks.Task retry = assign(7, 0, 2, 1);
        assertNotNull(retry, "a retry of the same task runs");
        assertNull(assign(7, 0, 1, 2), "an earlier attempt arriving late does not");
        tasks.onAck(7, 0, 1);
        assertEquals(0, tasks.unacknowledged(), "the first attempt's acknowledgement clears it, not the retry");

        finish(retry, "ok", 3);
        assertEquals(1, tasks.doWork(3));
        assertEquals(1, tasks.unacknowledged());
    }

    @Test
    void shouldRememberOnlyTheLastAssignments()
    {
        assertNotNull(assign(1, 0, 1, 0));
        assertNotNull(assign(2, 0, 1, 0));
        assertNotNull(assign(3, 0, 1, 0));
        assertNotNull(assign(4, 0, 1, 0));
        assertNull(assign(2, 0, 1, 0), "still remembered");
        assertNotNull(assign(1, 0, 1, 0), "the oldest of four, beyond the three kept, was forgotten");
    }
}
