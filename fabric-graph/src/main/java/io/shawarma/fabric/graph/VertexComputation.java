package io.shawarma.fabric.graph;

import io.shawarma.udf.graph.Aggregator;
import io.shawarma.udf.graph.Combiner;
import io.shawarma.udf.graph.ComputeContext;
import io.shawarma.udf.graph.Messages;
import io.shawarma.udf.graph.VertexProgram;
import org.agrona.DirectBuffer;

import java.util.Arrays;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The compute phase of a superstep on this worker's vertices: runs the program on every active vertex and routes
 * what it sends, into this worker's next inbox, the outbox of the peer that owns the target, or the broadcasts.
 * The vertices first gather the previous superstep's broadcasts of their in-neighbours, in a pass of their own (as
 * a hand-written pull loop does). Also takes in the peers' messages and broadcasts for the next superstep.
 * Allocates nothing per vertex or message.
 */
final class VertexComputation
{
    /** Push broadcasts along their edges when they cover less than 1/PUSH_BELOW of this worker's out-edges. */
    private static final int PUSH_BELOW = 8;

    private final GraphPartition partition;
    private final VertexProgram program;
    private final Combiner combiner;
    private final int slot;
    private final Aggregator[] aggregators;
    private final long[] values;
    private final boolean[] halted;
    private final MessageBuffer[] outboxes;
    private final Broadcasts broadcasts;
    private final long[] localAggregates;
    private final long[] globalAggregates;
    private final Context context = new Context();
    private final VertexMessages messages = new VertexMessages();
    private MessageBuffer inbox;
    private MessageBuffer nextInbox;
    private long superstep;
    private long messagesSent;
    private long unknownTargets;

    /**
     * @param partition this worker's share of the graph.
     * @param program   what to run.
     * @param workers   the workers of the job.
     * @param shared    the broadcast values: this worker's own, or those of the threads it shares memory with.
     */
    VertexComputation(
        final GraphPartition partition, final VertexProgram program, final int workers, final BroadcastValues shared)
    {
        this.partition = partition;
        this.program = program;
        this.combiner = program.combiner();
        this.slot = partition.slot;
        final int localCount = partition.localCount();
        values = new long[localCount];
        halted = new boolean[localCount];
        inbox = new MessageBuffer(localCount, program.combiner());
        nextInbox = new MessageBuffer(localCount, program.combiner());
        broadcasts = null == combiner ? null : new Broadcasts(partition, combiner, shared);
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
        for (int i = 0; i < localCount; i++)
        {
            values[i] = program.initialValue(partition.vertexIds[partition.localVertices[i]], partition.vertexCount());
        }
    }

    /**
     * Runs the program on every vertex that has not halted or has messages, then, when few vertices sent to all
     * their edges, pushes those along the edges.
     *
     * @return the vertices still active (not halted) after it.
     */
    long compute(final long superstep)
    {
        this.superstep = superstep;
        messagesSent = 0;
        for (int a = 0; a < aggregators.length; a++)
        {
            localAggregates[a] = aggregators[a].identity();
        }
        inbox.seal();
        if (null != broadcasts)
        {
            broadcasts.begin(superstep);
        }
        // Superstep 0 has nothing to gather: it goes the inbox's way, so that the gathering loop is compiled from
        // the profile of supersteps that gather, instead of being compiled for superstep 0 and thrown away in 1.
        final long active = null == broadcasts || 0 == superstep ? computeFromInbox() : computeGathering();
        if (hasBroadcasts() && broadcasts.sentEdges() * PUSH_BELOW < partition.edgeCount())
        {
            pushBroadcasts();
        }
        if (null != broadcasts)
        {
            broadcasts.end();
        }
        return active;
    }

    /**
     * Sends a peer this superstep's messages and broadcasts for its vertices.
     */
    void sendTo(final int peer, final GraphTransport transport)
    {
        transport.sendMessages(peer, superstep, outboxes[peer]);
        outboxes[peer].clear();
        if (hasBroadcasts())
        {
            transport.sendBroadcasts(peer, superstep, partition.mirrorsTo[peer], broadcasts);
        }
    }

    /**
     * Makes the messages received during this superstep the next superstep's inbox.
     */
    void completeSuperstep()
    {
        final MessageBuffer delivered = inbox;
        inbox = nextInbox;
        nextInbox = delivered;
        nextInbox.clear();
    }

    /**
     * Takes in a peer's messages for this worker's vertices.
     *
     * @return the entries dropped because their vertex index is out of range.
     */
    int receiveMessages(final DirectBuffer buffer, final int offset, final int count)
    {
        final int localCount = partition.localCount();
        int malformed = 0;
        for (int i = 0, position = offset; i < count; i++, position += GraphTransport.ENTRY_BYTES)
        {
            final int local = buffer.getInt(position, LITTLE_ENDIAN);
            if (local < 0 || local >= localCount)
            {
                malformed++;
                continue;
            }
            nextInbox.add(local, buffer.getLong(position + 4, LITTLE_ENDIAN));
        }
        return malformed;
    }

    /**
     * Takes in a peer's broadcast values, by index in its mirror list for this worker.
     *
     * @return the entries dropped: all of them when the program has no combiner, else those out of range.
     */
    int receiveBroadcasts(final int senderSlot, final DirectBuffer buffer, final int offset, final int count)
    {
        if (null == broadcasts)
        {
            return 1;
        }
        int malformed = 0;
        for (int i = 0, position = offset; i < count; i++, position += GraphTransport.ENTRY_BYTES)
        {
            if (!broadcasts.onMirror(senderSlot, buffer.getInt(position, LITTLE_ENDIAN),
                buffer.getLong(position + 4, LITTLE_ENDIAN)))
            {
                malformed++;
            }
        }
        return malformed;
    }

    Aggregator[] aggregators()
    {
        return aggregators;
    }

    long[] localAggregates()
    {
        return localAggregates;
    }

    /**
     * @return the aggregates every worker's vertices gave in the last superstep, for the next one to read.
     */
    long[] globalAggregates()
    {
        return globalAggregates;
    }

    long messagesSent()
    {
        return messagesSent;
    }

    long unknownTargets()
    {
        return unknownTargets;
    }

    /**
     * @return a copy of this worker's vertex values, in local order.
     */
    long[] values()
    {
        return values.clone();
    }

    /**
     * Without a combiner, or before anything was broadcast: every message is in the inbox.
     */
    private long computeFromInbox()
    {
        messages.fromInbox = true;
        long active = 0;
        for (int local = 0, localCount = partition.localCount(); local < localCount; local++)
        {
            if (!halted[local] || inbox.count(local) > 0)
            {
                active += computeVertex(local) ? 1 : 0;
            }
        }
        return active;
    }

    /**
     * With a combiner: a vertex's message combines what its in-neighbours broadcast, gathered here, with what was
     * sent to it alone (in the inbox).
     */
    private long computeGathering()
    {
        final Broadcasts broadcasts = this.broadcasts;
        broadcasts.gather();
        messages.fromInbox = false;
        long active = 0;
        for (int local = 0, localCount = partition.localCount(); local < localCount; local++)
        {
            final boolean gathered = broadcasts.hasGathered(local);
            final boolean delivered = inbox.count(local) > 0;
            if (gathered || delivered || !halted[local])
            {
                final long message = gathered ? broadcasts.gathered(local) : inbox.message(local, 0);
                messages.combined = gathered && delivered ? combiner.combine(message, inbox.message(local, 0)) :
                    message;
                messages.combinedCount = gathered || delivered ? 1 : 0;
                active += computeVertex(local) ? 1 : 0;
            }
        }
        return active;
    }

    /**
     * @return whether the vertex is still active after it.
     */
    private boolean computeVertex(final int local)
    {
        halted[local] = false;
        context.local = local;
        messages.local = local;
        program.compute(context, messages);
        return !halted[local];
    }

    private boolean hasBroadcasts()
    {
        return null != broadcasts && broadcasts.senders() > 0;
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

    /** The messages of the vertex being computed: those of the inbox, or one combined with what it gathered. */
    private final class VertexMessages implements Messages
    {
        boolean fromInbox;
        int local;
        int combinedCount;
        long combined;

        public int count()
        {
            return fromInbox ? inbox.count(local) : combinedCount;
        }

        public long get(final int index)
        {
            return fromInbox ? inbox.message(local, index) : combined;
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
            final int target = Arrays.binarySearch(partition.vertexIds, vertexId);
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
