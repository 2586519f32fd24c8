package io.shawarma.fabric.aggregate;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * Interns the paths of a program's constructs to dense slot numbers. A path is its parent's slot plus one step:
 * the construct, its invocation index within the parent's scope and, for {@code branch}, the branch taken (for
 * {@code align}, the key in place of the index). Two evaluations reach the same slot exactly when they are at the
 * same place in the program, on any device of this worker, so exports are arrays indexed by slot. Slot 0 is the
 * root. A path is interned once, the first time any device reaches it; looking it up again allocates nothing.
 */
final class PathTable
{
    static final int ROOT = 0;
    static final int MAX_SLOTS = 0xFFFF;

    static final int KIND_ROOT = 0;
    static final int KIND_REP = 1;
    static final int KIND_NBR = 2;
    static final int KIND_FOLDHOOD = 3;
    static final int KIND_BRANCH = 4;
    static final int KIND_SHARE = 5;
    static final int KIND_ALIGN = 6;
    static final int KIND_EXCHANGE = 7;

    private static final int KIND_BITS = 3;
    private static final int KIND_MASK = (1 << KIND_BITS) - 1;
    private static final int TAG_SHIFT = KIND_BITS;
    private static final int INDEX_SHIFT = KIND_BITS + 1;
    private static final int MAX_INDEX = Integer.MAX_VALUE >>> INDEX_SHIFT;
    private static final long MISSING = -1;
    private static final int TAG_MASK = 1 << TAG_SHIFT;

    /**
     * The step, under an exchange's slot, of the private slot that keeps what the device sent itself (tag 1: an
     * exchange's own step always has tag 0, and no construct in its body can have this step).
     */
    static final int EXCHANGE_SELF_STEP = step(KIND_EXCHANGE, 0, 1);

    private final Long2LongHashMap slotByPath = new Long2LongHashMap(64, 0.65f, MISSING);
    private int[] parents = new int[64];
    private int[] steps = new int[64];
    private int size = 1;

    /**
     * @param kind  one of the {@code KIND_} constants.
     * @param index the invocation index within the parent scope, or an align key id.
     * @param tag   the branch taken (0 or 1), 0 for other constructs.
     * @return the step, packed in an int.
     */
    static int step(final int kind, final int index, final int tag)
    {
        if (index > MAX_INDEX)
        {
            throw new IllegalStateException("more than " + MAX_INDEX + " constructs in one scope");
        }
        return (index << INDEX_SHIFT) | (tag << TAG_SHIFT) | kind;
    }

    static int kindOf(final int step)
    {
        return step & KIND_MASK;
    }

    /**
     * @return whether neighbours read a slot of this kind: nbr, share and exchange values (an exchange's default),
     * and foldhood's presence, which says that a neighbour is aligned with this device at that foldhood. Only those
     * are shipped.
     */
    static boolean isNeighbourVisible(final int step)
    {
        final int kind = kindOf(step);
        return KIND_NBR == kind || KIND_FOLDHOOD == kind || KIND_SHARE == kind || isExchange(step);
    }

    /**
     * @return whether a step is an exchange's (not its private self slot): its slot keeps the default sent to
     * the neighbours, and its per-neighbour overrides are kept beside the exports.
     */
    static boolean isExchange(final int step)
    {
        return KIND_EXCHANGE == kindOf(step) && 0 == (step & TAG_MASK);
    }

    /**
     * @return the slot of the path {@code parent + step}, interned if new.
     * @throws IllegalStateException when a program has more than {@link #MAX_SLOTS} paths.
     */
    int child(final int parent, final int step)
    {
        final long key = ((long)parent << 32) | (step & 0xFFFF_FFFFL);
        final long slot = slotByPath.get(key);
        if (MISSING != slot)
        {
            return (int)slot;
        }
        return add(key, parent, step);
    }

    /**
     * @return the number of slots interned, the root included.
     */
    int size()
    {
        return size;
    }

    int parentOf(final int slot)
    {
        return parents[slot];
    }

    int stepOf(final int slot)
    {
        return steps[slot];
    }

    private int add(final long key, final int parent, final int step)
    {
        if (size >= MAX_SLOTS)
        {
            throw new IllegalStateException("a program may have at most " + MAX_SLOTS + " construct paths");
        }
        if (size == parents.length)
        {
            parents = Arrays.copyOf(parents, size * 2);
            steps = Arrays.copyOf(steps, size * 2);
        }
        final int slot = size++;
        parents[slot] = parent;
        steps[slot] = step;
        slotByPath.put(key, slot);
        return slot;
    }
}
