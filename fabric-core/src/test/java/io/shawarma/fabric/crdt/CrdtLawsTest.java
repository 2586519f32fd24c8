package io.shawarma.fabric.crdt;

import io.shawarma.fabric.udf.MaxUdf;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The merge of every CRDT vertex type is commutative, associative and idempotent, and replicas that apply any
 * operations and then exchange their states in any order end equal, holding every operation's effect.
 */
class CrdtLawsTest
{
    private static final int MAX_VALUE = 1024;
    // One clock for every replica of a test: stamps are unique, as a replica's own stamps are in a fabric.
    private static final AtomicLong CLOCK = new AtomicLong(1);
    private static final Udf[] TYPES = {
        new GCounterUdf(), new PnCounterUdf(), new MaxUdf(), new LwwRegisterUdf(CLOCK::incrementAndGet),
        new AddWinsSetUdf()};

    /** One operation: the type it applies to, the replica it runs on, and a number to derive its args from. */
    static final class Op
    {
        final int replica;
        final long number;

        Op(final int replica, final long number)
        {
            this.replica = replica;
            this.number = number;
        }

        public String toString()
        {
            return replica + ":" + number;
        }
    }

    @Property(tries = 300)
    void mergeIsCommutative(@ForAll("types") final int type, @ForAll("ops") final List<Op> a,
        @ForAll("ops") final List<Op> b)
    {
        final Udf udf = TYPES[type];
        final byte[] x = state(udf, a);
        final byte[] y = state(udf, b);
        assertEquals(canonical(udf, merged(udf, x, y)), canonical(udf, merged(udf, y, x)));
    }

    @Property(tries = 300)
    void mergeIsAssociative(@ForAll("types") final int type, @ForAll("ops") final List<Op> a,
        @ForAll("ops") final List<Op> b, @ForAll("ops") final List<Op> c)
    {
        final Udf udf = TYPES[type];
        final byte[] x = state(udf, a);
        final byte[] y = state(udf, b);
        final byte[] z = state(udf, c);
        assertEquals(canonical(udf, merged(udf, merged(udf, x, y), z)),
            canonical(udf, merged(udf, x, merged(udf, y, z))));
    }

    @Property(tries = 300)
    void mergeIsIdempotent(@ForAll("types") final int type, @ForAll("ops") final List<Op> a)
    {
        final Udf udf = TYPES[type];
        final byte[] x = state(udf, a);
        assertEquals(canonical(udf, x), canonical(udf, merged(udf, x, x)));
    }

    @Property(tries = 200)
    void replicasConvergeWhateverTheOrderOfExchanges(
        @ForAll("types") final int type, @ForAll("ops") final List<Op> ops,
        @ForAll("exchanges") final List<int[]> exchanges)
    {
        final Udf udf = TYPES[type];
        final int replicas = 4;
        final byte[][] states = new byte[replicas][];
        for (int r = 0; r < replicas; r++)
        {
            states[r] = new byte[0];
        }
        // Each op runs on its replica, with random exchanges in between; then everyone merges everyone.
        int next = 0;
        for (int i = 0; i < ops.size(); i++)
        {
            final Op op = ops.get(i);
            states[op.replica] = applied(udf, states[op.replica], op);
            if (next < exchanges.size())
            {
                final int[] exchange = exchanges.get(next++);
                states[exchange[1]] = merged(udf, states[exchange[1]], states[exchange[0]]);
            }
        }
        for (int round = 0; round < 2; round++)
        {
            for (int from = 0; from < replicas; from++)
            {
                for (int to = 0; to < replicas; to++)
                {
                    states[to] = merged(udf, states[to], states[from]);
                }
            }
        }
        for (int r = 1; r < replicas; r++)
        {
            assertEquals(canonical(udf, states[0]), canonical(udf, states[r]));
        }
        if (udf instanceof GCounterUdf || udf instanceof PnCounterUdf)
        {
            long expected = 0;
            for (final Op op : ops)
            {
                expected += delta(udf, op);
            }
            assertEquals(expected, read(udf, states[0]), "every increment counted once");
        }
    }

    @Provide
    Arbitrary<Integer> types()
    {
        return Arbitraries.integers().between(0, TYPES.length - 1);
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.longs().between(-1000, 1000))
            .as(Op::new).list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<int[]>> exchanges()
    {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3))
            .as((from, to) -> new int[]{ from, to }).list().ofMaxSize(20);
    }

    private static byte[] state(final Udf udf, final List<Op> ops)
    {
        byte[] state = new byte[0];
        for (final Op op : ops)
        {
            state = applied(udf, state, op);
        }
        return state;
    }

    private static byte[] applied(final Udf udf, final byte[] state, final Op op)
    {
        final Vertex vertex = vertexOf(state).replicaId(op.replica);
        final UnsafeBuffer args = argsOf(udf, op);
        final int result = udf.compute(vertex, args, new UnsafeBuffer(new byte[MAX_VALUE]));
        if (result < 0)
        {
            throw new AssertionError(udf.name() + " failed on " + op);
        }
        return vertex.isUpdated() ? bytesOf(vertex) : state;
    }

    private static long delta(final Udf udf, final Op op)
    {
        return udf instanceof GCounterUdf ? Math.abs(op.number) : op.number;
    }

    private static UnsafeBuffer argsOf(final Udf udf, final Op op)
    {
        if (udf instanceof LwwRegisterUdf)
        {
            return new UnsafeBuffer(Long.toString(op.number).getBytes());
        }
        final UnsafeBuffer args = new UnsafeBuffer(new byte[8]);
        if (udf instanceof AddWinsSetUdf)
        {
            args.putInt(0, op.number >= 0 ? AddWinsSetUdf.ADD : AddWinsSetUdf.REMOVE, LITTLE_ENDIAN);
            args.putInt(4, (int)(Math.abs(op.number) % 8), LITTLE_ENDIAN);
        }
        else
        {
            args.putLong(0, delta(udf, op), LITTLE_ENDIAN);
        }
        return args;
    }

    static byte[] merged(final Udf udf, final byte[] into, final byte[] from)
    {
        final Vertex vertex = vertexOf(into);
        udf.merge(vertex, new UnsafeBuffer(from));
        return vertex.isUpdated() ? bytesOf(vertex) : into;
    }

    private static long read(final Udf udf, final byte[] state)
    {
        final UnsafeBuffer result = new UnsafeBuffer(new byte[MAX_VALUE]);
        udf.compute(vertexOf(state), new UnsafeBuffer(new byte[0]), result);
        return result.getLong(0, LITTLE_ENDIAN);
    }

    private static Vertex vertexOf(final byte[] state)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[MAX_VALUE]);
        value.putBytes(0, state);
        return new Vertex(value).wrap(1, state.length);
    }

    private static byte[] bytesOf(final Vertex vertex)
    {
        final byte[] bytes = new byte[vertex.length()];
        vertex.value().getBytes(0, bytes);
        return bytes;
    }

    /**
     * The value as a comparable string: counters' replica tables as sorted maps (entry order depends on which
     * replica came first, which merge does not preserve); other types byte for byte.
     */
    static String canonical(final Udf udf, final byte[] state)
    {
        if (udf instanceof GCounterUdf || udf instanceof PnCounterUdf)
        {
            final StringBuilder text = new StringBuilder();
            final UnsafeBuffer buffer = new UnsafeBuffer(state);
            for (int table = 0; table < state.length; table += ReplicaCounts.BYTES)
            {
                final TreeMap<Integer, Long> counts = new TreeMap<>();
                for (int entry = table; entry < table + ReplicaCounts.BYTES; entry += ReplicaCounts.ENTRY_BYTES)
                {
                    final int tag = buffer.getInt(entry, LITTLE_ENDIAN);
                    final long count = buffer.getLong(entry + 8, LITTLE_ENDIAN);
                    if (0 != tag && 0 != count)
                    {
                        counts.put(tag, count);
                    }
                }
                text.append(counts);
            }
            return text.toString();
        }
        return Arrays.toString(state);
    }
}
