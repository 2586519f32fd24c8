package io.shawarma.fabric.aggregate;

import io.aeron.Aeron;
import io.shawarma.fabric.CountersFile;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.GatheredResults;
import io.shawarma.fabric.JobCounters;
import io.shawarma.fabric.graph.EdgeList;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;

/**
 * Runs an aggregate program on this worker's share of the devices, in rounds, with the other workers of the run.
 * Each round it sends the exports of its devices that have neighbours on another worker to that worker, in
 * batched {@code AggregateExports} frames, then an {@code AggregateRoundDone} mark (all of that round's exports are
 * out); exports for neighbours on this worker never leave it. Only what neighbours read is shipped (nbr, share and
 * foldhood-alignment slots), by interned path slot; a peer learns a path's definition once. A synchronous round
 * runs the boundary devices first and ships their exports before running the rest, and the next round starts once
 * every peer's mark is in, so the results equal those of one worker and the exchange overlaps the interior's work;
 * asynchronous rounds run on with whatever exports have arrived, a worker waiting only when a peer falls more than
 * the retention behind (its exports would expire). Both start together and meet at the end. The round loop
 * allocates nothing once the program's paths are known.
 */
public final class AggregateWorker implements AutoCloseable, AggregateTransport.Receiver
{
    private static final int FRAME_BYTES = 64 * 1024;

    /** What a worker computed: its devices and their outputs, in id order, and how long its rounds took. */
    public static final class Result
    {
        public final long[] deviceIds;
        public final double[] values;
        public final int rounds;
        /** The rounds' time: running the devices, exchanging exports and waiting at the barriers. */
        public final long roundNanos;

        Result(final long[] deviceIds, final double[] values, final int rounds, final long roundNanos)
        {
            this.deviceIds = deviceIds;
            this.values = values;
            this.rounds = rounds;
            this.roundNanos = roundNanos;
        }
    }

    private final AggregateEngine engine;
    private final AggregateTransport transport;
    private final JobCounters counters;
    private final IdleStrategy idle;
    private final NanoClock clock;
    private final int retention;
    private final RoundProgress progress;
    private final int workerId;
    private final int slot;
    private final InboundExports inbound;
    private final OutboundExports outbound;
    private final RoundMarks marks;
    private final GatheredResults gathered;

    /**
     * A worker that reads the system's clock.
     *
     * @see #AggregateWorker(EdgeList, FabricMembers, int, AggregateProgram, int, long, Aeron, int, IdleStrategy,
     * PrintStream, NanoClock)
     */
    public AggregateWorker(
        final EdgeList graph, final FabricMembers members, final int workerId, final AggregateProgram program,
        final int retention, final long seed, final Aeron aeron, final int streamBase, final IdleStrategy idle,
        final PrintStream progress)
    {
        this(graph, members, workerId, program, retention, seed, aeron, streamBase, idle, progress,
            SystemNanoClock.INSTANCE);
    }

    /**
     * @param graph      the whole network (every worker reads the same one).
     * @param members    the workers of the run.
     * @param workerId   this worker.
     * @param program    what every device runs.
     * @param retention  rounds a neighbour's export stays visible without a newer one.
     * @param seed       for the asynchronous firing order.
     * @param aeron      to talk to the other workers with.
     * @param streamBase worker N receives on stream base + N.
     * @param idle       for waiting at the barrier.
     * @param progress   where the first worker prints a line per round, or null.
     * @param clock      times the connect deadline, the rounds and the waits at the barrier.
     */
    public AggregateWorker(
        final EdgeList graph, final FabricMembers members, final int workerId, final AggregateProgram program,
        final int retention, final long seed, final Aeron aeron, final int streamBase, final IdleStrategy idle,
        final PrintStream progress, final NanoClock clock)
    {
        engine = new AggregateEngine(graph, members, workerId, program, retention, seed);
        this.idle = idle;
        this.clock = clock;
        this.retention = retention;
        counters = new JobCounters(CountersFile.ROLE_AGGREGATE, workerId, "rounds", "export records");
        try
        {
            transport = new AggregateTransport(aeron, members, workerId, streamBase, idle, FRAME_BYTES, this,
                counters);
        }
        catch (final RuntimeException ex)
        {
            counters.close();
            throw ex;
        }
        this.workerId = workerId;
        slot = transport.links().slot();
        final int workers = members.size();
        this.progress = 0 == slot && null != progress ? new RoundProgress(progress) : null;
        inbound = new InboundExports(engine, counters, workers);
        outbound = new OutboundExports(engine, transport, counters, workers, FRAME_BYTES);
        marks = new RoundMarks(slot, workers);
        gathered = new GatheredResults(members, slot, graph.vertexCount(), idle, clock);
    }

    /**
     * @return the engine, e.g. to set sensors before {@link #run(int, boolean, long)}.
     */
    public AggregateEngine engine()
    {
        return engine;
    }

    /**
     * Runs the rounds. The workers start together (each tells the others it is ready) and meet at the end, so the
     * time counted is the rounds', not the other workers' start-up.
     *
     * @param rounds           how many.
     * @param synchronous      synchronous rounds (reproducible) or asynchronous ones.
     * @param connectTimeoutNs how long to wait for the other workers to be reachable.
     * @return this worker's devices and their outputs after the last round.
     */
    public Result run(final int rounds, final boolean synchronous, final long connectTimeoutNs)
    {
        try
        {
            return runRounds(rounds, synchronous, connectTimeoutNs);
        }
        catch (final RuntimeException ex)
        {
            counters.onError(ex);
            throw ex;
        }
    }

    private Result runRounds(final int rounds, final boolean synchronous, final long connectTimeoutNs)
    {
        transport.links().awaitConnected(clock, clock.nanoTime() + connectTimeoutNs);
        sendDone(-1, 0, 0);
        awaitPeers(-1, -1);
        final long runStartNs = clock.nanoTime();
        if (synchronous)
        {
            runSynchronous(rounds);
        }
        else
        {
            runAsynchronous(rounds);
        }
        return new Result(engine.deviceIds(), engine.outputs(), rounds, clock.nanoTime() - runStartNs);
    }

    /**
     * Each round runs the boundary devices (those with neighbours on other workers) first and ships their exports
     * at once, with the round's done mark, then runs the other devices while those exports travel; the next round
     * starts when every peer's mark is in. So a worker waits only for its peers' boundary devices, not for their
     * whole round, and a round needs no other exchange. The done mark of round r carries the counts of round r - 1
     * (complete by then), so the progress line of a round is printed one round later.
     */
    private void runSynchronous(final int rounds)
    {
        long previousStartNs = 0;
        long previousDevices = 0;
        long previousChanged = 0;
        long previousWaitedNs = 0;
        for (int round = 0; round < rounds; round++)
        {
            final long startNs = clock.nanoTime();
            int changed = engine.synchronousBoundary();
            sendExports(round, round - 1, true);
            sendDone(round, previousDevices, previousChanged);
            changed += engine.synchronousInterior();
            final long waitedNs = awaitPeers(round, round);
            if (round > 0)
            {
                printProgress(round - 1, previousDevices, previousChanged, previousWaitedNs, startNs - previousStartNs);
            }
            previousStartNs = startNs;
            previousDevices = engine.ranLastRound();
            previousChanged = changed;
            previousWaitedNs = waitedNs;
            countRound();
        }
        sendDone(rounds, previousDevices, previousChanged);
        awaitPeers(rounds, rounds);
        if (rounds > 0)
        {
            printProgress(rounds - 1, previousDevices, previousChanged, previousWaitedNs,
                clock.nanoTime() - previousStartNs);
        }
    }

    /**
     * After {@link #run(int, boolean, long)}, brings the run's outputs together at the first member over the job's
     * own links (no file, so the workers may be on other hosts): it waits for every other worker's and tells each
     * when it has them; every other worker sends its own and waits to be told.
     *
     * @param own       what {@link #run(int, boolean, long)} returned.
     * @param timeoutNs how long to wait.
     * @return on the first member, every worker's devices and outputs (in no order) and its own round time;
     * elsewhere {@code own}.
     * @throws IllegalStateException when the results did not come together in time, naming who is missing.
     */
    public Result gather(final Result own, final long timeoutNs)
    {
        final long[] bits = new long[own.values.length];
        for (int i = 0; i < bits.length; i++)
        {
            bits[i] = Double.doubleToRawLongBits(own.values[i]);
        }
        gathered.gather(transport, own.rounds, own.deviceIds, bits, timeoutNs);
        if (0 != slot)
        {
            return own;
        }
        final long[] allBits = gathered.values();
        final double[] values = new double[allBits.length];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = Double.longBitsToDouble(allBits[i]);
        }
        return new Result(gathered.ids(), values, own.rounds, own.roundNanos);
    }

    private void countRound()
    {
        counters.malformed(inbound.malformed());
        counters.onStepCompleted();
    }

    /**
     * Each round runs the devices on whatever exports have arrived, then ships its boundary exports; a worker waits
     * only when a peer falls so far behind that its exports would expire here (more than the retention).
     */
    private void runAsynchronous(final int rounds)
    {
        long previousDevices = 0;
        long previousChanged = 0;
        for (int round = 0; round < rounds; round++)
        {
            awaitPeers(AggregateTransport.ANY_ROUND, round - retention);
            final long startNs = clock.nanoTime();
            final int changed = engine.asynchronousRound();
            sendExports(round, AggregateTransport.ANY_ROUND, false);
            sendDone(round, previousDevices, previousChanged);
            previousDevices = engine.ranLastRound();
            previousChanged = changed;
            printProgress(round, previousDevices, previousChanged, -1, clock.nanoTime() - startNs);
            countRound();
        }
        // Everyone stays until everyone is done, so that no exports go to a worker that left.
        sendDone(rounds, previousDevices, previousChanged);
        awaitPeers(AggregateTransport.ANY_ROUND, rounds);
    }

    /**
     * Prints a round's progress line (worker 1 only). In synchronous rounds: the devices that ran it and changed
     * their output on every worker (the peers' from their done marks) and how long worker 1 waited for its peers'
     * exports at the end of the round; in asynchronous ones ({@code waitedNs} negative), worker 1's devices only.
     */
    private void printProgress(
        final int round, final long devices, final long changed, final long waitedNs, final long roundNs)
    {
        if (null == progress)
        {
            return;
        }
        final boolean everyWorker = waitedNs >= 0;
        progress.print(round, devices + (everyWorker ? marks.peerDevices() : 0),
            changed + (everyWorker ? marks.peerChanged() : 0), waitedNs, roundNs);
    }

    /**
     * @return whether frames from a publication, by session id, can reach this worker yet.
     */
    boolean hears(final int sessionId)
    {
        return transport.links().hears(sessionId);
    }

    /**
     * @return this worker's id.
     */
    public int workerId()
    {
        return workerId;
    }

    /**
     * @return frames or records that could not be decoded, dropped.
     */
    public long malformed()
    {
        return inbound.malformed();
    }

    /**
     * @return the worker's wire, for the fuzz target.
     */
    AggregateTransport transport()
    {
        return transport;
    }

    /**
     * @return this worker's counters, also in its counters file for {@code scripts/shawarma stat}.
     */
    public JobCounters counters()
    {
        return counters;
    }

    public void close()
    {
        CloseHelper.closeAll(transport, counters);
    }

    public void onPaths(final int senderSlot, final DirectBuffer buffer, final int offset, final int count)
    {
        inbound.onPaths(senderSlot, buffer, offset, count);
    }

    public void onExports(
        final int senderSlot, final long round, final DirectBuffer buffer, final int offset, final int length)
    {
        inbound.onExports(senderSlot, round, buffer, offset, length);
    }

    public void onOverrides(
        final int senderSlot, final long round, final DirectBuffer buffer, final int offset, final int length)
    {
        inbound.onOverrides(senderSlot, round, buffer, offset, length);
    }

    public void onDone(final int senderSlot, final long round, final long devices, final long changed)
    {
        marks.onDone(senderSlot, round, devices, changed);
    }

    public void onResults(
        final int senderSlot, final long rounds, final long total, final DirectBuffer buffer, final int offset,
        final int count)
    {
        if (null != gathered.onResults(senderSlot, rounds, total, buffer, offset, count))
        {
            inbound.onMalformed();
        }
    }

    public void onResultsTaken(final int senderSlot)
    {
        gathered.onResultsTaken(senderSlot);
    }

    public void onMalformed(final String reason)
    {
        inbound.onMalformed();
    }

    /**
     * Takes in the peers' frames of rounds up to {@code pollUpTo}, then ships this worker's boundary exports of a
     * round: the committed exports, or the pending ones of a synchronous round that is not published yet.
     */
    private void sendExports(final int round, final long pollUpTo, final boolean pending)
    {
        transport.poll(pollUpTo);
        outbound.send(round, pending);
    }

    /**
     * Tells every peer that this worker sent all of its exports of a round (and, for the progress line, the counts
     * of the round before).
     */
    private void sendDone(final long round, final long devices, final long changed)
    {
        for (int peer = 0, workers = transport.links().size(); peer < workers; peer++)
        {
            if (peer != slot)
            {
                transport.sendDone(peer, round, devices, changed);
            }
        }
    }

    /**
     * Waits until every peer sent all of its exports of a round, taking in their frames of rounds up to
     * {@code pollUpTo}.
     *
     * @return how long it waited after the frames already there, in nanoseconds.
     */
    private long awaitPeers(final long pollUpTo, final long round)
    {
        transport.poll(pollUpTo);
        if (marks.allDone(round))
        {
            return 0;
        }
        final long startNs = clock.nanoTime();
        idle.reset();
        while (!marks.allDone(round))
        {
            idle.idle(transport.poll(pollUpTo));
        }
        return clock.nanoTime() - startNs;
    }
}
