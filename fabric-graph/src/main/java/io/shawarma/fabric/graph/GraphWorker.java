package io.shawarma.fabric.graph;

import io.aeron.Aeron;
import io.shawarma.fabric.CountersFile;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.GatheredResults;
import io.shawarma.fabric.JobCounters;
import io.shawarma.fabric.Placement;
import io.shawarma.udf.graph.VertexProgram;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;

import static io.shawarma.fabric.graph.SuperstepBarrier.READY;

/**
 * Runs a {@link VertexProgram} on this worker's partition of a graph, in supersteps kept in step with the other
 * workers of the run: compute every active vertex, send the combined messages for other workers in batches, say
 * SuperstepDone, wait for everyone's, then the next superstep. Messages to vertices of this worker never leave it.
 * Messages sent to all out-edges at once travel as one value per sending vertex and are gathered over in-edges
 * ({@link Broadcasts}), read in memory when the workers are threads of one process; when few vertices send that
 * way, they are pushed per edge instead.
 * The superstep loop allocates nothing per vertex or per message.
 */
public final class GraphWorker implements AutoCloseable, GraphTransport.Receiver
{
    /** What a worker computed: its vertices and their values, in id order. */
    public static final class Result
    {
        public final long[] vertexIds;
        public final long[] values;
        public final long supersteps;

        Result(final long[] vertexIds, final long[] values, final long supersteps)
        {
            this.vertexIds = vertexIds;
            this.values = values;
            this.supersteps = supersteps;
        }
    }

    private final GraphPartition partition;
    private final VertexComputation computation;
    private final SuperstepBarrier barrier;
    private final GraphTransport transport;
    private final JobCounters counters;
    private final IdleStrategy idle;
    private final NanoClock clock;
    private final long maxSupersteps;
    private final PrintStream progress;
    private final int slot;
    private final int workers;
    private final GatheredResults gathered;
    private long superstep;
    private long malformedFrames;

    /**
     * A worker that reads the system's clock.
     *
     * @see #GraphWorker(EdgeList, FabricMembers, int, VertexProgram, Aeron, int, IdleStrategy, long, PrintStream,
     * NanoClock)
     */
    public GraphWorker(
        final EdgeList graph, final FabricMembers members, final int workerId, final VertexProgram program,
        final Aeron aeron, final int streamBase, final IdleStrategy idle, final long maxSupersteps,
        final PrintStream progress)
    {
        this(graph, members, workerId, program, aeron, streamBase, idle, maxSupersteps, progress,
            SystemNanoClock.INSTANCE);
    }

    /**
     * @param graph         the whole graph (every worker reads the same one).
     * @param members       the workers of the run.
     * @param workerId      this worker.
     * @param program       what to run.
     * @param aeron         to talk to the other workers with.
     * @param streamBase    worker N receives on stream base + N.
     * @param idle          for waiting at the barrier.
     * @param maxSupersteps the superstep limit.
     * @param progress      where the first worker prints a line per superstep, or null.
     * @param clock         times the connect deadline and the supersteps in the progress lines.
     */
    public GraphWorker(
        final EdgeList graph, final FabricMembers members, final int workerId, final VertexProgram program,
        final Aeron aeron, final int streamBase, final IdleStrategy idle, final long maxSupersteps,
        final PrintStream progress, final NanoClock clock)
    {
        this(graph, members, workerId, program, aeron, streamBase, idle, maxSupersteps, progress, clock, null);
    }

    /**
     * @param shared what the job's workers share when they are all threads of this process (one instance for all,
     *               made for this program's edge directions), to read each other's broadcasts in memory; null when
     *               this worker ships its broadcasts.
     * @see #GraphWorker(EdgeList, FabricMembers, int, VertexProgram, Aeron, int, IdleStrategy, long, PrintStream,
     * NanoClock)
     */
    GraphWorker(
        final EdgeList graph, final FabricMembers members, final int workerId, final VertexProgram program,
        final Aeron aeron, final int streamBase, final IdleStrategy idle, final long maxSupersteps,
        final PrintStream progress, final NanoClock clock, final SharedGraph shared)
    {
        if (null != shared && shared.undirected != program.undirected())
        {
            throw new IllegalArgumentException("the shared graph's edge directions do not fit " + program.name());
        }
        this.idle = idle;
        this.clock = clock;
        this.maxSupersteps = maxSupersteps;
        this.partition = new GraphPartition(graph, members, workerId, new Placement(members, 1),
            null != shared ? shared.rows : new SourceRows(graph, program.undirected()), null != shared);
        this.slot = partition.slot;
        this.workers = members.size();
        this.progress = 0 == slot ? progress : null;
        this.counters = new JobCounters(CountersFile.ROLE_GRAPH, workerId, "supersteps", "messages");
        try
        {
            this.transport = new GraphTransport(aeron, members, workerId, streamBase, idle, 64 * 1024, this,
                counters);
        }
        catch (final RuntimeException ex)
        {
            counters.close();
            throw ex;
        }
        computation = new VertexComputation(partition, program, workers,
            null != shared ? shared.broadcasts : new BroadcastValues(partition.vertexCount(), workers));
        barrier = new SuperstepBarrier(slot, workers, computation.aggregators().length);
        gathered = new GatheredResults(members, slot, partition.vertexCount(), idle, clock);
    }

    /**
     * Runs supersteps until every vertex halted with no message in flight, or the limit.
     *
     * @param connectTimeoutNs how long to wait for the other workers to be reachable.
     * @return this worker's vertices and values.
     */
    public Result run(final long connectTimeoutNs)
    {
        try
        {
            return runSupersteps(connectTimeoutNs);
        }
        catch (final RuntimeException ex)
        {
            counters.onError(ex);
            throw ex;
        }
    }

    private Result runSupersteps(final long connectTimeoutNs)
    {
        transport.awaitConnected(clock, clock.nanoTime() + connectTimeoutNs);
        awaitStart();
        long supersteps = 0;
        for (superstep = 0; superstep < maxSupersteps; superstep++)
        {
            final long startNs = clock.nanoTime();
            transport.startSuperstep(superstep);
            final long active = computation.compute(superstep);
            for (int peer = 0; peer < workers; peer++)
            {
                if (peer != slot)
                {
                    computation.sendTo(peer, transport);
                }
            }
            for (int peer = 0; peer < workers; peer++)
            {
                if (peer != slot)
                {
                    transport.sendDone(peer, superstep, active, computation.messagesSent(),
                        computation.localAggregates());
                }
            }
            awaitBarrier();
            computation.completeSuperstep();

            final long totalActive = barrier.totalActive(active);
            final long totalSent = barrier.totalSent(computation.messagesSent());
            barrier.aggregate(computation.aggregators(), computation.localAggregates(),
                computation.globalAggregates());
            if (null != progress)
            {
                progress.printf("superstep %d active %d messages %d time %.1f ms%n",
                    superstep, totalActive, totalSent, (clock.nanoTime() - startNs) / 1e6);
            }
            supersteps = superstep + 1;
            counters.malformed(malformedFrames);
            counters.onStepCompleted();
            if (0 == totalActive && 0 == totalSent)
            {
                break;
            }
        }

        final long[] ids = new long[partition.localCount()];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = partition.vertexIds[partition.localVertices[i]];
        }
        return new Result(ids, computation.values(), supersteps);
    }

    /**
     * After {@link #run(long)}, brings the results of the run together at worker 1 over the job's own links (no
     * file, so the workers may be on other machines): worker 1 waits for every other worker's results and tells each
     * when it has them; every other worker sends its results and waits to be told.
     *
     * @param own       what {@link #run(long)} returned.
     * @param timeoutNs how long to wait.
     * @return on worker 1, every worker's vertices and values (in no order); elsewhere {@code own}.
     * @throws IllegalStateException when the results did not come together in time, naming who is missing.
     */
    public Result gather(final Result own, final long timeoutNs)
    {
        superstep = Long.MAX_VALUE;
        gathered.gather(transport, own.supersteps, own.vertexIds, own.values, timeoutNs);
        return 0 != slot ? own : new Result(gathered.ids(), gathered.values(), gathered.steps());
    }

    /**
     * @return messages addressed to ids that are not in the graph, dropped.
     */
    public long unknownTargets()
    {
        return computation.unknownTargets();
    }

    /**
     * @return graph frames that could not be decoded, dropped.
     */
    public long malformedFrames()
    {
        return malformedFrames;
    }

    /**
     * @return the worker's wire, for the fuzz target.
     */
    GraphTransport transport()
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

    /**
     * Superstep 0 starts when every worker is ready: a peer still building its partition would otherwise hold up
     * the first barrier, and the first superstep's time would be partly the other worker's setup.
     */
    private void awaitStart()
    {
        superstep = READY;
        for (int peer = 0; peer < workers; peer++)
        {
            if (peer != slot)
            {
                transport.sendDone(peer, READY, 0, 0, computation.localAggregates());
            }
        }
        awaitBarrier();
    }

    private void awaitBarrier()
    {
        idle.reset();
        while (!barrier.isPassed(superstep))
        {
            idle.idle(transport.poll(superstep));
        }
    }

    public void onMessages(final long sentIn, final DirectBuffer buffer, final int offset, final int count)
    {
        malformedFrames += computation.receiveMessages(buffer, offset, count);
    }

    public void onBroadcasts(
        final int senderSlot, final long sentIn, final DirectBuffer buffer, final int offset, final int count)
    {
        malformedFrames += computation.receiveBroadcasts(senderSlot, buffer, offset, count);
    }

    public void onDone(
        final int senderSlot, final long doneIn, final long activeVertices, final long sent,
        final DirectBuffer buffer, final int offset, final int aggregateCount)
    {
        barrier.onDone(senderSlot, doneIn, activeVertices, sent, buffer, offset, aggregateCount);
    }

    public void onResults(
        final int senderSlot, final long supersteps, final long total, final DirectBuffer buffer, final int offset,
        final int count)
    {
        final String refused = gathered.onResults(senderSlot, supersteps, total, buffer, offset, count);
        if (null != refused)
        {
            onMalformed(refused);
        }
    }

    public void onResultsTaken(final int senderSlot, final long total)
    {
        gathered.onResultsTaken(senderSlot);
    }

    public void onMalformed(final String reason)
    {
        malformedFrames++;
    }
}
