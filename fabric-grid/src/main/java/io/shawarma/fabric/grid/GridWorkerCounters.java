package io.shawarma.fabric.grid;

import io.shawarma.fabric.CountersFile;
import io.shawarma.fabric.WorkerPort;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * A grid worker's own counters, in its worker's counters file beside the data plane's, so that
 * {@code scripts/shawarma stat} shows them. The agent thread publishes them; any thread reads them.
 */
final class GridWorkerCounters
{
    final AtomicCounter malformedChunks;
    private final AtomicCounter placementEpoch;
    private final AtomicCounter ownedSlots;
    private final AtomicCounter slotsSent;
    private final AtomicCounter verticesSent;
    private final AtomicCounter slotsReceived;
    private final AtomicCounter verticesReceived;
    private final AtomicCounter verticesDropped;
    private final AtomicCounter verticesMerged;
    private final AtomicCounter tasksRun;
    private final AtomicCounter taskResultsResent;
    private final AtomicCounter taskResultsUnacknowledged;
    private final AtomicCounter malformedClusterMessages;
    private final AtomicCounter backupWritesSent;
    private final AtomicCounter backupTimeouts;
    private final AtomicCounter backupWritesApplied;
    private final AtomicCounter slotsFilled;
    private final AtomicCounter resultsHeld;
    private final AtomicCounter inputsFetched;
    private final AtomicCounter fetchesAnswered;
    private final AtomicCounter inputsLost;

    GridWorkerCounters(final WorkerPort port)
    {
        port.counterRole(CountersFile.ROLE_GRID);
        placementEpoch = port.newCounter("grid: placement epoch");
        ownedSlots = port.newCounter("grid: slots owned");
        slotsSent = port.newCounter("grid: slots streamed away");
        verticesSent = port.newCounter("grid: vertices streamed away");
        slotsReceived = port.newCounter("grid: slots received");
        verticesReceived = port.newCounter("grid: vertices received");
        verticesDropped = port.newCounter("grid: vertices dropped (slots gone)");
        verticesMerged = port.newCounter("grid: vertices merged on install");
        malformedChunks = port.newCounter("grid: malformed slot chunks");
        tasksRun = port.newCounter("grid: tasks run");
        taskResultsResent = port.newCounter("grid: task results sent again");
        taskResultsUnacknowledged = port.newCounter("grid: task results unacknowledged");
        malformedClusterMessages = port.newCounter("grid: malformed cluster messages");
        backupWritesSent = port.newCounter("grid: backup writes sent");
        backupTimeouts = port.newCounter("grid: writes unconfirmed by backups (TIMEOUT)");
        backupWritesApplied = port.newCounter("grid: backup writes applied here");
        slotsFilled = port.newCounter("grid: backup fills received");
        resultsHeld = port.newCounter("grid: task results held for dependants");
        inputsFetched = port.newCounter("grid: task inputs fetched from other workers");
        fetchesAnswered = port.newCounter("grid: task results sent to other workers");
        inputsLost = port.newCounter("grid: task inputs lost (run again)");
    }

    /** Copies the migration's counts; from the agent thread. */
    void publish(final SlotMigration migration)
    {
        placementEpoch.setRelease(migration.epoch());
        ownedSlots.setRelease(migration.ownedSlots());
        slotsSent.setRelease(migration.slotsSent());
        verticesSent.setRelease(migration.verticesSent());
        slotsReceived.setRelease(migration.slotsReceived());
        verticesReceived.setRelease(migration.verticesReceived());
        verticesDropped.setRelease(migration.verticesDropped());
        verticesMerged.setRelease(migration.verticesMerged());
    }

    /** A task's outcome reported; from the agent thread. */
    void onTaskRun()
    {
        tasksRun.incrementRelease();
    }

    /** Copies the counts of task result delivery; from the agent thread. */
    void publish(final AssignedTasks tasks)
    {
        taskResultsResent.setRelease(tasks.resends());
        taskResultsUnacknowledged.setRelease(tasks.unacknowledged());
    }

    /** Copies the counts of results held here and inputs fetched; from the agent thread. */
    void publish(final HeldResults held, final TaskInputs inputs)
    {
        resultsHeld.setRelease(held.size());
        inputsFetched.setRelease(inputs.inputsFetched());
        fetchesAnswered.setRelease(inputs.fetchesAnswered());
        inputsLost.setRelease(inputs.inputsLost());
    }

    /** Copies the counts of slot backups; from the agent thread. */
    void publish(final SlotReplicas replicas)
    {
        backupWritesSent.setRelease(replicas.writesSent());
        backupTimeouts.setRelease(replicas.timeouts());
        backupWritesApplied.setRelease(replicas.backupWritesApplied());
        slotsFilled.setRelease(replicas.slotsFilled());
    }

    /** Copies the cluster session's count of malformed messages; from the agent thread. */
    void malformedClusterMessages(final long count)
    {
        malformedClusterMessages.setRelease(count);
    }

    long placementEpoch()
    {
        return placementEpoch.get();
    }

    int ownedSlots()
    {
        return (int)ownedSlots.get();
    }

    long tasksRun()
    {
        return tasksRun.get();
    }

    /** @return slots streamed away, vertices streamed away, slots received, vertices received. */
    long[] migrationCounts()
    {
        return new long[]{ slotsSent.get(), verticesSent.get(), slotsReceived.get(), verticesReceived.get() };
    }
}
