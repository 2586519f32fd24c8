package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.graph.EdgeList;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

import static io.shawarma.fabric.aggregate.AggregateSemanticsTest.engine;
import static io.shawarma.fabric.aggregate.AggregateSemanticsTest.rounds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The exchange calculus on one worker: {@code share}, {@code nbr} and {@code rep} written with {@code exchange}
 * give the field calculus constructs' values round by round, per-neighbour values reach exactly their neighbour,
 * alignment follows ScaFi 3, and the XC building blocks (from the XC paper's examples) reach known answers.
 */
class ExchangeTest
{
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final long[] SOURCES = {0, 57};

    /** XC's {@code rep(init, f) = exchange(init, (n) -> retsend(f(self(n))))}. */
    static double rep(final Aggregate a, final double init, final DoubleUnaryOperator f)
    {
        return a.exchange(init, (b, n) -> b.nvalues(f.applyAsDouble(n.self()))).self();
    }

    /**
     * XC's {@code nbr(e) = exchange(e, (n) -> (n, e))}, with the device's own entry set to {@code e} as the field
     * calculus's {@code nbr} has it (XC's own entry is last round's).
     */
    static NValues nbr(final Aggregate a, final double value)
    {
        final NValues[] received = new NValues[1];
        a.exchange(value, (b, n) ->
        {
            received[0] = n.put(b.mid(), value);
            return b.nvalues(value);
        });
        return received[0];
    }

    /** XC's {@code share(init, f) = exchange(init, (n) -> retsend(f(n)))}. */
    static double share(final Aggregate a, final double init, final ToDoubleFunction<NValues> f)
    {
        return a.exchange(init, (b, n) -> b.nvalues(f.applyAsDouble(n))).self();
    }

    static final AggregateProgram XC_REP_NBR_HOPS = (a) ->
    {
        final boolean source = a.senseFlag(Sensors.SOURCE);
        return rep(a, INF, (previous) -> Aggregate.mux(source, 0.0, nbr(a, previous).minHoodPlus() + 1));
    };

    static final AggregateProgram XC_REP_NBR_GRADIENT = (a) ->
    {
        final boolean source = a.senseFlag(Sensors.SOURCE);
        return rep(a, INF, (previous) -> Aggregate.mux(source, 0.0,
            nbr(a, previous).zip(a.nbrRangeField(), Double::sum, INF).minHoodPlus()));
    };

    static final AggregateProgram SHARE_HOPS = (a) ->
    {
        final boolean source = a.senseFlag(Sensors.SOURCE);
        return a.share(INF, (b, shared) -> Aggregate.mux(source, 0.0, shared.minHoodPlus() + 1));
    };

    static final AggregateProgram XC_SHARE_HOPS = (a) ->
    {
        final boolean source = a.senseFlag(Sensors.SOURCE);
        return share(a, INF, (n) -> Aggregate.mux(source, 0.0, n.minHoodPlus() + 1));
    };

    static final AggregateProgram SHARE_GRADIENT = (a) ->
    {
        final boolean source = a.senseFlag(Sensors.SOURCE);
        return a.share(INF, (b, shared) -> Aggregate.mux(source, 0.0,
            shared.zip(b.nbrRangeField(), Double::sum).minHoodPlus()));
    };

    /**
     * Each device sends each neighbour of larger id its own value, {@code 1000 * mid + neighbour}, and the others
     * its default, -1; it returns the sum of what its neighbours sent it.
     */
    static final AggregateProgram PER_NEIGHBOUR = (a) -> a.exchange(-1, (b, n, send) ->
    {
        send.defaultValue(-1);
        for (int i = 0; i < n.size(); i++)
        {
            if (n.id(i) > b.mid())
            {
                send.put(n.id(i), 1000 * b.mid() + n.id(i));
            }
        }
        return n.sumHoodPlus();
    });

    /** The README's and docs/aggregate-xc.md's example, as written there. */
    public static final class XcHopCountProgram implements AggregateProgram
    {
        private boolean source;
        private final Exchange.RetSend step = (a, n, send) ->
        {
            final double hops = Aggregate.mux(source, 0.0, n.minHoodPlus() + 1);
            send.defaultValue(hops);
            return hops;
        };

        public double round(final Aggregate a)
        {
            source = a.senseFlag("source");
            return a.exchange(Double.POSITIVE_INFINITY, step);
        }
    }

    @Test
    void theDocumentedExchangeHopCountIsShareHopCount()
    {
        sameEveryRound(GridNetwork.of(9, 7), SHARE_HOPS, new XcHopCountProgram(), 20);
    }

    @Test
    void repAndNbrThroughExchangeGiveTheHopCountEveryRound()
    {
        sameEveryRound(GridNetwork.of(9, 7), new BuiltinPrograms.HopCountProgram(), XC_REP_NBR_HOPS, 25);
    }

    @Test
    void repAndNbrThroughExchangeGiveTheGradientEveryRound()
    {
        sameEveryRound(GridNetwork.of(9, 7), new BuiltinPrograms.GradientProgram(), XC_REP_NBR_GRADIENT, 25);
        sameEveryRound(weightedGrid(9, 7), new BuiltinPrograms.GradientProgram(), XC_REP_NBR_GRADIENT, 40);
    }

    @Test
    void shareThroughExchangeGivesShareEveryRound()
    {
        sameEveryRound(GridNetwork.of(9, 7), SHARE_HOPS, XC_SHARE_HOPS, 20);
        sameEveryRound(weightedGrid(9, 7), SHARE_GRADIENT, new BuiltinPrograms.XcGradientProgram(), 30);
    }

    @Test
    void repAndNbrAdvanceOneHopEveryTwoRoundsAndExchangeOnePerRound()
    {
        final AggregateEngine twoRounds = engine(GridNetwork.of(5, 1), XC_REP_NBR_HOPS, 0);
        final AggregateEngine oneRound = engine(GridNetwork.of(5, 1), XC_SHARE_HOPS, 0);
        assertArrayEquals(new double[]{0, 1, INF, INF, INF}, rounds(twoRounds, 3));
        assertArrayEquals(new double[]{0, 1, 2, INF, INF}, rounds(oneRound, 3));
        assertArrayEquals(new double[]{0, 1, 2, 3, 4}, rounds(twoRounds, 6));
    }

    @Test
    void eachNeighbourGetsItsOwnValueAndTheOthersTheDefault()
    {
        final EdgeList grid = GridNetwork.of(4, 3);
        // The first round lists no neighbour, the second sends, the third receives.
        assertArrayEquals(perNeighbourSums(grid), rounds(engine(grid, PER_NEIGHBOUR), 3));
    }

    @Test
    void theDeviceGetsBackWhatItSentItselfAndInitFirst()
    {
        // Each round a device sends itself its last value plus one and its neighbours 0: its own entry counts
        // rounds, and the default it sends does not leak into it.
        final AggregateProgram counter = (a) -> a.exchange(10, (b, n, send) ->
        {
            send.defaultValue(0).put(b.mid(), n.self() + 1);
            return n.self();
        });
        final AggregateEngine engine = engine(GridNetwork.of(2, 1), counter);
        assertArrayEquals(new double[]{10, 10}, rounds(engine, 1));
        assertArrayEquals(new double[]{13, 13}, rounds(engine, 3));
    }

    @Test
    void exchangeUnderBranchAlignsOnlyWithNeighboursOnTheSameSide()
    {
        // As nbr under branch (ScaFi 3's alignment): the left column and the rest count their aligned neighbours
        // within their own domain only.
        final Aggregate.DoubleExpression count = (a) -> a.exchange(0, (b, n, send) -> n.size() - 1);
        final AggregateEngine engine = engine(GridNetwork.of(3, 3), (a) -> a.branch(a.mid() % 3 == 0, count, count));
        assertArrayEquals(new double[]{1, 2, 2, 2, 3, 3, 1, 2, 2}, rounds(engine, 2));
    }

    @Test
    void twoExchangesInOneScopeHaveTheirOwnPaths()
    {
        // The second exchange's neighbours sent 10 at its path, never the first one's 1.
        final AggregateEngine engine = engine(GridNetwork.of(3, 1), (a) ->
        {
            a.exchange(1, (b, n) -> b.nvalues(1));
            return a.exchange(10, (b, n) -> b.nvalues(10)).defaultValue() + a.exchange(0, (b, n, send) ->
            {
                send.defaultValue(100);
                return n.sumHoodPlus();
            });
        });
        assertArrayEquals(new double[]{110, 210, 110}, rounds(engine, 2));
    }

    @Test
    void anOverrideForADeviceThatIsNoNeighbourIsRefusedOnceTheFieldIsFull()
    {
        final AggregateEngine engine = engine(GridNetwork.of(2, 1), (a) -> a.exchange(0, (b, n, send) ->
        {
            for (int i = 0; i < 3; i++)
            {
                send.put(100 + i, 1);
            }
            return 0;
        }));
        engine.synchronousRound();
        assertEquals(2, engine.failures());
        assertThrows(IllegalStateException.class, () ->
        {
            throw engine.firstFailure();
        });
    }

    @Test
    void xcGradientBroadcastAndCollectReachTheClassicBlocksAnswers()
    {
        final EdgeList grid = GridNetwork.of(9, 7);
        for (final String name : new String[]{"gradient", "broadcast", "collect"})
        {
            final double[] classic = rounds(engine(grid, BuiltinPrograms.byName(name), SOURCES), 60);
            assertArrayEquals(classic, rounds(engine(grid, BuiltinPrograms.byName("xc-" + name), SOURCES), 60),
                name);
        }
        final EdgeList triangle = new EdgeList(new long[]{0, 1, 0}, new long[]{1, 2, 2}, new double[]{1.5, 1.5, 4}, 3);
        assertArrayEquals(new double[]{0, 1.5, 3}, rounds(engine(triangle, new BuiltinPrograms.XcGradientProgram(), 0),
            5));
        assertArrayEquals(new double[]{0, 0, 0, 0, 0, 8, 0, 8, 8},
            rounds(engine(GridNetwork.of(3, 3), new BuiltinPrograms.XcBroadcastProgram(), 0, 8), 10));
        assertArrayEquals(new double[]{9, 6, 3, 2, 2, 2, 1, 1, 1},
            rounds(engine(GridNetwork.of(3, 3), new BuiltinPrograms.XcCollectProgram(), 0), 20));
    }

    @Test
    void xcCollectSendsOnlyToTheParent()
    {
        // A line 0-1-2-3 from source 0: each device's count reaches its parent only, so no count is doubled.
        assertArrayEquals(new double[]{4, 3, 2, 1},
            rounds(engine(GridNetwork.of(4, 1), new BuiltinPrograms.XcCollectProgram(), 0), 20));
    }

    /**
     * @return per device, the sum of what {@link #PER_NEIGHBOUR} delivers to it once every device knows its
     * neighbours.
     */
    static double[] perNeighbourSums(final EdgeList graph)
    {
        final long[] ids = graph.vertexIds();
        final double[] sums = new double[ids.length];
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            final long from = graph.src()[e];
            final long to = graph.dst()[e];
            sums[graph.indexOf(to)] += from < to ? 1000 * from + to : -1;
            sums[graph.indexOf(from)] += to < from ? 1000 * to + from : -1;
        }
        return sums;
    }

    static EdgeList weightedGrid(final int width, final int height)
    {
        final EdgeList grid = GridNetwork.of(width, height);
        final long[] from = new long[grid.edgeCount()];
        final long[] to = new long[grid.edgeCount()];
        final double[] weights = new double[grid.edgeCount()];
        for (int e = 0; e < from.length; e++)
        {
            from[e] = grid.src()[e];
            to[e] = grid.dst()[e];
            weights[e] = 0.5 + ((from[e] * 31 + to[e] * 17) % 7) / 4.0;
        }
        return new EdgeList(from, to, weights, from.length);
    }

    private static void sameEveryRound(
        final EdgeList graph, final AggregateProgram expected, final AggregateProgram actual, final int rounds)
    {
        final AggregateEngine reference = engine(graph, expected, SOURCES);
        final AggregateEngine exchange = engine(graph, actual, SOURCES);
        for (int r = 0; r < rounds; r++)
        {
            assertArrayEquals(AggregateSemanticsTest.rounds(reference, 1), AggregateSemanticsTest.rounds(exchange, 1),
                "round " + r);
        }
    }
}
