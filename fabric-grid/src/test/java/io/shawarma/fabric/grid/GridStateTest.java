package io.shawarma.fabric.grid;

import io.shawarma.codecs.TaskState;
import io.shawarma.udf.Status;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class GridStateTest
{
    private static final long TIMEOUT = 1000;
    private static final String SUM = "{\"name\":\"sum\",\"retries\":1,\"tasks\":[" +
        "{\"name\":\"a\",\"udf\":\"add\",\"args\":[5]}," +
        "{\"name\":\"b\",\"udf\":\"add\",\"args\":[7]}," +
        "{\"name\":\"c\",\"udf\":\"add\",\"inputs\":[\"a\",\"b\"]}]}";

    private final RecordingOutput output = new RecordingOutput();
    private final GridState state = newState(output);

    private static GridState newState(final GridOutput output)
    {
        return new GridState(256, TIMEOUT, 2, 4, Set.of("add", "max")::contains, output);
    }

    @Test
    void shouldPlaceAllSlotsOnJoinAndTellTheWorker()
    {
        state.onJoin(1, 11, "aeron:ipc", 0);

        assertEquals(1, output.lastEpoch);
        assertEquals(256, state.slots().slotsOf(1));
        assertTrue(output.lines.contains("placement session=11 epoch=1"));

        state.onJoin(2, 12, "aeron:ipc", 5);

        assertEquals(2, output.lastEpoch);
        assertEquals(0, state.slots().slotsOf(2), "a live owner's slots move only once their data arrived");
        assertEquals(128, state.slots().movesFrom(1));
        assertTrue(output.lines.contains("placement session=11 epoch=2"), "the old worker learns the new epoch");
        assertTrue(output.lines.contains("moves session=11 epoch=2 count=128"), "the source is told its moves");
    }

    @Test
    void shouldCommitAMoveOnlyWhenItsTargetReportsTheSlotReceived()
    {
        state.onJoin(1, 11, "aeron:ipc", 0);
        state.onJoin(2, 12, "aeron:ipc", 5);
        final int slot = (int)output.movesBySession.get(11L)[0][0];
        final long moveId = output.movesBySession.get(11L)[0][2];

        state.onSlotReceived(1, 11, slot, moveId, 6);
        state.onSlotReceived(2, 12, slot, moveId + 1000, 6);
        assertEquals(1, state.slots().ownerOf(slot), "neither the source nor another move commits it");
        assertEquals(2, state.slots().epoch());

        state.onSlotReceived(2, 12, slot, moveId, 7);

        assertEquals(2, state.slots().ownerOf(slot));
        assertEquals(3, state.slots().epoch());
        assertEquals(127, state.slots().movesFrom(1));
        assertTrue(output.lines.contains("placement session=12 epoch=3"));
        state.onSlotReceived(2, 12, slot, moveId, 8);
        assertEquals(3, state.slots().epoch(), "a repeated report changes nothing");
    }

    @Test
    void shouldCancelMovesToAWorkerThatDiesAndGiveADeadOwnersSlotsStraightAway()
    {
        state.onJoin(1, 11, "a", 0);
        state.onJoin(2, 12, "b", 0);
        assertEquals(128, state.slots().movesFrom(1));

        state.onSessionClosed(12, 1);

        assertEquals(0, state.slots().moving(), "moves to the dead target are cancelled");
        assertEquals(256, state.slots().slotsOf(1));
        assertEquals(0, output.movesBySession.get(11L).length, "the source is told: it unfreezes its slots");

        state.onJoin(3, 13, "c", 2);
        final long[] move = output.movesBySession.get(11L)[0];
        state.onSlotReceived(3, 13, (int)move[0], move[2], 3);
        state.onSessionClosed(11, 4);

        assertEquals(256, state.slots().slotsOf(3), "a dead owner's slots go to the survivor without data");
        assertEquals(0, state.slots().moving());
    }

    @Test
    void shouldMoveALeavingWorkersSlotsWithTheirDataThenRemoveIt()
    {
        joinTwoWorkersAndCommitTheirSpread();
        assertEquals(128, state.slots().slotsOf(2));

        state.onLeave(2, 12, state.slots().epoch(), 2);

        assertNotNull(state.member(2), "still there: it has slots to hand over");
        assertEquals(128, state.slots().slotsOf(2), "a live leaver keeps its slots until their data arrived");
        final long[][] moves = output.movesBySession.get(12L);
        assertEquals(128, moves.length);
        for (int i = 0; i < moves.length - 1; i++)
        {
            assertEquals(1, moves[i][1]);
            state.onSlotReceived(1, 11, (int)moves[i][0], moves[i][2], 3);
        }
        state.onLeave(2, 12, state.slots().epoch(), 4);
        assertNotNull(state.member(2), "a repeated LEAVE is its heartbeat while it hands over");
        state.checkLiveness(4 + TIMEOUT / 2);
        assertNotNull(state.member(2));

        state.onSlotReceived(1, 11, (int)moves[moves.length - 1][0], moves[moves.length - 1][2], 5);

        assertNull(state.member(2), "removed once it owns nothing");
        assertEquals(256, state.slots().slotsOf(1));
        assertEquals(0, state.slots().moving());
        state.onLeave(2, 12, state.slots().epoch(), 6);
        assertNull(state.member(2), "a late LEAVE does not bring it back");
    }

    @Test
    void shouldDeclareNobodyDeadWhenTheClusterHeardNobodyForTheTimeout()
    {
        joinTwoWorkersAndCommitTheirSpread();
        state.onHeartbeat(1, 11, 0, 0, "a", state.slots().epoch(), 900);
        state.onHeartbeat(2, 12, 0, 0, "b", state.slots().epoch(), 950);

        state.checkLiveness(2500);

        assertNotNull(state.member(1), "the cluster stalled: the heartbeats are still in its ingress");
        assertNotNull(state.member(2));
        assertEquals(128, state.slots().slotsOf(1));
        state.onHeartbeat(1, 11, 0, 0, "a", state.slots().epoch(), 2501);
        state.onHeartbeat(2, 12, 0, 0, "b", state.slots().epoch(), 2501);
        state.checkLiveness(2600);
        assertNotNull(state.member(1), "the heartbeats the stall held back arrived");

        state.onHeartbeat(2, 12, 0, 0, "b", state.slots().epoch(), 2502 + TIMEOUT);
        state.checkLiveness(2502 + TIMEOUT);

        assertNull(state.member(1), "silent while worker 2 was heard: dead");
        assertEquals(256, state.slots().slotsOf(2));
    }

    @Test
    void shouldKeepASlowLeaverHandingOverUntilItsSessionCloses()
    {
        joinTwoWorkersAndCommitTheirSpread();
        state.onLeave(2, 12, state.slots().epoch(), 2);
        final long[][] moves = output.movesBySession.get(12L);
        state.onHeartbeat(1, 11, 0, 0, "a", state.slots().epoch(), 2 + 2 * TIMEOUT);

        state.checkLiveness(2 + 2 * TIMEOUT);

        assertNotNull(state.member(2), "silent, but leaving: its slots' data is only there");
        assertEquals(128, state.slots().movesFrom(2), "its moves stay under way");
        state.onSlotReceived(1, 11, (int)moves[0][0], moves[0][2], 3 + 2 * TIMEOUT);
        assertEquals(1, state.slots().ownerOf((int)moves[0][0]), "a stream that arrives still commits");

        state.onSessionClosed(12, 4 + 2 * TIMEOUT);

        assertNull(state.member(2), "gone with its session");
        assertEquals(256, state.slots().slotsOf(1));
    }

    /** Workers 1 (session 11) and 2 (session 12) join at 0; the moves to worker 2 commit at 1. */
    private void joinTwoWorkersAndCommitTheirSpread()
    {
        state.onJoin(1, 11, "a", 0);
        state.onJoin(2, 12, "b", 0);
        for (final long[] move : output.movesBySession.get(11L))
        {
            state.onSlotReceived(2, 12, (int)move[0], move[2], 1);
        }
    }

    @Test
    void shouldSendTheViewAgainToAWorkerBehind()
    {
        state.onJoin(1, 11, "a", 0);
        output.lines.clear();

        state.onHeartbeat(1, 11, 0, 0, "a", 1, TIMEOUT / 8);
        assertTrue(output.lines.isEmpty(), "in sync: nothing to send");
        state.onHeartbeat(1, 11, 0, 0, "a", 0, TIMEOUT / 2);

        assertTrue(output.lines.contains("placement session=11 epoch=1"));
        assertTrue(output.lines.contains("moves session=11 epoch=1 count=0"));
    }

    @Test
    void shouldDeclareSilentWorkerDeadAndHandItsSlotsToSurvivors()
    {
        state.onJoin(1, 11, "a", 0);
        state.onJoin(2, 12, "b", 0);
        state.onHeartbeat(1, 11, 0, 10, "a", 900);

        state.checkLiveness(1001);

        assertNull(state.member(2));
        assertEquals(256, state.slots().slotsOf(1));
        assertEquals(3, state.slots().epoch());
        assertEquals(10, state.member(1).load);
    }

    @Test
    void shouldRunDagInDependencyOrderAndFoldResults()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, SUM, 1);
        final DagRun run = state.tasks().dag(output.lastDagId);

        assertEquals("", output.lastRefusal);
        assertEquals(TaskState.RUNNING, run.states[0]);
        assertEquals(TaskState.RUNNING, run.states[1]);
        assertEquals(TaskState.PENDING, run.states[2]);

        state.tasks().onTaskResult(1, run.dagId, 0, 1, Status.OK, longBytes(5), 2);
        assertEquals(TaskState.PENDING, run.states[2], "c needs both inputs");

        state.tasks().onTaskResult(1, run.dagId, 1, 1, Status.OK, longBytes(7), 3);
        assertEquals(TaskState.RUNNING, run.states[2]);
        assertEquals(List.of("assign session=11 a attempt=1", "assign session=11 b attempt=1",
            "assign session=11 c attempt=1"), assignLines());

        state.tasks().onTaskResult(1, run.dagId, 2, 1, Status.OK, longBytes(12), 4);
        assertEquals(TaskState.DONE, run.states[2]);
        assertTrue(run.isFinished());
        assertEquals(0, state.member(1).running);
    }

    @Test
    void shouldRetryFailedTaskThenFailItAndLeaveDependantsPending()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, SUM, 1);
        final DagRun run = state.tasks().dag(output.lastDagId);

        state.tasks().onTaskResult(1, run.dagId, 0, 1, Status.UDF_FAILED, "boom".getBytes(), 2);
        assertEquals(TaskState.RUNNING, run.states[0], "retried at once on the free worker");
        assertEquals(2, run.attempts[0]);

        state.tasks().onTaskResult(1, run.dagId, 0, 2, Status.UDF_FAILED, "boom".getBytes(), 3);
        state.tasks().onTaskResult(1, run.dagId, 1, 1, Status.OK, longBytes(7), 4);

        assertEquals(TaskState.FAILED, run.states[0]);
        assertEquals(Status.UDF_FAILED, run.statuses[0]);
        assertEquals("boom", new String(run.results[0]));
        assertEquals(TaskState.PENDING, run.states[2]);
        assertTrue(run.isFinished());
    }

    @Test
    void shouldRetryFailedTaskAndSucceed()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, SUM, 1);
        final DagRun run = state.tasks().dag(output.lastDagId);

        state.tasks().onTaskResult(1, run.dagId, 0, 1, Status.UDF_FAILED, new byte[0], 2);
        state.tasks().onTaskResult(1, run.dagId, 0, 2, Status.OK, longBytes(5), 3);

        assertEquals(TaskState.DONE, run.states[0]);
        assertEquals(1, run.failures[0]);
    }

    @Test
    void shouldReassignTasksOfDeadWorkerAndIgnoreItsLateResults()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, SUM, 1);
        final DagRun run = state.tasks().dag(output.lastDagId);
        state.onJoin(2, 12, "b", 2);

        state.onHeartbeat(2, 12, 0, 0, "b", 1500);
        state.checkLiveness(1500);

        assertNull(state.member(1));
        assertEquals(TaskState.RUNNING, run.states[0]);
        assertEquals(2, run.workers[0]);
        assertEquals(2, run.attempts[0]);

        state.tasks().onTaskResult(1, run.dagId, 0, 1, Status.OK, longBytes(99), 1501);
        assertEquals(TaskState.RUNNING, run.states[0], "a dead worker's answer is stale");

        state.tasks().onTaskResult(2, run.dagId, 0, 2, Status.OK, longBytes(5), 1502);
        assertEquals(TaskState.DONE, run.states[0]);
    }

    @Test
    void shouldNotAssignBeyondCapacityAndDispatchWhenRoomFrees()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, "{\"name\":\"wide\",\"tasks\":[" +
            "{\"name\":\"a\",\"udf\":\"add\"},{\"name\":\"b\",\"udf\":\"add\"},{\"name\":\"c\",\"udf\":\"add\"}]}", 1);
        final DagRun run = state.tasks().dag(output.lastDagId);

        assertEquals(2, run.count(TaskState.RUNNING));
        assertEquals(TaskState.READY, run.states[2]);

        state.tasks().onTaskResult(1, run.dagId, 0, 1, Status.OK, longBytes(0), 2);
        assertEquals(TaskState.RUNNING, run.states[2]);
    }

    @Test
    void shouldTellTheSubmitterReadyOnlyForTasksLeftWaitingForAWorker()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, "{\"name\":\"wide\",\"tasks\":[" +
            "{\"name\":\"a\",\"udf\":\"add\"},{\"name\":\"b\",\"udf\":\"add\"},{\"name\":\"c\",\"udf\":\"add\"}]}", 1);
        final DagRun run = state.tasks().dag(output.lastDagId);

        assertEquals(List.of("state a=RUNNING worker=1", "state b=RUNNING worker=1", "state c=READY worker=-1"),
            output.lines.stream().filter(line -> line.startsWith("state")).toList(),
            "a and b went straight to a worker; c waits for room");

        state.tasks().onTaskResult(1, run.dagId, 0, 1, Status.OK, longBytes(0), 2);
        assertEquals("state c=RUNNING worker=1", output.lines.get(output.lines.size() - 2));
    }

    @Test
    void shouldSendRunningTasksAgainWhenWorkerReportsFewerTwiceInARow()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, SUM, 1);
        final int assigned = output.assignments.size();

        state.onHeartbeat(1, 11, 0, 0, "a", 2);
        assertEquals(assigned, output.assignments.size(), "one low report may be an assignment in flight");
        state.onHeartbeat(1, 11, 2, 0, "a", 3);
        state.onHeartbeat(1, 11, 0, 0, "a", 4);
        assertEquals(assigned, output.assignments.size());

        state.onHeartbeat(1, 11, 0, 0, "a", 5);
        assertEquals(assigned + 2, output.assignments.size());
    }

    @Test
    void shouldNotSendAgainTasksAssignedInTheLastTwoHeartbeatIntervals()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, "{\"name\":\"wide\",\"tasks\":[" +
            "{\"name\":\"a\",\"udf\":\"add\"},{\"name\":\"b\",\"udf\":\"add\"}," +
            "{\"name\":\"c\",\"udf\":\"add\"},{\"name\":\"d\",\"udf\":\"add\"}]}", 1);
        final long dagId = output.lastDagId;
        final int assigned = output.assignments.size();

        // A busy worker: each heartbeat left before the tasks assigned just before it arrived.
        state.onHeartbeat(1, 11, 0, 0, "a", 2);
        state.tasks().onTaskResult(1, dagId, 0, 1, Status.OK, longBytes(1), 3);
        state.tasks().onTaskResult(1, dagId, 1, 1, Status.OK, longBytes(1), 3);
        assertEquals(assigned + 2, output.assignments.size(), "c and d took a and b's places");
        state.onHeartbeat(1, 11, 0, 0, "a", 4);
        state.onHeartbeat(1, 11, 0, 0, "a", 5);
        assertEquals(assigned + 2, output.assignments.size(), "no low report while the tasks may be in flight");

        state.onHeartbeat(1, 11, 0, 0, "a", 6);
        state.onHeartbeat(1, 11, 0, 0, "a", 7);
        assertEquals(assigned + 4, output.assignments.size(), "still missing two heartbeats on: lost, sent again");
    }

    @Test
    void shouldRefuseUnknownUdfAndBadDagsWithReason()
    {
        state.tasks().onSubmit(50, 1, "{\"name\":\"u\",\"tasks\":[{\"name\":\"a\",\"udf\":\"nope\"}]}", 1);
        assertEquals(0, output.lastDagId);
        assertTrue(output.lastRefusal.contains("UDF 'nope', which is not registered"), output.lastRefusal);

        state.tasks().onSubmit(
            50, 2, "{\"name\":\"l\",\"tasks\":[{\"name\":\"a\",\"udf\":\"add\",\"inputs\":[\"a\"]}]}", 1);
        assertTrue(output.lastRefusal.contains("cycle"), output.lastRefusal);

        state.tasks().onSubmit(50, 3, "not json", 1);
        assertTrue(output.lastRefusal.startsWith("DAG JSON at offset 0"), output.lastRefusal);
        assertTrue(state.tasks().dags().isEmpty());
    }

    @Test
    void shouldForgetOldestFinishedDags()
    {
        state.onJoin(1, 11, "a", 0);
        for (int i = 0; i < 6; i++)
        {
            state.tasks().onSubmit(50, i, "{\"name\":\"one\",\"tasks\":[{\"name\":\"a\",\"udf\":\"add\"}]}", 1);
            state.tasks().onTaskResult(1, output.lastDagId, 0, 1, Status.OK, longBytes(0), 2);
        }

        assertEquals(4, state.tasks().dags().size());
        assertNull(state.tasks().dag(1));
        assertNotNull(state.tasks().dag(6));
    }

    @Test
    void shouldContinueIdenticallyAfterSnapshotRoundTrip()
    {
        state.onJoin(1, 11, "a", 0);
        state.onJoin(2, 12, "b", 0);
        state.tasks().onSubmit(50, 7, SUM, 1);
        state.tasks().onSubmit(50, 8, SUM, 1);
        final DagRun first = state.tasks().dag(1);
        state.tasks().onTaskResult(first.workers[0], 1, 0, 1, Status.UDF_FAILED, "x".getBytes(), 2);
        state.onHeartbeat(1, 11, 2, 40, "a", 3);

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = GridSnapshot.write(state, buffer);
        final RecordingOutput restoredOutput = new RecordingOutput();
        final GridState restored = newState(restoredOutput);
        GridSnapshot.read(buffer, length, restored);

        final ExpandableArrayBuffer again = new ExpandableArrayBuffer();
        assertEquals(length, GridSnapshot.write(restored, again));
        assertEquals(0, compare(buffer, again, length), "a restored state saves the same bytes");

        // The same inputs now give the same outputs from both.
        final int before = output.lines.size();
        for (final GridState grid : List.of(state, restored))
        {
            final DagRun run = grid.tasks().dag(1);
            grid.tasks().onTaskResult(run.workers[1], 1, 1, 1, Status.OK, longBytes(7), 10);
            grid.checkLiveness(1005);
            grid.onJoin(3, 13, "c", 1006);
        }
        assertEquals(output.lines.subList(before, output.lines.size()), restoredOutput.lines);
        final ExpandableArrayBuffer left = new ExpandableArrayBuffer();
        final ExpandableArrayBuffer right = new ExpandableArrayBuffer();
        final int leftLength = GridSnapshot.write(state, left);
        assertEquals(leftLength, GridSnapshot.write(restored, right));
        assertEquals(0, compare(left, right, leftLength));
    }

    @Test
    void shouldMoveARestartedWorkersSlotsBackToItAndTellItWhatIsComing()
    {
        state.onJoin(1, 11, "a", 0);
        state.onJoin(2, 12, "b", 0);
        commitMoves(11, 2, 12, 1);
        final int[] before = state.slots().owners();

        state.onHeartbeat(1, 11, 0, 0, "a", 900);
        state.checkLiveness(1001);
        assertNull(state.member(2));
        assertEquals(128, state.slots().claimsOf(2));

        state.onJoin(2, 22, "b", 1100);

        assertEquals(128, state.slots().movesTo(2), "the slots it lost move back to it");
        assertEquals(128, output.movesBySession.get(22L).length, "the returning worker hears what is coming to it");
        for (final long[] move : output.movesBySession.get(22L))
        {
            assertEquals(2, before[(int)move[0]]);
            assertEquals(2, move[1]);
        }
        commitMoves(11, 2, 22, 1200);
        assertArrayEquals(before, state.slots().owners());
        assertEquals(0, state.slots().claimsOf(2));
        assertEquals(0, state.slots().moving());

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        state.onHeartbeat(1, 11, 0, 0, "a", 2400);
        state.checkLiveness(2500);
        assertEquals(128, state.slots().claimsOf(2));
        final int length = GridSnapshot.write(state, buffer);
        final GridState restored = newState(new RecordingOutput());
        GridSnapshot.read(buffer, length, restored);
        assertEquals(128, restored.slots().claimsOf(2), "claims survive a snapshot");
    }

    @Test
    void shouldMoveSlotsFromTheHotToTheColdWorkerOnlyAfterTheSkewLastedAndNotAgainDuringTheCooldown()
    {
        final GridState grid = new GridState(256, TIMEOUT, 2, 4, Set.of("add")::contains,
            new LoadSkew(30, 500, 2000), output);
        grid.onJoin(1, 11, "a", 0);
        grid.onJoin(2, 12, "b", 0);
        for (final long[] move : output.movesBySession.get(11L))
        {
            grid.onSlotReceived(2, 12, (int)move[0], move[2], 1);
        }

        long now = 100;
        loads(grid, 90, 10, now);
        grid.checkLiveness(now);
        assertEquals(now, grid.skewSince());
        loads(grid, 90, 70, now + 250);
        grid.checkLiveness(now + 250);
        assertEquals(GridState.NEVER, grid.skewSince(), "a gap within the threshold starts over");

        now = 1000;
        for (long t = now; t < now + 500; t += 250)
        {
            loads(grid, 90, 10, t);
            grid.checkLiveness(t);
            assertEquals(0, grid.slots().moving(), "not before the skew lasted 500");
        }
        loads(grid, 90, 10, now + 500);
        grid.checkLiveness(now + 500);

        // 128 slots carrying 90 points: 47 of them bring the pair within 15 points.
        assertEquals(47, grid.slots().movesFrom(1));
        assertEquals(47, grid.slots().movesTo(2));
        assertEquals(47, output.movesBySession.get(11L).length, "the hot worker streams them");
        assertEquals(now + 500, grid.lastSkewMove());
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = GridSnapshot.write(grid, buffer);
        final GridState restored = new GridState(256, TIMEOUT, 2, 4, Set.of("add")::contains,
            new LoadSkew(30, 500, 2000), new RecordingOutput());
        GridSnapshot.read(buffer, length, restored);
        assertEquals(now + 500, restored.lastSkewMove(), "the cooldown survives a snapshot");

        for (final long[] move : output.movesBySession.get(11L))
        {
            grid.onSlotReceived(2, 12, (int)move[0], move[2], now + 600);
        }
        assertEquals(81, grid.slots().slotsOf(1));
        assertEquals(175, grid.slots().slotsOf(2));
        for (long t = now + 750; t < now + 2500; t += 250)
        {
            loads(grid, 90, 10, t);
            grid.checkLiveness(t);
            assertEquals(0, grid.slots().moving(), "no second move within the cooldown");
        }
        loads(grid, 90, 10, now + 2500);
        grid.checkLiveness(now + 2500);
        assertTrue(grid.slots().movesFrom(1) > 0, "the skew lasted past the cooldown: more slots move");
    }

    @Test
    void shouldNotMoveSlotsOnLoadWhenOff()
    {
        state.onJoin(1, 11, "a", 0);
        state.onJoin(2, 12, "b", 0);
        commitMoves(11, 2, 12, 1);
        for (long t = 100; t < 5000; t += 250)
        {
            loads(state, 100, 0, t);
            state.checkLiveness(t);
        }
        assertEquals(0, state.slots().moving());
        assertEquals(128, state.slots().slotsOf(1));
    }

    private static void loads(final GridState grid, final int first, final int second, final long now)
    {
        grid.onHeartbeat(1, 11, 0, first, "a", grid.slots().epoch(), now);
        grid.onHeartbeat(2, 12, 0, second, "b", grid.slots().epoch(), now);
    }

    private void commitMoves(final long sourceSession, final int targetId, final long targetSession, final long now)
    {
        for (final long[] move : output.movesBySession.get(sourceSession))
        {
            state.onSlotReceived(targetId, targetSession, (int)move[0], move[2], now);
        }
    }

    @Test
    void shouldRefuseTruncatedOrForeignSnapshot()
    {
        state.onJoin(1, 11, "a", 0);
        state.tasks().onSubmit(50, 7, SUM, 1);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = GridSnapshot.write(state, buffer);

        assertThrows(IllegalStateException.class, () -> GridSnapshot.read(buffer, length - 3, newState(output)));
        final GridState otherSlots = new GridState(128, TIMEOUT, 2, 4, name -> true, output);
        assertThrows(IllegalStateException.class, () -> GridSnapshot.read(buffer, length, otherSlots));
    }

    private static int compare(final ExpandableArrayBuffer left, final ExpandableArrayBuffer right, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (left.getByte(i) != right.getByte(i))
            {
                return i + 1;
            }
        }
        return 0;
    }

    private List<String> assignLines()
    {
        return output.lines.stream().filter(line -> line.startsWith("assign")).toList();
    }

    private static byte[] longBytes(final long value)
    {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }
}
