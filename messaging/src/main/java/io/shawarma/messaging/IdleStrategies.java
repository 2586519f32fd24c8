package io.shawarma.messaging;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * The idle strategies a Shawarma thread can run with, by the names used in configuration.
 * Busy-spin and no-op are for benchmarks and production on dedicated cores; backoff and sleeping suit shared
 * machines and tests.
 */
public final class IdleStrategies
{
    /** The names accepted by {@link #of(String)}. */
    public static final String NAMES = "busy-spin, noop, yielding, backoff, sleeping";

    private IdleStrategies()
    {
    }

    /**
     * @param name one of {@link #NAMES}.
     * @return a new idle strategy of that kind.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static IdleStrategy of(final String name)
    {
        switch (name)
        {
            case "busy-spin":
                return new BusySpinIdleStrategy();
            case "noop":
                return NoOpIdleStrategy.INSTANCE;
            case "yielding":
                return new YieldingIdleStrategy();
            case "backoff":
                return new BackoffIdleStrategy(10, 20, 1_000, 100_000);
            case "sleeping":
                return new SleepingMillisIdleStrategy(1);
            default:
                throw new IllegalArgumentException("unknown idle strategy '" + name + "', expected one of: " + NAMES);
        }
    }
}
