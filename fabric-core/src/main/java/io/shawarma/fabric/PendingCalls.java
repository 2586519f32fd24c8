package io.shawarma.fabric;

import org.agrona.BitUtil;

/**
 * Calls sent and not yet answered, in a fixed ring indexed by correlation id: bounded memory, no allocation.
 * Correlation ids grow from 1; a call whose slot is still taken by an older unanswered call is refused (the caller
 * reports BACK_PRESSURED), so at most {@code capacity} calls are in flight.
 */
final class PendingCalls
{
    /** Receives calls whose deadline passed. */
    interface ExpiryHandler
    {
        void onExpired(long correlationId, int callerId, long callerCorrelationId);
    }

    /** Least time between two scans for expired calls. */
    static final long SCAN_INTERVAL_NS = 1_000_000;

    private final long[] correlationIds;
    private final long[] deadlinesNs;
    private final int[] callerIds;
    private final long[] callerCorrelationIds;
    private final int mask;
    private long nextCorrelationId = 1;
    private long nextScanNs;
    private int size;

    PendingCalls(final int capacity)
    {
        final int length = BitUtil.findNextPositivePowerOfTwo(capacity);
        correlationIds = new long[length];
        deadlinesNs = new long[length];
        callerIds = new int[length];
        callerCorrelationIds = new long[length];
        mask = length - 1;
    }

    /**
     * @return the new call's correlation id, or 0 when too many calls are in flight.
     */
    long add(final long deadlineNs, final int callerId, final long callerCorrelationId)
    {
        final long correlationId = nextCorrelationId;
        final int index = (int)correlationId & mask;
        if (0 != correlationIds[index])
        {
            return 0;
        }
        nextCorrelationId++;
        correlationIds[index] = correlationId;
        deadlinesNs[index] = deadlineNs;
        callerIds[index] = callerId;
        callerCorrelationIds[index] = callerCorrelationId;
        size++;
        return correlationId;
    }

    /**
     * @return the slot of a pending call, or -1 when it is not pending (never sent, answered or expired).
     */
    int indexOf(final long correlationId)
    {
        final int index = (int)correlationId & mask;
        return correlationId > 0 && correlationIds[index] == correlationId ? index : -1;
    }

    int callerId(final int index)
    {
        return callerIds[index];
    }

    long callerCorrelationId(final int index)
    {
        return callerCorrelationIds[index];
    }

    long deadlineNs(final int index)
    {
        return deadlinesNs[index];
    }

    void remove(final int index)
    {
        correlationIds[index] = 0;
        size--;
    }

    int size()
    {
        return size;
    }

    /**
     * Removes every call whose deadline has passed, telling the handler. Scans the ring at most once per
     * {@link #SCAN_INTERVAL_NS}, so a call expires up to that much after its deadline and polling stays cheap.
     *
     * @return the number expired.
     */
    int expire(final long nowNs, final ExpiryHandler handler)
    {
        if (0 == size || nowNs - nextScanNs < 0)
        {
            return 0;
        }
        nextScanNs = nowNs + SCAN_INTERVAL_NS;
        int expired = 0;
        for (int i = 0; i < correlationIds.length; i++)
        {
            final long correlationId = correlationIds[i];
            if (0 != correlationId && nowNs - deadlinesNs[i] >= 0)
            {
                remove(i);
                handler.onExpired(correlationId, callerIds[i], callerCorrelationIds[i]);
                expired++;
            }
        }
        return expired;
    }
}
