package io.shawarma.fabric.grid;

import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.TaskAssignDecoder;
import io.shawarma.codecs.TaskState;
import io.shawarma.udf.Status;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The cluster's side of results held on workers: an inner task's result stays on the worker that made it, its
 * dependants are assigned references to it and preferably run there, and a result that is gone runs again.
 */
class HeldResultsFlowTest
{
    private static final byte[] HELD = new byte[0];
    /** a and x have no inputs; b needs a; c needs a and x. */
    private static final String DAG = "{\"name\":\"held\",\"tasks\":[" +
        "{\"name\":\"a\",\"udf\":\"add\",\"args\":[1]}," +
        "{\"name\":\"x\",\"udf\":\"add\",\"args\":[2]}," +
        "{\"name\":\"b\",\"udf\":\"add\",\"inputs\":[\"a\"]}," +
        "{\"name\":\"c\",\"udf\":\"add\",\"inputs\":[\"a\",\"x\"],\"args\":[3]}]}";

    private final RecordingOutput output = new RecordingOutput();
    private final GridState state = new GridState(256, 1000, 2, 4, Set.of("add")::contains, output);

    @Test
    void shouldAssignReferencesToTheWorkerHoldingEachInputAndHoldOnlyInnerResults()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, DAG, 1);
        final DagRun run = state.tasks().dag(output.lastDagId);
        assertTrue(run.isResultHeld(0), "a has dependants");
        assertFalse(run.isResultHeld(2), "b is a sink: its result goes to the submitter");

        state.tasks().onTaskResult(1, run.dagId, 0, 1, Status.OK, HELD, 2);
        state.tasks().onTaskResult(1, run.dagId, 1, 1, Status.OK, HELD, 3);
        assertEquals(TaskState.RUNNING, run.states[3]);

        final TaskAssignDecoder assign = decode(new GridEncoder(), run, 3);
        assertEquals(0, assign.resultHeld());
        assertEquals("add", assign.udfName());
        final UnsafeBuffer operands = new UnsafeBuffer(new byte[assign.operandsLength()]);
        assign.getOperands(operands, 0, operands.capacity());
        assertEquals(2 * 16 + 4 + 8, operands.capacity(), "two references, then the int64 argument");
        assertReference(operands, 0, 1, 0, 1);
        assertReference(operands, 16, 1, 1, 1);
        assertEquals(Long.BYTES, operands.getInt(32, LITTLE_ENDIAN));
        assertEquals(3, operands.getLong(36, LITTLE_ENDIAN));
    }

    @Test
    void shouldPreferTheWorkerHoldingTheInputsOverTheOwnerOfTheirSlots()
    {
        state.onJoin(1, 11, "a", 0);
        state.onJoin(2, 12, "b", 0);
        state.tasks().onSubmit(50, 7, "{\"name\":\"near\",\"tasks\":[" +
            "{\"name\":\"a\",\"udf\":\"add\"},{\"name\":\"x\",\"udf\":\"add\"},{\"name\":\"y\",\"udf\":\"add\"}," +
            "{\"name\":\"b\",\"udf\":\"add\",\"inputs\":[\"y\"]}]}", 1);
        final DagRun run = state.tasks().dag(output.lastDagId);
        assertEquals(256, state.slots().slotsOf(1), "worker 1 owns every slot");
        assertEquals(2, run.workers[2], "y went to worker 2: worker 1 runs two tasks, its most");

        state.tasks().onTaskResult(1, run.dagId, 1, 1, Status.OK, HELD, 2);
        state.tasks().onTaskResult(2, run.dagId, 2, 1, Status.OK, HELD, 3);

        assertEquals(TaskState.RUNNING, run.states[3]);
        assertEquals(2, run.workers[3], "b runs where y's result is, though worker 1 owns its slot and has room");
    }

    @Test
    void shouldRunALostInputAgainAndSendItsRunningDependantsBackToPending()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, DAG, 1);
        final DagRun run = state.tasks().dag(output.lastDagId);
        state.tasks().onTaskResult(1, run.dagId, 0, 1, Status.OK, HELD, 2);
        assertEquals(TaskState.RUNNING, run.states[2]);

        state.tasks().onTaskInputLost(1, run.dagId, 2, 1, 0, 1, 3);

        assertEquals(TaskState.RUNNING, run.states[0], "a runs again");
        assertEquals(2, run.attempts[0]);
        assertEquals(TaskState.PENDING, run.states[2], "b waits for a again");
        assertEquals(1, run.missingInputs[2]);
        assertEquals(TaskState.PENDING, run.states[3], "c still waits for a and x");
        assertEquals(2, run.missingInputs[3]);
        assertTrue(output.lines.contains("state b=PENDING worker=-1"), "the submitter sees b go back");

        state.tasks().onTaskResult(1, run.dagId, 0, 2, Status.OK, HELD, 4);
        assertEquals(TaskState.RUNNING, run.states[2]);
        assertEquals(2, run.attempts[2], "b runs anew, with a reference to a's second attempt");
        state.tasks().onTaskResult(1, run.dagId, 2, 1, Status.OK, HELD, 5);
        assertEquals(TaskState.RUNNING, run.states[2], "the first attempt's late result is stale");
        assertEquals(2, state.member(1).running, "x and b");
    }

    @Test
    void shouldIgnoreALostReportForAStaleAttemptAndAssignAgainOneForAnInputAlreadyRunningAgain()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, DAG, 1);
        final DagRun run = state.tasks().dag(output.lastDagId);
        state.tasks().onTaskResult(1, run.dagId, 0, 1, Status.OK, HELD, 2);

        state.tasks().onTaskInputLost(1, run.dagId, 2, 7, 0, 1, 3);
        state.tasks().onTaskInputLost(2, run.dagId, 2, 1, 0, 1, 3);
        state.tasks().onTaskInputLost(1, run.dagId, 2, 1, 1, 1, 3);
        assertEquals(TaskState.DONE, run.states[0], "a wrong attempt, a wrong worker or a non-input change nothing");
        assertEquals(TaskState.RUNNING, run.states[2]);

        state.tasks().onTaskInputLost(1, run.dagId, 2, 1, 0, 5, 3);
        assertEquals(TaskState.DONE, run.states[0], "not a's current attempt: a is not run again");
        assertEquals(TaskState.RUNNING, run.states[2], "b is assigned again, with the current reference");
        assertEquals(2, run.attempts[2]);
    }

    @Test
    void shouldRunAgainTheResultsADeadWorkerHeldForDependantsNotDone()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, DAG, 1);
        final DagRun run = state.tasks().dag(output.lastDagId);
        state.tasks().onTaskResult(1, run.dagId, 0, 1, Status.OK, HELD, 2);
        state.tasks().onTaskResult(1, run.dagId, 2, 1, Status.OK, HELD, 3);
        assertEquals(TaskState.DONE, run.states[2]);
        assertEquals(TaskState.PENDING, run.states[3], "c waits for x");
        state.onJoin(2, 12, "b", 4);

        state.onHeartbeat(2, 12, 0, 0, "b", 1500);
        state.checkLiveness(1500);

        assertNull(state.member(1));
        assertEquals(TaskState.RUNNING, run.states[0], "a's result died with worker 1; c still needs it");
        assertEquals(2, run.workers[0]);
        assertEquals(TaskState.RUNNING, run.states[1], "x was running there");
        assertEquals(TaskState.DONE, run.states[2], "b is done: it needs nothing any more");
        assertEquals(2, run.missingInputs[3]);

        state.tasks().onTaskResult(2, run.dagId, 0, 2, Status.OK, HELD, 1501);
        state.tasks().onTaskResult(2, run.dagId, 1, 2, Status.OK, HELD, 1502);
        assertEquals(TaskState.RUNNING, run.states[3]);
        assertEquals(2, run.workers[3]);
        assertFalse(run.isFinished());
    }

    private static TaskAssignDecoder decode(final GridEncoder encoder, final DagRun run, final int task)
    {
        encoder.taskAssign(run, task);
        final TaskAssignDecoder assign = new TaskAssignDecoder();
        assign.wrapAndApplyHeader(encoder.buffer(), 0, new MessageHeaderDecoder());
        return assign;
    }

    private static void assertReference(
        final UnsafeBuffer operands, final int offset, final int holder, final int task, final int attempt)
    {
        assertEquals(TaskInputs.REFERENCE, operands.getInt(offset, LITTLE_ENDIAN));
        assertEquals(holder, operands.getInt(offset + 4, LITTLE_ENDIAN));
        assertEquals(task, operands.getInt(offset + 8, LITTLE_ENDIAN));
        assertEquals(attempt, operands.getInt(offset + 12, LITTLE_ENDIAN));
    }
}
