package io.shawarma.fabric.borrow;

import io.shawarma.codecs.LeaseMode;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The borrower's store of copies of other workers' vertices (the BORROWED store): a fixed number of slots, each
 * with room for the largest value, in one direct buffer, and per slot the lease's state in primitive arrays.
 * A slot goes REQUESTED (asked the owner) -> HELD (granted; calls run on it) -> RETURNING (sent back, awaiting the
 * owner's ack) -> free. Allocation free; single threaded (the borrower's agent).
 */
public final class BorrowedCopies
{
    static final byte FREE = 0;
    static final byte REQUESTED = 1;
    static final byte HELD = 2;
    static final byte RETURNING = 3;
    static final byte REFUSED = 4;

    private static final long NO_SLOT = -1;

    private final int maxValueBytes;
    private final UnsafeBuffer values;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final Long2LongHashMap slotByVertex;
    private final int[] freeSlots;
    private int freeCount;

    final byte[] state;
    final long[] vertexId;
    final int[] ownerId;
    final long[] leaseId;
    final long[] requestId;
    final LeaseMode[] mode;
    final int[] udfId;
    final long[] version;
    final long[] sinceNs;
    final long[] expiryNs;
    final int[] length;
    final boolean[] changed;
    final int[] attempts;
    final long[] uses;

    /**
     * @param slots         most vertices borrowed (or being requested or returned) at once.
     * @param maxValueBytes largest value a slot holds.
     */
    public BorrowedCopies(final int slots, final int maxValueBytes)
    {
        this.maxValueBytes = maxValueBytes;
        values = new UnsafeBuffer(BufferUtil.allocateDirectAligned(slots * maxValueBytes, 64));
        slotByVertex = new Long2LongHashMap(slots * 2, 0.65f, NO_SLOT);
        freeSlots = new int[slots];
        for (int i = slots - 1; i >= 0; i--)
        {
            freeSlots[freeCount++] = i;
        }
        state = new byte[slots];
        vertexId = new long[slots];
        ownerId = new int[slots];
        leaseId = new long[slots];
        requestId = new long[slots];
        mode = new LeaseMode[slots];
        udfId = new int[slots];
        version = new long[slots];
        sinceNs = new long[slots];
        expiryNs = new long[slots];
        length = new int[slots];
        changed = new boolean[slots];
        attempts = new int[slots];
        uses = new long[slots];
    }

    /**
     * @return true when no slot holds, requests or returns a vertex.
     */
    public boolean isEmpty()
    {
        return slotByVertex.isEmpty();
    }

    /**
     * @return the slot holding (or requesting, or returning) a vertex, or -1.
     */
    public int slotOf(final long vertexId)
    {
        // Asked on every forwarded call: nothing to probe while nothing is borrowed.
        return slotByVertex.isEmpty() ? (int)NO_SLOT : (int)slotByVertex.get(vertexId);
    }

    /**
     * @return the slot's state.
     */
    public byte stateOf(final int slot)
    {
        return state[slot];
    }

    /**
     * @return the number of slots.
     */
    public int capacity()
    {
        return state.length;
    }

    /**
     * @return the slot's value, a view valid until the next call to this method.
     */
    public UnsafeBuffer value(final int slot)
    {
        view.wrap(values, slot * maxValueBytes, maxValueBytes);
        return view;
    }

    int claim(final long vertex, final int owner, final int udf, final long request, final long nowNs)
    {
        if (0 == freeCount)
        {
            return -1;
        }
        final int slot = freeSlots[--freeCount];
        state[slot] = REQUESTED;
        vertexId[slot] = vertex;
        ownerId[slot] = owner;
        udfId[slot] = udf;
        leaseId[slot] = 0;
        requestId[slot] = request;
        sinceNs[slot] = nowNs;
        length[slot] = 0;
        changed[slot] = false;
        attempts[slot] = 0;
        uses[slot] = 0;
        slotByVertex.put(vertex, slot);
        return slot;
    }

    boolean fill(final int slot, final DirectBuffer buffer, final int offset, final int valueLength)
    {
        if (valueLength > maxValueBytes)
        {
            return false;
        }
        values.putBytes(slot * maxValueBytes, buffer, offset, valueLength);
        length[slot] = valueLength;
        return true;
    }

    void release(final int slot)
    {
        slotByVertex.remove(vertexId[slot]);
        state[slot] = FREE;
        freeSlots[freeCount++] = slot;
    }
}
