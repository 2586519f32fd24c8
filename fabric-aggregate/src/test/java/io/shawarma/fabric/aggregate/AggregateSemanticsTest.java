package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.graph.EdgeList;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The constructs on small grids, against values worked out by hand from the field calculus's published semantics
 * (ScaFi's): synchronous rounds, one worker. Grid ids are y * W + x; a 3x3 grid reads
 * <pre>
 *   0 1 2
 *   3 4 5
 *   6 7 8
 * </pre>
 */
class AggregateSemanticsTest
{
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final FabricMembers ONE_WORKER = FabricMembers.parse("1@aeron:ipc", "test");

    static AggregateEngine engine(final EdgeList network, final AggregateProgram program, final long... sources)
    {
        final AggregateEngine engine = new AggregateEngine(network, ONE_WORKER, 1, program, 3, 42);
        for (final long source : sources)
        {
            engine.sense(Sensors.SOURCE, source, 1);
        }
        return engine;
    }

    static double[] rounds(final AggregateEngine engine, final int rounds)
    {
        for (int r = 0; r < rounds; r++)
        {
            engine.synchronousRound();
        }
        assertEquals(0, engine.failures(), () -> "a round failed: " + engine.firstFailure());
        return engine.outputs();
    }

    @Test
    void aSplitSynchronousRoundRunsTheBoundaryDevicesFirstAndPublishesEverythingAtTheEnd()
    {
        // Worker 1 of 2 on a 5x4 grid owns ids 0-9 (rows 0 and 1); ids 5-9 have neighbours on worker 2.
        final FabricMembers two = FabricMembers.parse("1@aeron:ipc,2@aeron:ipc", "test");
        final AggregateEngine engine = new AggregateEngine(GridNetwork.of(5, 4), two, 1,
            (a) -> a.rep(0, (b, previous) -> previous + 1), 3, 42);
        final Neighbourhood hood = engine.neighbourhood();
        assertEquals(5, hood.boundaryCount);
        for (int row = 0; row < hood.localCount; row++)
        {
            assertEquals(hood.deviceIds[row] >= 5, hood.isBoundary(row), "device " + hood.deviceIds[row]);
        }

        engine.synchronousBoundary();
        assertEquals(5, engine.ranLastRound());
        for (int row = 0; row < hood.localCount; row++)
        {
            assertEquals(hood.isBoundary(row), engine.ranLastRound(row), "device " + hood.deviceIds[row]);
            assertEquals(Exports.NEVER, engine.exports().round(row), "nothing published before the interior ran");
        }

        engine.synchronousInterior();
        assertEquals(10, engine.ranLastRound());
        assertEquals(1, engine.round());
        for (int row = 0; row < hood.localCount; row++)
        {
            assertEquals(0, engine.exports().round(row), "device " + hood.deviceIds[row]);
        }
        assertArrayEquals(new double[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, engine.outputs());
    }

    @Test
    void foldhoodCountsTheDeviceItselfAndEveryNeighbour()
    {
        final AggregateEngine engine = engine(GridNetwork.of(3, 3), (a) -> a.foldhood(0, Double::sum, (b) -> 1));
        // Round 0: no neighbour has exported yet, so each device folds over itself only.
        assertArrayEquals(new double[]{1, 1, 1, 1, 1, 1, 1, 1, 1}, rounds(engine, 1));
        // Corners have 2 neighbours, edges 3, the centre 4; plus the device itself.
        assertArrayEquals(new double[]{3, 4, 3, 4, 5, 4, 3, 4, 3}, rounds(engine, 1));
    }

    @Test
    void foldhoodPlusLeavesTheDeviceItselfOut()
    {
        final AggregateEngine engine =
            engine(GridNetwork.of(3, 3), (a) -> a.foldhoodPlus(0, Double::sum, (b) -> b.nbr(b.mid())));
        // The sum of the neighbours' ids: 0 <- 1 + 3, 4 <- 1 + 3 + 5 + 7, ...
        assertArrayEquals(new double[]{4, 6, 6, 10, 16, 14, 10, 18, 12}, rounds(engine, 2));
    }

    @Test
    void nbrRangeIsTheEdgeWeightAndZeroForItself()
    {
        final EdgeList line = new EdgeList(new long[]{0, 1}, new long[]{1, 2}, new double[]{2.5, 4}, 2);
        final AggregateEngine engine = engine(line, (a) -> a.foldhood(0, Double::sum, Aggregate::nbrRange));
        assertArrayEquals(new double[]{2.5, 6.5, 4}, rounds(engine, 2));
    }

    @Test
    void repCarriesStateAcrossRounds()
    {
        final AggregateEngine engine = engine(GridNetwork.of(2, 1), (a) -> a.rep(10, (b, previous) -> previous + 1));
        assertArrayEquals(new double[]{11, 11}, rounds(engine, 1));
        assertArrayEquals(new double[]{15, 15}, rounds(engine, 4));
    }

    @Test
    void hopCountFromACornerAdvancesOneHopEveryTwoRounds()
    {
        // rep + nbr exports the previous round's value, so a hop takes two rounds: hop k is known after round 2k.
        final AggregateEngine engine = engine(GridNetwork.of(3, 3), new BuiltinPrograms.HopCountProgram(), 0);
        final double[][] expected = {
            {0, INF, INF, INF, INF, INF, INF, INF, INF},
            {0, INF, INF, INF, INF, INF, INF, INF, INF},
            {0, 1, INF, 1, INF, INF, INF, INF, INF},
            {0, 1, INF, 1, INF, INF, INF, INF, INF},
            {0, 1, 2, 1, 2, INF, 2, INF, INF},
        };
        for (int r = 0; r < expected.length; r++)
        {
            engine.synchronousRound();
            assertArrayEquals(expected[r], engine.outputs(), "round " + r);
        }
        assertArrayEquals(new double[]{0, 1, 2, 1, 2, 3, 2, 3, 4}, rounds(engine, 6));
    }

    @Test
    void shareAdvancesOneHopEveryRound()
    {
        // share exports the value it returns, so neighbours see this round's value next round: hop k after round k.
        final AggregateProgram shareHops = (a) ->
        {
            final boolean source = a.senseFlag(Sensors.SOURCE);
            return a.share(INF, (b, shared) -> Aggregate.mux(source, 0.0, shared.minHoodPlus() + 1));
        };
        final AggregateEngine engine = engine(GridNetwork.of(3, 3), shareHops, 0);
        assertArrayEquals(new double[]{0, INF, INF, INF, INF, INF, INF, INF, INF}, rounds(engine, 1));
        assertArrayEquals(new double[]{0, 1, INF, 1, INF, INF, INF, INF, INF}, rounds(engine, 1));
        assertArrayEquals(new double[]{0, 1, 2, 1, 2, INF, 2, INF, INF}, rounds(engine, 1));
        assertArrayEquals(new double[]{0, 1, 2, 1, 2, 3, 2, 3, 4}, rounds(engine, 2));
    }

    @Test
    void branchSplitsTheNetworkIntoDomains()
    {
        // The left column and the rest each count their neighbours within their own domain only.
        final Aggregate.DoubleExpression count = (a) -> a.foldhood(0, Double::sum, (b) -> 1);
        final AggregateEngine engine = engine(GridNetwork.of(3, 3), (a) -> a.branch(a.mid() % 3 == 0, count, count));
        assertArrayEquals(new double[]{2, 3, 3, 3, 4, 4, 2, 3, 3}, rounds(engine, 2));
    }

    @Test
    void nbrUnderBranchReadsOnlyNeighboursThatTookTheSameSide()
    {
        // In the fold, a neighbour on the other side has no value at the nbr's path: it contributes init (0).
        final AggregateEngine engine = engine(GridNetwork.of(3, 3), (a) -> a.foldhood(0, Double::sum,
            (b) -> b.branch(b.mid() % 3 == 0, (c) -> c.nbr(1), (c) -> c.nbr(10))));
        assertArrayEquals(new double[]{2, 30, 30, 3, 40, 40, 2, 30, 30}, rounds(engine, 2));
    }

    @Test
    void reusedFunctionsKeepDistinctPaths()
    {
        // One HopCount called twice per round, from two different sources: two independent gradients.
        final HopCount hops = new HopCount();
        final AggregateProgram twoGradients = (a) ->
        {
            final long fromFirst = hops.hops(a, 0 == a.mid());
            final long fromLast = hops.hops(a, 8 == a.mid());
            return fromFirst * 10 + fromLast;
        };
        final AggregateEngine engine = engine(GridNetwork.of(3, 3), twoGradients);
        assertArrayEquals(new double[]{4, 13, 22, 13, 22, 31, 22, 31, 40}, rounds(engine, 10));
    }

    @Test
    void alignKeepsPathsWhateverRanBefore()
    {
        // Devices run a different number of reps before the aligned fold; the fold still aligns across them all.
        final AggregateProgram program = (a) ->
        {
            for (long i = 0; i < a.mid() % 2; i++)
            {
                a.rep(0, (b, previous) -> previous + 1);
            }
            return a.align(7, (b) -> b.foldhood(0, Double::sum, (c) -> 1));
        };
        assertArrayEquals(new double[]{3, 4, 3, 4, 5, 4, 3, 4, 3}, rounds(engine(GridNetwork.of(3, 3), program), 2));
    }

    @Test
    void neighbourExportsExpireAfterTheRetention()
    {
        final AggregateEngine engine = engine(GridNetwork.of(3, 3), (a) -> a.foldhood(0, Double::sum, (b) -> 1));
        rounds(engine, 2);
        engine.active(4, false);
        // The centre's last export was made in round 1; with a retention of 3 it is seen up to round 4.
        assertEquals(4, rounds(engine, 3)[1]);
        assertEquals(3, rounds(engine, 1)[1]);
        engine.active(4, true);
        assertEquals(4, rounds(engine, 2)[1]);
    }

    @Test
    void aFailingDeviceIsSkippedAndTheOthersGoOn()
    {
        final AggregateEngine engine = new AggregateEngine(GridNetwork.of(3, 3), ONE_WORKER, 1, (a) ->
        {
            if (4 == a.mid())
            {
                return a.sense("missing");
            }
            return a.foldhood(0, Double::sum, (b) -> 1);
        }, 3, 42);
        for (int r = 0; r < 3; r++)
        {
            engine.synchronousRound();
        }
        assertEquals(3, engine.failures());
        assertTrue(engine.firstFailure().getMessage().contains("no sensor named missing"));
        // The centre never exported, so its neighbours count one less.
        assertArrayEquals(new double[]{3, 3, 3, 3, 0, 3, 3, 3, 3}, engine.outputs());
    }

    @Test
    void asynchronousRoundsConvergeToTheSameHopCount()
    {
        final AggregateEngine engine = engine(GridNetwork.of(5, 4), new BuiltinPrograms.HopCountProgram(), 0, 19);
        for (int r = 0; r < 40; r++)
        {
            engine.asynchronousRound();
        }
        assertArrayEquals(rounds(engine(GridNetwork.of(5, 4), new BuiltinPrograms.HopCountProgram(), 0, 19), 40),
            engine.outputs());
    }
}
