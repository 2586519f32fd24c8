package io.shawarma.fabric.borrow;

import io.shawarma.codecs.LeaseMode;
import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.fabric.store.ChronicleVertexStore;
import io.shawarma.fabric.store.VertexStore;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Workers' lenders and borrowers joined by an in-memory network whose messages the test delivers, drops, repeats
 * or reorders, under a clock the test moves: the borrowing protocol's faults, deterministically.
 */
final class MemoryNetwork implements AutoCloseable
{
    static final long LEASE_NS = 10_000_000L;
    static final long GRACE_NS = LEASE_NS / 4;
    static final long MARGIN_NS = LEASE_NS / 4;
    static final long RETRY_NS = LEASE_NS;

    /** A message in flight: who sends it, to whom, what it is, and how to deliver it. */
    static final class Message
    {
        final int from;
        final int to;
        final String kind;
        final Consumer<Node> delivery;

        Message(final int from, final int to, final String kind, final Consumer<Node> delivery)
        {
            this.from = from;
            this.to = to;
            this.kind = kind;
            this.delivery = delivery;
        }

        public String toString()
        {
            return kind + " " + from + "->" + to;
        }
    }

    /** One worker: its store, invoker, lender and borrower. */
    final class Node implements BorrowSender
    {
        final int id;
        final VertexStore store;
        final LocalInvoker invoker;
        final Lender lender;
        final Borrower borrower;

        Node(final int id)
        {
            this.id = id;
            store = new ChronicleVertexStore(1024, 64, 1024, null);
            final List<Udf> udfs = new ArrayList<>();
            ServiceLoader.load(Udf.class).forEach(udfs::add);
            invoker = new LocalInvoker(store, new UdfRegistry(udfs), 1024, Throwable::printStackTrace).replicaId(id);
            lender = new Lender(id, invoker, new LeaseTable(64, 8, LEASE_NS, GRACE_NS), this);
            borrower = new Borrower(invoker, new BorrowedCopies(8, 1024), this, MARGIN_NS, RETRY_NS);
        }

        public boolean borrowRequest(final int ownerId, final long correlationId, final long vertexId, final int udfId)
        {
            return send(
                id, ownerId, "request", node -> node.lender.onRequest(id, correlationId, vertexId, udfId, nowNs));
        }

        public boolean borrowGrant(
            final int borrowerId, final long correlationId, final long vertexId, final Status status,
            final LeaseMode mode, final long leaseId, final long version, final long leaseExpiryNs,
            final long leaseDurationNs, final int ownerId, final DirectBuffer value, final int valueOffset,
            final int valueLength)
        {
            final UnsafeBuffer copy = copyOf(value, valueOffset, valueLength);
            return send(id, borrowerId, "grant " + status, node -> node.borrower.onGrant(id, correlationId, vertexId,
                status.code(), mode, leaseId, version, leaseDurationNs, copy, 0, copy.capacity(), nowNs));
        }

        public boolean borrowReturn(
            final int ownerId, final long correlationId, final long vertexId, final long leaseId, final boolean changed,
            final LeaseMode mode, final int udfId, final DirectBuffer value, final int valueOffset,
            final int valueLength)
        {
            final UnsafeBuffer copy = copyOf(value, valueOffset, valueLength);
            return send(id, ownerId, "return", node -> node.lender.onReturn(id, correlationId, vertexId, leaseId,
                changed, mode, udfId, copy, 0, copy.capacity(), nowNs));
        }

        public boolean borrowReturnAck(
            final int borrowerId, final long correlationId, final long vertexId, final long leaseId,
            final Status status)
        {
            return send(id, borrowerId, "ack " + status,
                node -> node.borrower.onReturnAck(vertexId, leaseId, status.code()));
        }

        public boolean revoke(final int borrowerId, final long vertexId, final long leaseId)
        {
            return send(id, borrowerId, "revoke", node -> node.borrower.onRevoke(vertexId, leaseId, nowNs));
        }

        /** Runs a call here: on the owner's store when this node owns the vertex, else on a held copy. */
        Status call(final int ownerId, final long vertexId, final int udfId, final DirectBuffer args)
        {
            if (ownerId == id)
            {
                final Udf udf = invoker.udf(udfId);
                final Status lent = lender.beforeOwnerCall(vertexId, udfId, udf.isReadOnly(), id);
                return Status.OK == lent ? invoker.invoke(vertexId, udfId, args, 0, args.capacity()) : lent;
            }
            final int slot = borrower.usableSlot(vertexId, udfId, nowNs);
            return slot < 0 ? Status.LENT : borrower.invoke(slot, udfId, args, 0, args.capacity());
        }

        void tick()
        {
            lender.doWork(nowNs);
            borrower.doWork(nowNs);
        }
    }

    final List<Node> nodes = new ArrayList<>();
    final List<Message> inFlight = new ArrayList<>();
    long nowNs = 1_000_000_000L;

    MemoryNetwork(final int nodeCount)
    {
        for (int id = 0; id < nodeCount; id++)
        {
            nodes.add(new Node(id));
        }
    }

    Node node(final int id)
    {
        return nodes.get(id);
    }

    /** Delivers the message at an index; returns it. */
    Message deliver(final int index)
    {
        final Message message = inFlight.remove(index);
        message.delivery.accept(nodes.get(message.to));
        return message;
    }

    /** Delivers every message, including those sent while delivering, in order. */
    void deliverAll()
    {
        while (!inFlight.isEmpty())
        {
            deliver(0);
        }
    }

    /** Drops the message at an index. */
    Message drop(final int index)
    {
        return inFlight.remove(index);
    }

    /** Moves the clock and lets every node do its periodic work. */
    void advance(final long ns)
    {
        nowNs += ns;
        for (final Node node : nodes)
        {
            node.tick();
        }
    }

    int indexOf(final String kindPrefix)
    {
        for (int i = 0; i < inFlight.size(); i++)
        {
            if (inFlight.get(i).kind.startsWith(kindPrefix))
            {
                return i;
            }
        }
        return -1;
    }

    public void close()
    {
        for (final Node node : nodes)
        {
            node.store.close();
        }
    }

    private boolean send(final int from, final int to, final String kind, final Consumer<Node> delivery)
    {
        inFlight.add(new Message(from, to, kind, delivery));
        return true;
    }

    static UnsafeBuffer copyOf(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new UnsafeBuffer(bytes);
    }

    static UnsafeBuffer int64(final long value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Long.BYTES]);
        buffer.putLong(0, value, java.nio.ByteOrder.LITTLE_ENDIAN);
        return buffer;
    }
}
