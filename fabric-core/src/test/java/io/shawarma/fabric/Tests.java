package io.shawarma.fabric;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for tests: the one way a test waits on something another thread or process does. It polls with a bounded
 * deadline and a short park between polls (tests never spin on a 2-core machine), and fails with what it waited for.
 */
public final class Tests
{
    /** The default wait: long enough for a loaded CI machine, short enough to fail a hung test. */
    public static final long DEFAULT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private static final long PARK_NS = TimeUnit.MILLISECONDS.toNanos(2);

    private Tests()
    {
    }

    /**
     * Waits until a condition holds.
     *
     * @param condition polled until true.
     * @param timeoutNs how long to wait at most.
     * @param what      says what was awaited when the wait fails.
     */
    public static void await(final BooleanSupplier condition, final long timeoutNs, final String what)
    {
        await(condition, timeoutNs, () -> what);
    }

    /**
     * Waits until a condition holds, up to {@link #DEFAULT_TIMEOUT_NS}.
     *
     * @param condition polled until true.
     * @param what      says what was awaited when the wait fails.
     */
    public static void await(final BooleanSupplier condition, final String what)
    {
        await(condition, DEFAULT_TIMEOUT_NS, what);
    }

    /**
     * Waits until a condition holds; the failure message is built only on failure, so it may describe the last state
     * seen (a status, a count).
     *
     * @param condition polled until true.
     * @param timeoutNs how long to wait at most.
     * @param what      describes the wait and the last state when it fails.
     */
    public static void await(final BooleanSupplier condition, final long timeoutNs, final Supplier<String> what)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms waiting: " + what.get());
            }
            LockSupport.parkNanos(PARK_NS);
            if (Thread.interrupted())
            {
                fail("interrupted waiting: " + what.get());
            }
        }
    }
}
