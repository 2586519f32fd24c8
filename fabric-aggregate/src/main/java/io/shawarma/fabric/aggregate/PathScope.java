package io.shawarma.fabric.aggregate;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * Where a device's round is in its program: the stack of the constructs being evaluated, each with its interned
 * path slot and the invocation index of the next construct in its scope. Entering a construct gives it the path of
 * its parent plus (construct, invocation index, tag), the same on every device that evaluates it in the same place.
 */
final class PathScope
{
    private static final long MISSING_KEY = -1;

    private final PathTable paths;
    private final Exports exports;
    private final Long2LongHashMap alignKeyIds = new Long2LongHashMap(MISSING_KEY);
    private int[] slotStack = new int[32];
    private int[] indexStack = new int[32];
    private int depth;

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
    }

    /**
     * Starts the current scope afresh, so that a foldhood's every turn reaches the same paths.
     */
    void restart()
    {
        indexStack[depth] = 0;
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
        final int slot = paths.child(slotStack[depth], step);
        exports.ensureSlots(slot + 1);
        if (++depth == slotStack.length)
        {
            slotStack = Arrays.copyOf(slotStack, depth * 2);
            indexStack = Arrays.copyOf(indexStack, depth * 2);
        }
        slotStack[depth] = slot;
        indexStack[depth] = 0;
        return slot;
    }
}
