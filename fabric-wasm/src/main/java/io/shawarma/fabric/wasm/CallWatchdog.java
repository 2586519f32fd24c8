package io.shawarma.fabric.wasm;

import org.agrona.concurrent.NanoClock;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops WebAssembly calls that run past their time budget: one daemon thread per worker, started by the first call,
 * that interrupts the calling thread (the worker's agent) once a call's deadline has passed; Chicory's compiled code
 * and interpreter check the interrupt flag at every loop and call, and throw {@code ChicoryInterruptedException}.
 * A call is stopped between its budget and one and a half budgets after it began.
 * <p>
 * The interrupt must never outlive its call: Aeron and Agrona code runs on the same thread afterwards. So the state
 * carries the call's sequence number and its phase, changed only by compare-and-set: the watchdog may interrupt only
 * the call whose state it read, and {@link #end()} waits the few instructions the watchdog may still be in
 * {@code Thread.interrupt()}, then clears the flag. One caller thread at a time (the agent's).
 */
final class CallWatchdog implements AutoCloseable
{
    private static final long IDLE = 0;
    private static final long RUNNING = 1;
    private static final long INTERRUPTING = 2;
    private static final long INTERRUPTED = 3;
    private static final long PHASE_MASK = 3;

    private final String name;
    private final long budgetNs;
    private final NanoClock clock;
    private final AtomicLong state = new AtomicLong(IDLE);
    private volatile long deadlineNs;
    private volatile Thread caller;
    private volatile boolean closed;
    private long sequence;
    private Thread watcher;

    /**
     * @param name     names the thread, e.g. {@code shawarma-wasm-watchdog-1}.
     * @param budgetNs how long a call may run.
     * @param clock    the time calls are measured by.
     */
    CallWatchdog(final String name, final long budgetNs, final NanoClock clock)
    {
        this.name = name;
        this.budgetNs = budgetNs;
        this.clock = clock;
    }

    /**
     * @return how long a call may run.
     */
    long budgetNs()
    {
        return budgetNs;
    }

    /**
     * A call begins on this thread; starts the watchdog's thread on the first one.
     */
    void begin()
    {
        if (null == watcher)
        {
            start();
        }
        if (caller != Thread.currentThread())
        {
            caller = Thread.currentThread();
        }
        deadlineNs = clock.nanoTime() + budgetNs;
        sequence += PHASE_MASK + 1;
        state.set(sequence | RUNNING);
    }

    /**
     * The call ended (returned, trapped or was stopped). Clears an interrupt the watchdog sent it, so that nothing
     * after the call sees one.
     *
     * @return true when the watchdog stopped the call (its interrupt, now cleared, ended it).
     */
    boolean end()
    {
        if (state.compareAndSet(sequence | RUNNING, IDLE))
        {
            return false;
        }
        while ((state.get() & PHASE_MASK) == INTERRUPTING)
        {
            // The watchdog is inside Thread.interrupt() for this call: a few instructions, then INTERRUPTED.
            Thread.onSpinWait();
        }
        state.set(IDLE);
        Thread.interrupted();
        return true;
    }

    private void start()
    {
        watcher = new Thread(this::watch, name);
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch()
    {
        final long periodNs = Math.max(budgetNs / 2, 500_000L);
        while (!closed)
        {
            LockSupport.parkNanos(periodNs);
            final long observed = state.get();
            if ((observed & PHASE_MASK) == RUNNING && clock.nanoTime() - deadlineNs >= 0 &&
                state.compareAndSet(observed, (observed & ~PHASE_MASK) | INTERRUPTING))
            {
                // The state was this call's at the compare-and-set, so the deadline read was this call's too.
                caller.interrupt();
                state.set((observed & ~PHASE_MASK) | INTERRUPTED);
            }
        }
    }

    /**
     * Stops the watchdog's thread; after the worker's agent stopped.
     */
    public void close()
    {
        closed = true;
        final Thread thread = watcher;
        if (null != thread)
        {
            LockSupport.unpark(thread);
            try
            {
                thread.join(1000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
