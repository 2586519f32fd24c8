package io.shawarma.fabric.crdt;

import io.shawarma.fabric.udf.MaxUdf;
import io.shawarma.udf.Udf;
import io.shawarma.udf.Vertex;
import io.shawarma.fabric.RandomCases;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The merge of every CRDT vertex type is commutative, associative and idempotent, and replicas that apply any
 * operations and then exchange their states in any order end equal, holding every operation's effect. Each law is
 * checked on generated cases ({@link RandomCases}), every case on every type.
 */
class CrdtLawsTest
{
    private static final String SEEDS = "io.shawarma.fabric.RandomCases#seeds";
    private static final int MAX_VALUE = 1024;
    private static final int REPLICAS = 4;
    // Per run seed (RandomCases.seeds()); each case is checked on every type.
    private static final int CASES = 100;
    // One clock for every replica of a test: stamps are unique, as a replica's own stamps are in a fabric.
    private static final AtomicLong CLOCK = new AtomicLong(1);
    private static final Udf[] TYPES = {
        new GCounterUdf(), new PnCounterUdf(), new MaxUdf(), new LwwRegisterUdf(CLOCK::incrementAndGet),
        new AddWinsSetUdf()};

    /** One operation: the replica it runs on, and a number to derive its args from. */
    record Op(int replica, long number)
    {
        public String toString()
        {
            return replica + ":" + number;
        }
    }

    /** A replica sends its state to another, which merges it. */
    record Exchange(int from, int to)
    {
        public String toString()
        {
            return from + ">" + to;
        }
    }

    /** Operations run on replicas, with exchanges in between. */
    record Run(List<Op> ops, List<Exchange> exchanges)
    {
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(SEEDS)
    void mergeIsCommutative(final long seed)
    {
        RandomCases.check(seed, CASES, random -> List.of(ops(random), ops(random)), states ->
        {
            for (final Udf udf : TYPES)
            {
                final byte[] x = state(udf, states.get(0));
                final byte[] y = state(udf, states.get(1));
                assertEquals(canonical(udf, merged(udf, x, y)), canonical(udf, merged(udf, y, x)), udf.name());
            }
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(SEEDS)
    void mergeIsAssociative(final long seed)
    {
        RandomCases.check(seed, CASES, random -> List.of(ops(random), ops(random), ops(random)), states ->
        {
            for (final Udf udf : TYPES)
            {
                final byte[] x = state(udf, states.get(0));
                final byte[] y = state(udf, states.get(1));
                final byte[] z = state(udf, states.get(2));
                assertEquals(canonical(udf, merged(udf, merged(udf, x, y), z)),
                    canonical(udf, merged(udf, x, merged(udf, y, z))), udf.name());
            }
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(SEEDS)
    void mergeIsIdempotent(final long seed)
    {
        RandomCases.check(seed, CASES, CrdtLawsTest::ops, ops ->
        {
            for (final Udf udf : TYPES)
            {
                final byte[] x = state(udf, ops);
                assertEquals(canonical(udf, x), canonical(udf, merged(udf, x, x)), udf.name());
            }
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource(SEEDS)
    void replicasConvergeWhateverTheOrderOfExchanges(final long seed)
    {
        RandomCases.check(seed, CASES, random -> new Run(ops(random), exchanges(random)), run ->
        {
            for (final Udf udf : TYPES)
            {
                replicasConverge(udf, run);
            }
        });
    }

    private static void replicasConverge(final Udf udf, final Run run)
    {
        final byte[][] states = new byte[REPLICAS][];
        for (int r = 0; r < REPLICAS; r++)
        {
            states[r] = new byte[0];
        }
        // Each op runs on its replica, with random exchanges in between; then everyone merges everyone.
        int next = 0;
        for (final Op op : run.ops())
        {
            states[op.replica()] = applied(udf, states[op.replica()], op);
            if (next < run.exchanges().size())
            {
                final Exchange exchange = run.exchanges().get(next++);
                states[exchange.to()] = merged(udf, states[exchange.to()], states[exchange.from()]);
            }
        }
        for (int round = 0; round < 2; round++)
        {
            for (int from = 0; from < REPLICAS; from++)
            {
                for (int to = 0; to < REPLICAS; to++)
                {
                    states[to] = merged(udf, states[to], states[from]);
                }
            }
        }
        for (int r = 1; r < REPLICAS; r++)
        {
            assertEquals(canonical(udf, states[0]), canonical(udf, states[r]), udf.name() + " replica " + r);
        }
        if (udf instanceof GCounterUdf || udf instanceof PnCounterUdf)
        {
            long expected = 0;
            for (final Op op : run.ops())
            {
                expected += delta(udf, op);
            }
            assertEquals(expected, read(udf, states[0]), udf.name() + ": every increment counted once");
        }
    }

    private static List<Op> ops(final SplittableRandom random)
    {
        return RandomCases.listOf(random, 0, 20, r -> new Op(r.nextInt(REPLICAS), r.nextLong(-1000, 1001)));
    }

    private static List<Exchange> exchanges(final SplittableRandom random)
    {
        return RandomCases.listOf(random, 0, 20, r -> new Exchange(r.nextInt(REPLICAS), r.nextInt(REPLICAS)));
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
        final Vertex vertex = vertexOf(state).replicaId(op.replica());
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
        return udf instanceof GCounterUdf ? Math.abs(op.number()) : op.number();
    }

    private static UnsafeBuffer argsOf(final Udf udf, final Op op)
    {
        if (udf instanceof LwwRegisterUdf)
        {
            return new UnsafeBuffer(Long.toString(op.number()).getBytes());
        }
        final UnsafeBuffer args = new UnsafeBuffer(new byte[8]);
        if (udf instanceof AddWinsSetUdf)
        {
            args.putInt(0, op.number() >= 0 ? AddWinsSetUdf.ADD : AddWinsSetUdf.REMOVE, LITTLE_ENDIAN);
            args.putInt(4, (int)(Math.abs(op.number()) % 8), LITTLE_ENDIAN);
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
        return new Vertex(new UnsafeBuffer(new byte[MAX_VALUE])).wrap(1, new UnsafeBuffer(state.clone()), state.length);
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
