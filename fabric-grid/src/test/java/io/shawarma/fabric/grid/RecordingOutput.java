package io.shawarma.fabric.grid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records what the state machine sends, as text lines, for assertions.
 */
final class RecordingOutput implements GridOutput
{
    final List<String> lines = new ArrayList<>();
    final List<long[]> assignments = new ArrayList<>();
    long lastEpoch = -1;
    int[] lastOwners;
    String lastRefusal;
    long lastDagId;
    /** The last slot moves sent to each session: (slot, target, moveId) each. */
    final Map<Long, long[][]> movesBySession = new HashMap<>();
    /** Views with backups sent, and the last backups and fill ids sent. */
    int backupViews;
    int lastBackupCount;
    int[] lastBackups;
    long[] lastFillIds;
    /** Heartbeat acknowledgements sent: (session, correlation id, epoch) each. */
    final List<long[]> heartbeatAcks = new ArrayList<>();

    public void placement(final long sessionId, final long epoch, final int[] slotOwners)
    {
        lastEpoch = epoch;
        lastOwners = slotOwners;
        lines.add("placement session=" + sessionId + " epoch=" + epoch);
    }

    public void slotMoves(
        final long sessionId, final long epoch, final int[] slots, final int[] targets, final long[] moveIds,
        final String targetChannels)
    {
        final long[][] moves = new long[slots.length][];
        for (int i = 0; i < slots.length; i++)
        {
            moves[i] = new long[]{ slots[i], targets[i], moveIds[i] };
        }
        movesBySession.put(sessionId, moves);
        lines.add("moves session=" + sessionId + " epoch=" + epoch + " count=" + slots.length);
    }

    public void slotBackups(
        final long sessionId, final long epoch, final int backupCount, final int[] backups, final long[] fillIds)
    {
        // Not in lines: tests of the grid without backups read the lines as before.
        backupViews++;
        lastBackupCount = backupCount;
        lastBackups = backups;
        lastFillIds = fillIds;
    }

    public void heartbeatAck(final long sessionId, final long correlationId, final long epoch)
    {
        heartbeatAcks.add(new long[]{ sessionId, correlationId, epoch });
    }

    public void assign(final long sessionId, final DagRun run, final int task)
    {
        assignments.add(new long[]{ sessionId, run.dagId, task, run.attempts[task] });
        lines.add("assign session=" + sessionId + " " + run.dag.taskName(task) + " attempt=" + run.attempts[task]);
    }

    public void taskStateChanged(final long sessionId, final DagRun run, final int task, final long now)
    {
        lines.add("state " + run.dag.taskName(task) + "=" + run.states[task] + " worker=" + run.workers[task]);
    }

    public void submitted(
        final long sessionId, final long correlationId, final long dagId, final int taskCount, final String refusal)
    {
        lastDagId = dagId;
        lastRefusal = refusal;
        lines.add("submitted dag=" + dagId + " refusal=" + refusal);
    }

    long[] lastAssignment()
    {
        return assignments.get(assignments.size() - 1);
    }
}
