package io.shawarma.fabric.wasm;

import org.junit.jupiter.api.Test;

import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded stress of the watchdog's claim: it stops calls that run past the budget, and its interrupt never outlives
 * the call it was meant for, even when a call ends while the watchdog is interrupting it. Long calls park (an
 * interrupt wakes them) instead of spinning, so the watchdog charges wall time here, not CPU time as in workers;
 * thousands of short calls run between them.
 */
class CallWatchdogTest
{
    private static final long BUDGET_NS = 1_000_000L;

    /**
     * A long call: parks until the watchdog's interrupt, 10 s at most. A park may return early (a spurious wake, or
     * the permit an interrupt left when it reached a thread that was not parked), so it parks again.
     */
    private static void parkUntilInterrupted()
    {
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() - deadlineNs < 0)
        {
            LockSupport.parkNanos(deadlineNs - System.nanoTime());
        }
    }

    @Test
    void shouldStopLongCallsAndLeaveNoInterruptBehind()
    {
        try (CallWatchdog watchdog = new CallWatchdog("test-watchdog", BUDGET_NS, CallWatchdog.WALL_TIME))
        {
            for (int round = 0; round < 100; round++)
            {
                watchdog.begin();
                parkUntilInterrupted();
                final boolean stopped = watchdog.end();
                assertTrue(stopped, "a call parked far past its budget was not stopped, round " + round);
                assertFalse(Thread.currentThread().isInterrupted(), "interrupt left after a stopped call");

                for (int i = 0; i < 2000; i++)
                {
                    watchdog.begin();
                    watchdog.end();
                    assertFalse(Thread.currentThread().isInterrupted(), "interrupt left after a short call");
                }
                // A call that ends about when the watchdog looks: the race the compare-and-set settles.
                watchdog.begin();
                LockSupport.parkNanos(BUDGET_NS + (round % 5) * 100_000L);
                watchdog.end();
                assertFalse(Thread.currentThread().isInterrupted(), "interrupt left after a call near its budget");
            }
        }
    }
}
