package io.shawarma.fabric.wasm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

/**
 * Stops WebAssembly calls that run past their time budget: one daemon thread per worker, started by the first call,
 * that interrupts the calling thread (the worker's agent) once it has seen the same call use a budget of that
 * thread's CPU time ({@link #CPU_TIME}: time the thread waits for a core on a loaded machine, or for a GC pause, is not
 * the module's doing and does not count);
 * Chicory's compiled code and interpreter check the interrupt flag at every loop and call, and throw
 * {@code ChicoryInterruptedException}. The watchdog looks every quarter budget, so a call is stopped between its
 * budget and one and a quarter budgets after it began. The calling thread reads no clock: a call costs it a plain
 * increment, an ordered store and a compare-and-set.
 * <p>
 * The interrupt must never outlive its call: Aeron and Agrona code runs on the same thread afterwards. So the state
 * carries the call's sequence number and its phase, left RUNNING only by compare-and-set: the watchdog may interrupt
 * only the call whose state it read, and {@link #end()} waits the few instructions the watchdog may still be in
 * {@code Thread.interrupt()}, then clears the flag. (An interrupt that reaches the thread just as the call returns may
 * leave one unpark permit: the agent's next idle park returns early once, which a park may always do.) One caller
 * thread at a time (the agent's).
 */
final class CallWatchdog implements AutoCloseable
{
    private static final long IDLE = 0;
    private static final long RUNNING = 1;
    private static final long INTERRUPTING = 2;
    private static final long INTERRUPTED = 3;
    private static final long PHASE_MASK = 3;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The CPU time a thread has used, in nanoseconds; wall time where the JVM cannot tell. */
    static final ToLongFunction<Thread> CPU_TIME = THREADS.isThreadCpuTimeSupported() ?
        CallWatchdog::cpuTimeNs : (thread) -> System.nanoTime();

    /** Wall time, whatever the thread does: for tests whose long calls park. */
    static final ToLongFunction<Thread> WALL_TIME = (thread) -> System.nanoTime();
    /**
     * The budget of a module's start (its start function and the pointer exports): instantiating on a cold JVM also
     * loads Chicory's classes, tens of milliseconds, so the call budget would refuse sound modules.
     */
    static final long START_BUDGET_NS = 1_000_000_000L;

    private final String name;
    private final long budgetNs;
    private final ToLongFunction<Thread> clock;
    private final AtomicLong state = new AtomicLong(IDLE);
    private volatile Thread caller;
    private volatile boolean closed;
    private long sequence;
    // Written before the ordered store of the call's state, read by the watchdog after it reads that state.
    private long activeBudgetNs;
    private Thread watcher;

    /**
     * @param name     names the thread, e.g. {@code shawarma-wasm-watchdog-1}.
     * @param budgetNs how long a call may run.
     * @param clock    the time a call is charged for, of the calling thread: {@link #CPU_TIME} in production.
     */
    CallWatchdog(final String name, final long budgetNs, final ToLongFunction<Thread> clock)
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
        begin(budgetNs);
    }

    /**
     * A module's start begins on this thread, with {@link #START_BUDGET_NS} (or the call budget, if longer).
     */
    void beginStart()
    {
        begin(Math.max(budgetNs, START_BUDGET_NS));
    }

    private void begin(final long callBudgetNs)
    {
        if (activeBudgetNs != callBudgetNs)
        {
            activeBudgetNs = callBudgetNs;
        }
        if (null == watcher)
        {
            start();
        }
        if (caller != Thread.currentThread())
        {
            caller = Thread.currentThread();
        }
        sequence += PHASE_MASK + 1;
        state.setRelease(sequence | RUNNING);
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
        final long periodNs = Math.max(budgetNs / 4, 250_000L);
        long seen = IDLE;
        long seenAtNs = 0;
        while (!closed)
        {
            LockSupport.parkNanos(periodNs);
            final long observed = state.get();
            if ((observed & PHASE_MASK) != RUNNING)
            {
                seen = IDLE;
                continue;
            }
            final long nowNs = clock.applyAsLong(caller);
            if (observed != seen)
            {
                // A call first seen now began at most one period ago: charged from here.
                seen = observed;
                seenAtNs = nowNs;
            }
            else if (nowNs - seenAtNs >= activeBudgetNs &&
                state.compareAndSet(observed, (observed & ~PHASE_MASK) | INTERRUPTING))
            {
                // The state was still this call's at the compare-and-set: the call is the one that ran too long.
                caller.interrupt();
                state.set((observed & ~PHASE_MASK) | INTERRUPTED);
                seen = IDLE;
            }
        }
    }

    private static long cpuTimeNs(final Thread thread)
    {
        final long cpuNs = THREADS.getThreadCpuTime(thread.getId());
        return cpuNs >= 0 ? cpuNs : System.nanoTime();
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
