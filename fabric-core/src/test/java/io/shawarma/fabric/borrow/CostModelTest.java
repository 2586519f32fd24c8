package io.shawarma.fabric.borrow;

import org.junit.jupiter.api.Test;

import static io.shawarma.fabric.borrow.CostModel.BORROW;
import static io.shawarma.fabric.borrow.CostModel.FORWARD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CostModelTest
{
    private static final int OWNER = 2;
    private static final long US = 1_000L;

    private final CostModel model = new CostModel(new CostModel.Context().leaseDurationNs(20_000 * US));
    private long nowNs = 1_000_000_000L;

    @Test
    void shouldForwardAVertexTouchedOnce()
    {
        model.onRoundTrip(OWNER, 50 * US);
        assertEquals(FORWARD, model.decide(1, OWNER, false, 8, false, nowNs));
        assertEquals(1, model.decisions(CostModel.REASON_COLD_OR_LARGE));
    }

    @Test
    void shouldBorrowAVertexReadOftenAndRunOnTheHeldCopy()
    {
        model.onRoundTrip(OWNER, 50 * US);
        assertEquals(FORWARD, touchEvery(10 * US, 1, false, 1));
        assertEquals(BORROW, touchEvery(10 * US, 1, false, 5));
        assertEquals(BORROW, model.decide(1, OWNER, false, 8, true, nowNs));
        assertEquals(1, model.decisions(CostModel.REASON_LEASE_HELD));
        assertTrue(model.decisions(CostModel.REASON_HOT) > 0);
    }

    @Test
    void shouldForwardALargeValueWhoseUseDoesNotPayForItsTransfer()
    {
        model.onRoundTrip(OWNER, 50 * US);
        touchEvery(1_000 * US, 1, true, 2);
        model.onValueSize(1, 64 * 1024);
        // 20 uses a lease: (50 us + 2 * 64 KiB * 1 ns/B) / 20 + 6.5 us copy = 15 us < 50 us: borrow wins...
        assertEquals(BORROW, touchEvery(1_000 * US, 1, true, 3));
        // ...but at one use per lease the transfer dominates.
        assertEquals(FORWARD, touchEvery(30_000 * US, 1, true, 4));
        assertTrue(model.lastBorrowNs() > model.lastForwardNs());
    }

    @Test
    void shouldForwardAContendedVertexForAWhile()
    {
        model.onRoundTrip(OWNER, 50 * US);
        assertEquals(BORROW, touchEvery(10 * US, 1, true, 6));
        model.onConflict(1, nowNs);
        assertEquals(FORWARD, touchEvery(10 * US, 1, true, 1));
        assertEquals(1, model.decisions(CostModel.REASON_CONTENDED));
        nowNs += 200_000 * US;
        assertEquals(BORROW, touchEvery(10 * US, 1, true, 2), "hot again: a long gap counts as one idle lease");
    }

    @Test
    void shouldForwardAVertexContendedAgainAndAgainForLonger()
    {
        model.onRoundTrip(OWNER, 50 * US);
        touchEvery(10 * US, 1, true, 6);
        model.onConflict(1, nowNs);
        nowNs += 150_000 * US;                          // past the first 100 ms window: tried again, lost again
        assertEquals(BORROW, touchEvery(10 * US, 1, true, 1));
        model.onConflict(1, nowNs);
        nowNs += 150_000 * US;
        assertEquals(FORWARD, touchEvery(10 * US, 1, true, 1), "the second window is 200 ms");
        nowNs += 100_000 * US;
        assertEquals(BORROW, touchEvery(10 * US, 1, true, 6), "after 200 ms it is estimated again");
    }

    @Test
    void shouldForwardWhenTheOwnerIsIdleAndTheRoundTripCheap()
    {
        model.onRoundTrip(OWNER, 2 * US);
        touchEvery(10_000 * US, 1, true, 1);
        model.onValueSize(1, 4096);
        assertEquals(FORWARD, touchEvery(10_000 * US, 1, true, 8),
            "two uses a lease: 4 KiB each way costs more than a 2 us round trip");
    }

    @Test
    void shouldBorrowRatherThanQueueBehindABusyOwner()
    {
        model.onRoundTrip(OWNER, 2 * US);
        touchEvery(10_000 * US, 1, true, 1);
        model.onValueSize(1, 4096);
        model.onLoad(OWNER, 100);
        assertEquals(BORROW, touchEvery(10_000 * US, 1, true, 8), "100 pending calls at the owner");
    }

    @Test
    void shouldForwardValuesLargerThanABorrowSlot()
    {
        final CostModel small = new CostModel(new CostModel.Context().maxBorrowBytes(1024));
        small.decide(1, OWNER, false, 8, false, nowNs);
        small.onValueSize(1, 4096);
        assertEquals(FORWARD, small.decide(1, OWNER, false, 8, false, nowNs + 1));
        assertEquals(1, small.decisions(CostModel.REASON_TOO_LARGE));
    }

    @Test
    void shouldFollowTheFixedPolicies()
    {
        final CostModel forward = new CostModel(new CostModel.Context().policy(CostModel.POLICY_FORWARD));
        final CostModel borrow = new CostModel(new CostModel.Context().policy(CostModel.POLICY_BORROW));
        for (int i = 0; i < 10; i++)
        {
            assertEquals(FORWARD, forward.decide(1, OWNER, true, 8, false, nowNs + i));
            assertEquals(BORROW, borrow.decide(1, OWNER, true, 8, false, nowNs + i));
        }
        assertEquals(BORROW, forward.decide(1, OWNER, true, 8, true, nowNs), "a held lease is always used");
        assertEquals(10, forward.decisions(CostModel.REASON_POLICY_FORWARD));
        assertEquals(10, borrow.decisions(CostModel.REASON_POLICY_BORROW));
    }

    @Test
    void shouldSmoothRoundTripsPerPeer()
    {
        assertEquals(50 * US, model.rttNs(OWNER), "the default before any sample");
        model.onRoundTrip(OWNER, 100 * US);
        model.onRoundTrip(OWNER, 20 * US);
        assertEquals(80 * US, model.rttNs(OWNER), "moving average with weight 1/4");
        assertEquals(50 * US, model.rttNs(OWNER + 1));
    }

    private int touchEvery(final long intervalNs, final long vertexId, final boolean write, final int times)
    {
        int decision = -1;
        for (int i = 0; i < times; i++)
        {
            nowNs += intervalNs;
            decision = model.decide(vertexId, OWNER, write, 8, false, nowNs);
        }
        return decision;
    }
}
