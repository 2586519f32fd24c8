package io.shawarma.fabric.grid;

import io.shawarma.codecs.GridStatusDecoder;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Asks the cluster for the grid's status and keeps the answer: the text {@code shawarma status} prints, the
 * placement epoch and the slots of each worker.
 */
public final class StatusWatch implements GridListener
{
    private final TreeMap<Integer, Integer> slotsByWorker = new TreeMap<>();
    private int backupsBehind;
    private String text;
    private long epoch;
    private boolean received;

    /**
     * Requests the status and polls until it arrives.
     *
     * @return true when it arrived before the timeout.
     */
    public boolean query(final GridClient client, final long timeoutNs)
    {
        received = false;
        if (0 == client.requestStatus(0))
        {
            return false;
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (!received)
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }
            if (0 == client.poll())
            {
                try
                {
                    Thread.sleep(1);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    public void onGridStatus(final GridStatusDecoder status)
    {
        epoch = status.session().epoch();
        slotsByWorker.clear();
        final StringBuilder out = new StringBuilder();
        out.append("placement epoch ").append(epoch).append('\n');
        final long now = status.clusterTime();
        final GridStatusDecoder.MembersDecoder members = status.members();
        out.append("workers: ").append(members.count()).append('\n');
        for (final GridStatusDecoder.MembersDecoder member : members)
        {
            slotsByWorker.put(member.workerId(), member.slots());
            out.append(String.format("  worker %-6d slots %4d  load %3d%%  running %3d  last heartbeat %d ms ago%n",
                member.workerId(), member.slots(), member.load(), member.runningTasks(),
                TimeUnit.NANOSECONDS.toMillis(now - member.lastHeartbeat())));
        }
        out.append("tasks: pending ").append(status.pendingTasks()).append(", ready ").append(status.readyTasks())
            .append(", running ").append(status.runningTasks()).append(", done ").append(status.doneTasks())
            .append(", failed ").append(status.failedTasks()).append(" (in ").append(status.dags())
            .append(" DAGs kept)\n");
        backupsBehind = status.backupsAssigned() - status.backupsInSync();
        out.append("backups: ").append(status.backupsPerSlot()).append(" per slot, ").append(status.backupsAssigned())
            .append(" assigned, ").append(status.backupsInSync()).append(" in sync\n");
        text = out.toString();
        received = true;
    }

    /** @return the last status as text. */
    public String text()
    {
        return text;
    }

    /** @return the placement epoch of the last status. */
    public long epoch()
    {
        return epoch;
    }

    /** @return backups assigned but still being filled, in the last status. */
    public int backupsBehind()
    {
        return backupsBehind;
    }

    /** @return slots per live worker in the last status. */
    public Map<Integer, Integer> slotsByWorker()
    {
        return Collections.unmodifiableMap(slotsByWorker);
    }
}
