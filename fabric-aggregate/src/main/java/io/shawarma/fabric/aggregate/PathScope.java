package io.shawarma.fabric.aggregate;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * Where a device's round is in its program: the stack of the constructs being evaluated, each with its interned
 * path slot and the invocation index of the next construct in its scope. Entering a construct gives it the path of
 * its parent plus (construct, invocation index, tag), the same on every device that evaluates it in the same place.
 * <p>
 * Every device runs the same program, so its rounds enter the same constructs in the same order, round after
 * round. The scope keeps that order as a trace: the n-th construct entered (counted from the start of the round,
 * or from the start of a foldhood's turn, since every turn enters the same constructs) with its parent slot, step
 * and slot. Entering checks the trace's entry (two int compares) and interns the path only when it differs, e.g.
 * on another branch; so the path table's hash lookup is paid when a shape is new, not per construct.
 */
final class PathScope
{
    private static final long MISSING_KEY = -1;
    /** A program whose rounds enter more constructs than this looks the rest up in the path table. */
    private static final int MAX_TRACE = 1 << 16;

    private final PathTable paths;
    private final Exports exports;
    private final Long2LongHashMap alignKeyIds = new Long2LongHashMap(MISSING_KEY);
    private int[] slotStack = new int[32];
    private int[] indexStack = new int[32];
    private int depth;
    private int[] traceParents = new int[64];
    private int[] traceSteps = new int[64];
    private int[] traceSlots = new int[64];
    private int cursor;

    PathScope(final PathTable paths, final Exports exports)
    {
        this.paths = paths;
        this.exports = exports;
    }

    /**
     * Starts a round at the program's root.
     */
    void reset()
    {
        depth = 0;
        slotStack[0] = PathTable.ROOT;
        indexStack[0] = 0;
        cursor = 0;
    }

    /**
     * @return where the trace is, for {@link #restart(int)}: taken when a foldhood starts its turns.
     */
    int traceMark()
    {
        return cursor;
    }

    /**
     * Starts the current scope afresh, so that a foldhood's every turn reaches the same paths (and the same trace
     * entries, from {@code traceMark}).
     */
    void restart(final int traceMark)
    {
        indexStack[depth] = 0;
        cursor = traceMark;
    }

    /**
     * Enters the next construct of the current scope.
     *
     * @return its path slot.
     */
    int enter(final int kind, final int tag)
    {
        return enterStep(PathTable.step(kind, indexStack[depth]++, tag));
    }

    /**
     * The slot of the next construct of the current scope when it has no body (an {@code nbr}, whose value is
     * evaluated before it): as {@link #enter(int, int)} then {@link #exit()}, without touching the stack.
     *
     * @return its path slot.
     */
    int leaf(final int kind)
    {
        return slotOf(PathTable.step(kind, indexStack[depth]++, 0));
    }

    /**
     * Enters the scope named by {@code key}, whatever ran before it in the current scope.
     *
     * @return its path slot.
     */
    int enterAligned(final long key)
    {
        long id = alignKeyIds.get(key);
        if (MISSING_KEY == id)
        {
            id = alignKeyIds.size();
            alignKeyIds.put(key, id);
        }
        return enterStep(PathTable.step(PathTable.KIND_ALIGN, (int)id, 0));
    }

    /**
     * @return the slot of a private child of the current construct, a path no construct of its body reaches; the
     * scope stays where it is.
     */
    int privateChild(final int step)
    {
        final int slot = paths.child(slotStack[depth], step);
        exports.ensureSlots(slot + 1);
        return slot;
    }

    void exit()
    {
        depth--;
    }

    private int enterStep(final int step)
    {
        final int slot = slotOf(step);
        if (++depth == slotStack.length)
        {
            slotStack = Arrays.copyOf(slotStack, depth * 2);
            indexStack = Arrays.copyOf(indexStack, depth * 2);
        }
        slotStack[depth] = slot;
        indexStack[depth] = 0;
        return slot;
    }

    /**
     * @return the slot of the current scope's child by {@code step}, from the trace when it predicts it.
     */
    private int slotOf(final int step)
    {
        final int parent = slotStack[depth];
        final int k = cursor++;
        return k < traceSlots.length && traceSteps[k] == step && traceParents[k] == parent ?
            traceSlots[k] : learn(k, parent, step);
    }

    /**
     * Interns a path the trace did not predict and keeps it as the trace's k-th entry.
     */
    private int learn(final int k, final int parent, final int step)
    {
        final int slot = paths.child(parent, step);
        exports.ensureSlots(slot + 1);
        if (k >= traceSlots.length && k < MAX_TRACE)
        {
            final int length = Math.min(MAX_TRACE, traceSlots.length * 2);
            traceParents = Arrays.copyOf(traceParents, length);
            traceSteps = Arrays.copyOf(traceSteps, length);
            traceSlots = Arrays.copyOf(traceSlots, length);
        }
        if (k < traceSlots.length)
        {
            traceParents[k] = parent;
            traceSteps[k] = step;
            traceSlots[k] = slot;
        }
        return slot;
    }
}
