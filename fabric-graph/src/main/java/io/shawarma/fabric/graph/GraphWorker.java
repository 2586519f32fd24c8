package io.shawarma.fabric.graph;

import io.aeron.Aeron;
import io.shawarma.fabric.CountersFile;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.JobCounters;
import io.shawarma.udf.graph.Aggregator;
import io.shawarma.udf.graph.ComputeContext;
import io.shawarma.udf.graph.Messages;
import io.shawarma.udf.graph.VertexProgram;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.io.PrintStream;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Runs a {@link VertexProgram} on this worker's partition of a graph, in supersteps kept in step with the other
 * workers of the run: compute every active vertex, send the combined messages for other workers in batches, say
 * SuperstepDone, wait for everyone's, then the next superstep. Messages to vertices of this worker never leave it.
 * Messages sent to all out-edges at once travel as one value per sending vertex and are gathered over in-edges
 * ({@link Broadcasts}); when few vertices send that way, they are pushed per edge instead.
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

    /** Push broadcasts along their edges when they cover less than 1/PUSH_BELOW of this worker's out-edges. */
    private static final int PUSH_BELOW = 8;

    /** The superstep of a worker's start mark: it built its partition and is ready for superstep 0. */
    private static final long READY = -1;

    private final GraphPartition partition;
    private final VertexProgram program;
    private final GraphTransport transport;
    private final JobCounters counters;
    private final IdleStrategy idle;
    private final long maxSupersteps;
    private final PrintStream progress;
    private final int slot;
    private final int workers;
    private final Aggregator[] aggregators;
    private final long[] values;
    private final boolean[] halted;
    private final MessageBuffer[] outboxes;
    private final Broadcasts broadcasts;
    private MessageBuffer inbox;
    private MessageBuffer nextInbox;
    private final long[] localAggregates;
    private final long[] globalAggregates;
    private final long[] doneSuperstep;
    private final long[] doneActive;
    private final long[] doneSent;
    private final long[][] doneAggregates;
    private final Context context = new Context();
    private final VertexMessages messages = new VertexMessages();
    private long superstep;
    private long messagesSent;
    private long unknownTargets;
    private long malformedFrames;

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
     */
    public GraphWorker(
        final EdgeList graph, final FabricMembers members, final int workerId, final VertexProgram program,
        final Aeron aeron, final int streamBase, final IdleStrategy idle, final long maxSupersteps,
        final PrintStream progress)
    {
        this.program = program;
        this.idle = idle;
        this.maxSupersteps = maxSupersteps;
        this.partition = new GraphPartition(graph, members, workerId, program.undirected());
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

        final int localCount = partition.localCount();
        values = new long[localCount];
        halted = new boolean[localCount];
        inbox = new MessageBuffer(localCount, program.combiner());
        nextInbox = new MessageBuffer(localCount, program.combiner());
        broadcasts = null == program.combiner() ? null : new Broadcasts(partition, program.combiner());
        outboxes = new MessageBuffer[workers];
        for (int i = 0; i < workers; i++)
        {
            outboxes[i] = i == slot ? null : new MessageBuffer(partition.localCountBySlot[i], program.combiner());
        }
        aggregators = program.aggregators();
        localAggregates = new long[aggregators.length];
        globalAggregates = new long[aggregators.length];
        for (int i = 0; i < aggregators.length; i++)
        {
            globalAggregates[i] = aggregators[i].identity();
        }
        doneSuperstep = new long[workers];
        doneActive = new long[workers];
        doneSent = new long[workers];
        doneAggregates = new long[workers][aggregators.length];
        java.util.Arrays.fill(doneSuperstep, READY - 1);
        for (int i = 0; i < localCount; i++)
        {
            values[i] = program.initialValue(partition.vertexIds[partition.localVertices[i]], partition.vertexCount());
        }
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
        transport.awaitConnected(System.nanoTime() + connectTimeoutNs);
        awaitStart();
        long supersteps = 0;
        for (superstep = 0; superstep < maxSupersteps; superstep++)
        {
            final long startNs = System.nanoTime();
            final long active = computeSuperstep();
            if (null != broadcasts && broadcasts.senders() > 0 &&
                broadcasts.sentEdges() * PUSH_BELOW < partition.edgeCount())
            {
                pushBroadcasts();
            }
            for (int peer = 0; peer < workers; peer++)
            {
                if (peer != slot)
                {
                    transport.sendMessages(peer, superstep, outboxes[peer]);
                    outboxes[peer].clear();
                    if (null != broadcasts && broadcasts.senders() > 0)
                    {
                        transport.sendBroadcasts(peer, superstep, partition.mirrorsTo[peer], broadcasts);
                    }
                }
            }
            for (int peer = 0; peer < workers; peer++)
            {
                if (peer != slot)
                {
                    transport.sendDone(peer, superstep, active, messagesSent, localAggregates);
                }
            }
            if (null != broadcasts)
            {
                // While the peers' values travel.
                broadcasts.gatherLocal(nextInbox);
                broadcasts.clearSent();
            }
            awaitBarrier();
            if (null != broadcasts)
            {
                broadcasts.gatherRemote(nextInbox);
            }

            long totalActive = active;
            long totalSent = messagesSent;
            System.arraycopy(localAggregates, 0, globalAggregates, 0, aggregators.length);
            for (int peer = 0; peer < workers; peer++)
            {
                if (peer != slot)
                {
                    totalActive += doneActive[peer];
                    totalSent += doneSent[peer];
                    for (int a = 0; a < aggregators.length; a++)
                    {
                        globalAggregates[a] = aggregators[a].aggregate(globalAggregates[a], doneAggregates[peer][a]);
                    }
                }
            }
            if (null != progress)
            {
                progress.printf("superstep %d active %d messages %d time %.1f ms%n",
                    superstep, totalActive, totalSent, (System.nanoTime() - startNs) / 1e6);
            }

            final MessageBuffer delivered = inbox;
            inbox = nextInbox;
            nextInbox = delivered;
            nextInbox.clear();
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
        return new Result(ids, values.clone(), supersteps);
    }

    /**
     * @return messages addressed to ids that are not in the graph, dropped.
     */
    public long unknownTargets()
    {
        return unknownTargets;
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

    private long computeSuperstep()
    {
        messagesSent = 0;
        for (int a = 0; a < aggregators.length; a++)
        {
            localAggregates[a] = aggregators[a].identity();
        }
        inbox.seal();
        long active = 0;
        final int localCount = partition.localCount();
        for (int local = 0; local < localCount; local++)
        {
            if (halted[local] && 0 == inbox.count(local))
            {
                continue;
            }
            halted[local] = false;
            context.local = local;
            messages.local = local;
            program.compute(context, messages);
            if (!halted[local])
            {
                active++;
            }
        }
        return active;
    }

    /**
     * Few vertices sent to all their edges: a push along their edges costs less than a gather over every in-edge.
     */
    private void pushBroadcasts()
    {
        for (int local = 0, localCount = partition.localCount(); local < localCount; local++)
        {
            if (broadcasts.hasSent(local))
            {
                final long message = broadcasts.value(local);
                for (int i = partition.edgeOffsets[local], end = partition.edgeOffsets[local + 1]; i < end; i++)
                {
                    deliver(partition.edgeTargetSlots[i], partition.edgeTargetLocals[i], message);
                }
            }
        }
        broadcasts.clearSent();
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
                transport.sendDone(peer, READY, 0, 0, localAggregates);
            }
        }
        awaitBarrier();
    }

    private void awaitBarrier()
    {
        idle.reset();
        while (!allDone())
        {
            idle.idle(transport.poll(superstep));
        }
    }

    private boolean allDone()
    {
        for (int peer = 0; peer < workers; peer++)
        {
            if (peer != slot && doneSuperstep[peer] != superstep)
            {
                return false;
            }
        }
        return true;
    }

    private void deliver(final int target, final long message)
    {
        deliver(partition.ownerSlot[target], partition.localIndex[target], message);
    }

    private void deliver(final int ownerSlot, final int local, final long message)
    {
        if (ownerSlot == slot)
        {
            nextInbox.add(local, message);
        }
        else
        {
            outboxes[ownerSlot].add(local, message);
        }
    }

    public void onMessages(final long sentIn, final DirectBuffer buffer, final int offset, final int count)
    {
        final int localCount = partition.localCount();
        for (int i = 0, position = offset; i < count; i++, position += GraphTransport.ENTRY_BYTES)
        {
            final int local = buffer.getInt(position, LITTLE_ENDIAN);
            if (local < 0 || local >= localCount)
            {
                malformedFrames++;
                continue;
            }
            nextInbox.add(local, buffer.getLong(position + 4, LITTLE_ENDIAN));
        }
    }

    public void onBroadcasts(
        final int senderSlot, final long sentIn, final DirectBuffer buffer, final int offset, final int count)
    {
        if (null == broadcasts)
        {
            malformedFrames++;
            return;
        }
        for (int i = 0, position = offset; i < count; i++, position += GraphTransport.ENTRY_BYTES)
        {
            if (!broadcasts.onMirror(senderSlot, buffer.getInt(position, LITTLE_ENDIAN),
                buffer.getLong(position + 4, LITTLE_ENDIAN)))
            {
                malformedFrames++;
            }
        }
    }

    public void onDone(
        final int senderSlot, final long doneIn, final long activeVertices, final long sent,
        final DirectBuffer buffer, final int offset, final int aggregateCount)
    {
        doneSuperstep[senderSlot] = doneIn;
        doneActive[senderSlot] = activeVertices;
        doneSent[senderSlot] = sent;
        for (int a = 0; a < Math.min(aggregateCount, aggregators.length); a++)
        {
            doneAggregates[senderSlot][a] = buffer.getLong(offset + a * Long.BYTES, LITTLE_ENDIAN);
        }
    }

    public void onMalformed(final String reason)
    {
        malformedFrames++;
    }

    /** The messages of the vertex being computed. */
    private final class VertexMessages implements Messages
    {
        int local;

        public int count()
        {
            return inbox.count(local);
        }

        public long get(final int index)
        {
            return inbox.message(local, index);
        }
    }

    /** The vertex being computed. */
    private final class Context implements ComputeContext
    {
        int local;

        public long superstep()
        {
            return superstep;
        }

        public long vertexCount()
        {
            return partition.vertexCount();
        }

        public long vertexId()
        {
            return partition.vertexIds[partition.localVertices[local]];
        }

        public long value()
        {
            return values[local];
        }

        public void value(final long value)
        {
            values[local] = value;
        }

        public int edgeCount()
        {
            return partition.edgeOffsets[local + 1] - partition.edgeOffsets[local];
        }

        public long edgeTarget(final int edge)
        {
            return partition.vertexIds[partition.edgeTargets[partition.edgeOffsets[local] + edge]];
        }

        public double edgeWeight(final int edge)
        {
            return partition.edgeWeights[partition.edgeOffsets[local] + edge];
        }

        public void sendAlong(final int edge, final long message)
        {
            final int position = partition.edgeOffsets[local] + edge;
            messagesSent++;
            deliver(partition.edgeTargetSlots[position], partition.edgeTargetLocals[position], message);
        }

        public void send(final long vertexId, final long message)
        {
            final int target = java.util.Arrays.binarySearch(partition.vertexIds, vertexId);
            if (target < 0)
            {
                unknownTargets++;
                return;
            }
            messagesSent++;
            deliver(target, message);
        }

        public void sendToAllEdges(final long message)
        {
            final int edges = edgeCount();
            if (null == broadcasts)
            {
                for (int edge = 0; edge < edges; edge++)
                {
                    sendAlong(edge, message);
                }
            }
            else if (edges > 0)
            {
                messagesSent += edges;
                broadcasts.send(local, message);
            }
        }

        public void voteToHalt()
        {
            halted[local] = true;
        }

        public void aggregate(final int aggregator, final long value)
        {
            localAggregates[aggregator] = aggregators[aggregator].aggregate(localAggregates[aggregator], value);
        }

        public long aggregated(final int aggregator)
        {
            return globalAggregates[aggregator];
        }
    }
}
