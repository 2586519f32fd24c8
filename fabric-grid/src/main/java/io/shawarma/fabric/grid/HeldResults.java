package io.shawarma.fabric.grid;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;

/**
 * The results a grid worker made for tasks with dependants, kept here for them instead of going through consensus:
 * the cluster records only that a task is done and which worker holds its result. A dependant running on this worker
 * reads its input here; one running elsewhere fetches it over the data plane ({@link TaskInputs}). At most
 * {@code capacity} results are kept, the oldest forgotten first: a dependant asking for a forgotten one is told so,
 * and the cluster runs that task again. Allocates per result kept, never per read.
 */
final class HeldResults
{
    private final int capacity;
    private final Long2ObjectHashMap<Held> byTask = new Long2ObjectHashMap<>();
    private final ArrayDeque<Held> oldestFirst = new ArrayDeque<>();

    /**
     * @param capacity results kept at most.
     */
    HeldResults(final int capacity)
    {
        this.capacity = capacity;
    }

    /** Keeps a task's result; it replaces one of an earlier attempt. */
    void put(final long dagId, final int task, final int attempt, final byte[] result)
    {
        final Held held = new Held(dagId, task, attempt, result);
        byTask.put(AssignedTasks.key(dagId, task), held);
        oldestFirst.addLast(held);
        while (oldestFirst.size() > capacity)
        {
            final Held oldest = oldestFirst.pollFirst();
            final long oldestKey = AssignedTasks.key(oldest.dagId, oldest.task);
            if (byTask.get(oldestKey) == oldest)
            {
                byTask.remove(oldestKey);
            }
        }
    }

    /** @return the result of that attempt of the task, or null when it is not held here. */
    byte[] get(final long dagId, final int task, final int attempt)
    {
        final Held held = byTask.get(AssignedTasks.key(dagId, task));
        return null != held && held.dagId == dagId && held.attempt == attempt ? held.result : null;
    }

    /** @return results held. */
    int size()
    {
        return byTask.size();
    }

    private static final class Held
    {
        final long dagId;
        final int task;
        final int attempt;
        final byte[] result;

        Held(final long dagId, final int task, final int attempt, final byte[] result)
        {
            this.dagId = dagId;
            this.task = task;
            this.attempt = attempt;
            this.result = result;
        }
    }
}
