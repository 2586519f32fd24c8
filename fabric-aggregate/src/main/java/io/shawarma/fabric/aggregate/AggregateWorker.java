package io.shawarma.fabric.aggregate;

import io.aeron.Aeron;
import io.shawarma.fabric.CountersFile;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.JobCounters;
import io.shawarma.fabric.graph.EdgeList;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.util.Arrays;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

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
    private final Neighbourhood hood;
    private final Exports exports;
    private final PathTable paths;
    private final AggregateTransport transport;
    private final JobCounters counters;
    private final IdleStrategy idle;
    private final int retention;
    private final PrintStream progress;
    private final int workerId;
    private final int slot;
    private final int workers;
    private final UnsafeBuffer staging = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FRAME_BYTES, 64));
    private final UnsafeBuffer noBytes = new UnsafeBuffer(new byte[0]);
    private final StringBuilder line = new StringBuilder(128);
    private final int[] pathsSentTo;
    private final int[][] slotFromPeer;
    private final int[] pathsFromPeer;
    private final long[] doneRound;
    private final long[] doneDevices;
    private final long[] doneChanged;
    private int[] visibleSlots = new int[16];
    private int visibleCount;
    private int visibleUpTo;
    private long malformed;

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
     */
    public AggregateWorker(
        final EdgeList graph, final FabricMembers members, final int workerId, final AggregateProgram program,
        final int retention, final long seed, final Aeron aeron, final int streamBase, final IdleStrategy idle,
        final PrintStream progress)
    {
        engine = new AggregateEngine(graph, members, workerId, program, retention, seed);
        hood = engine.neighbourhood();
        exports = engine.exports();
        paths = engine.paths();
        this.idle = idle;
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
        workers = members.size();
        this.progress = 0 == slot ? progress : null;
        pathsSentTo = new int[workers];
        Arrays.fill(pathsSentTo, 1);
        slotFromPeer = new int[workers][16];
        pathsFromPeer = new int[workers];
        Arrays.fill(pathsFromPeer, 1);
        doneRound = new long[workers];
        Arrays.fill(doneRound, Long.MIN_VALUE);
        doneDevices = new long[workers];
        doneChanged = new long[workers];
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
        transport.links().awaitConnected(System.nanoTime() + connectTimeoutNs);
        sendDone(-1, 0, 0);
        awaitPeers(-1, -1);
        final long runStartNs = System.nanoTime();
        if (synchronous)
        {
            runSynchronous(rounds);
        }
        else
        {
            runAsynchronous(rounds);
        }
        return new Result(engine.deviceIds(), engine.outputs(), rounds, System.nanoTime() - runStartNs);
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
            final long startNs = System.nanoTime();
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
                System.nanoTime() - previousStartNs);
        }
    }

    private void countRound()
    {
        counters.malformed(malformed);
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
            final long startNs = System.nanoTime();
            final int changed = engine.asynchronousRound();
            sendExports(round, AggregateTransport.ANY_ROUND, false);
            sendDone(round, previousDevices, previousChanged);
            previousDevices = engine.ranLastRound();
            previousChanged = changed;
            printProgress(round, previousDevices, previousChanged, -1, System.nanoTime() - startNs);
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
     * The line is built by hand, not formatted: a formatter costs a cold JVM tens of milliseconds of the rounds.
     */
    private void printProgress(
        final int round, final long devices, final long changed, final long waitedNs, final long roundNs)
    {
        if (null == progress)
        {
            return;
        }
        long totalDevices = devices;
        long totalChanged = changed;
        for (int peer = 0; peer < workers && waitedNs >= 0; peer++)
        {
            totalDevices += peer == slot ? 0 : doneDevices[peer];
            totalChanged += peer == slot ? 0 : doneChanged[peer];
        }
        line.setLength(0);
        line.append("round ").append(round).append(" devices ").append(totalDevices).append(" changed ")
            .append(totalChanged);
        if (waitedNs < 0)
        {
            line.append(" (worker 1's)");
        }
        else
        {
            appendMillis(line.append(" waited "), waitedNs);
        }
        appendMillis(line.append(" time "), roundNs);
        progress.println(line);
    }

    private static void appendMillis(final StringBuilder to, final long nanos)
    {
        final long tenths = (nanos + 50_000) / 100_000;
        to.append(tenths / 10).append('.').append(tenths % 10).append(" ms");
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
        return malformed;
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
        for (int i = 0, position = offset; i < count; i++, position += AggregateTransport.PATH_BYTES)
        {
            final int remote = buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF;
            final int parent = buffer.getShort(position + 2, LITTLE_ENDIAN) & 0xFFFF;
            final int step = buffer.getInt(position + 4, LITTLE_ENDIAN);
            if (remote != pathsFromPeer[senderSlot] || parent >= remote)
            {
                malformed++;
                return;
            }
            final int local;
            try
            {
                local = paths.child(slotFromPeer[senderSlot][parent], step);
            }
            catch (final IllegalStateException ex)
            {
                malformed++;
                return;
            }
            exports.ensureSlots(local + 1);
            if (remote == slotFromPeer[senderSlot].length)
            {
                slotFromPeer[senderSlot] = Arrays.copyOf(slotFromPeer[senderSlot], remote * 2);
            }
            slotFromPeer[senderSlot][remote] = local;
            pathsFromPeer[senderSlot]++;
        }
    }

    public void onExports(
        final int senderSlot, final long round, final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        int position = offset;
        while (position < end)
        {
            if (end - position < AggregateTransport.RECORD_HEAD_BYTES)
            {
                malformed++;
                return;
            }
            final int graphIndex = buffer.getInt(position, LITTLE_ENDIAN);
            final int count = buffer.getShort(position + 4, LITTLE_ENDIAN) & 0xFFFF;
            position += AggregateTransport.RECORD_HEAD_BYTES;
            if (count * AggregateTransport.ENTRY_BYTES > end - position)
            {
                malformed++;
                return;
            }
            final int row = graphIndex >= 0 && graphIndex < hood.rowOfGraphIndex.length ?
                hood.rowOfGraphIndex[graphIndex] : -1;
            if (row < hood.localCount || !slotsKnown(senderSlot, buffer, position, count))
            {
                // Not a neighbour of this worker's devices, or slots never defined: the record is dropped whole.
                malformed++;
                position += count * AggregateTransport.ENTRY_BYTES;
                continue;
            }
            exports.begin(row, (int)round);
            for (int i = 0; i < count; i++, position += AggregateTransport.ENTRY_BYTES)
            {
                final int remote = buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF;
                exports.put(row, slotFromPeer[senderSlot][remote], buffer.getLong(position + 2, LITTLE_ENDIAN));
            }
            exports.commit(row);
            counters.onItemsReceived(1);
        }
    }

    private boolean slotsKnown(final int senderSlot, final DirectBuffer buffer, final int offset, final int count)
    {
        for (int i = 0, position = offset; i < count; i++, position += AggregateTransport.ENTRY_BYTES)
        {
            if ((buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF) >= pathsFromPeer[senderSlot])
            {
                return false;
            }
        }
        return true;
    }

    public void onDone(final int senderSlot, final long round, final long devices, final long changed)
    {
        doneRound[senderSlot] = Math.max(doneRound[senderSlot], round);
        doneDevices[senderSlot] = devices;
        doneChanged[senderSlot] = changed;
    }

    public void onMalformed(final String reason)
    {
        malformed++;
    }

    /**
     * Ships this worker's boundary exports of a round to its peers: the committed exports, or the pending ones of a
     * synchronous round that is not published yet.
     */
    private void sendExports(final int round, final long pollUpTo, final boolean pending)
    {
        transport.poll(pollUpTo);
        refreshVisibleSlots();
        final int capacity = transport.payloadCapacity();
        for (int peer = 0; peer < workers; peer++)
        {
            if (peer == slot)
            {
                continue;
            }
            sendPaths(peer, round, capacity);
            final int[] rows = hood.boundaryRows[peer];
            final int recordLimit =
                AggregateTransport.RECORD_HEAD_BYTES + visibleCount * AggregateTransport.ENTRY_BYTES;
            int length = 0;
            for (final int row : rows)
            {
                if (!engine.ranLastRound(row))
                {
                    continue;
                }
                if (length + recordLimit > capacity)
                {
                    transport.sendExports(peer, round, noBytes, 0, staging, length);
                    length = 0;
                }
                length = writeRecord(row, length, pending);
            }
            if (length > 0)
            {
                transport.sendExports(peer, round, noBytes, 0, staging, length);
            }
        }
    }

    private void sendPaths(final int peer, final int round, final int capacity)
    {
        while (pathsSentTo[peer] < paths.size())
        {
            final int first = pathsSentTo[peer];
            final int count = Math.min(paths.size() - first, capacity / AggregateTransport.PATH_BYTES);
            for (int i = 0; i < count; i++)
            {
                final int pathSlot = first + i;
                final int position = i * AggregateTransport.PATH_BYTES;
                staging.putShort(position, (short)pathSlot, LITTLE_ENDIAN);
                staging.putShort(position + 2, (short)paths.parentOf(pathSlot), LITTLE_ENDIAN);
                staging.putInt(position + 4, paths.stepOf(pathSlot), LITTLE_ENDIAN);
            }
            transport.sendExports(peer, round, staging, count * AggregateTransport.PATH_BYTES, noBytes, 0);
            pathsSentTo[peer] = first + count;
        }
    }

    private int writeRecord(final int row, final int start, final boolean pending)
    {
        int position = start + AggregateTransport.RECORD_HEAD_BYTES;
        int count = 0;
        for (int i = 0; i < visibleCount; i++)
        {
            final int visible = visibleSlots[i];
            if (pending ? exports.nextHas(row, visible) : exports.has(row, visible))
            {
                staging.putShort(position, (short)visible, LITTLE_ENDIAN);
                staging.putLong(position + 2, pending ? exports.nextValue(row, visible) : exports.value(row, visible),
                    LITTLE_ENDIAN);
                position += AggregateTransport.ENTRY_BYTES;
                count++;
            }
        }
        staging.putInt(start, hood.graphIndex[row], LITTLE_ENDIAN);
        staging.putShort(start + 4, (short)count, LITTLE_ENDIAN);
        counters.onItemsSent(1);
        return position;
    }

    private void refreshVisibleSlots()
    {
        for (; visibleUpTo < paths.size(); visibleUpTo++)
        {
            if (PathTable.isNeighbourVisible(paths.stepOf(visibleUpTo)) && PathTable.ROOT != visibleUpTo)
            {
                if (visibleCount == visibleSlots.length)
                {
                    visibleSlots = Arrays.copyOf(visibleSlots, visibleCount * 2);
                }
                visibleSlots[visibleCount++] = visibleUpTo;
            }
        }
    }

    /**
     * Tells every peer that this worker sent all of its exports of a round (and, for the progress line, the counts
     * of the round before).
     */
    private void sendDone(final long round, final long devices, final long changed)
    {
        for (int peer = 0; peer < workers; peer++)
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
        if (allDone(round))
        {
            return 0;
        }
        final long startNs = System.nanoTime();
        idle.reset();
        while (!allDone(round))
        {
            idle.idle(transport.poll(pollUpTo));
        }
        return System.nanoTime() - startNs;
    }

    private boolean allDone(final long round)
    {
        for (int peer = 0; peer < workers; peer++)
        {
            if (peer != slot && doneRound[peer] < round)
            {
                return false;
            }
        }
        return true;
    }
}
