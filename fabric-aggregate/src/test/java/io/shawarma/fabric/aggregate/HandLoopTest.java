package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.graph.EdgeList;
import org.junit.jupiter.api.Test;

import static io.shawarma.fabric.aggregate.AggregateSemanticsTest.engine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hand-written baseline gives our programs' values round by round: rep + nbr one hop every two rounds, share
 * one hop per round, hop count and gradient, on plain and weighted grids.
 */
class HandLoopTest
{
    private static final long[] SOURCES = {0, 57};

    @Test
    void repAndNbrLoopsMatchHopCountAndGradientEveryRound()
    {
        sameEveryRound(GridNetwork.of(9, 7), new HandLoop(GridNetwork.of(9, 7), true, false, SOURCES),
            new BuiltinPrograms.HopCountProgram());
        sameEveryRound(GridNetwork.of(9, 7), new HandLoop(GridNetwork.of(9, 7), false, false, SOURCES),
            new BuiltinPrograms.GradientProgram());
        final EdgeList weighted = ExchangeTest.weightedGrid(9, 7);
        sameEveryRound(weighted, new HandLoop(weighted, false, false, SOURCES), new BuiltinPrograms.GradientProgram());
    }

    @Test
    void shareLoopsMatchShareHopCountAndTheExchangeGradientEveryRound()
    {
        sameEveryRound(GridNetwork.of(9, 7), new HandLoop(GridNetwork.of(9, 7), true, true, SOURCES),
            ExchangeTest.SHARE_HOPS);
        final EdgeList weighted = ExchangeTest.weightedGrid(9, 7);
        sameEveryRound(weighted, new HandLoop(weighted, false, true, SOURCES),
            new BuiltinPrograms.XcGradientProgram());
        sameEveryRound(weighted, new HandLoop(weighted, false, true, SOURCES),
            new BuiltinPrograms.ShareGradientProgram());
    }

    @Test
    void repAndNbrTakeTwoRoundsPerHopAndShareOne()
    {
        final EdgeList line = GridNetwork.of(5, 1);
        final HandLoop repNbr = new HandLoop(line, true, false, 0);
        final HandLoop share = new HandLoop(line, true, true, 0);
        for (int r = 0; r < 5; r++)
        {
            repNbr.round();
            share.round();
        }
        final double inf = Double.POSITIVE_INFINITY;
        assertArrayEquals(new double[]{0, 1, 2, inf, inf}, repNbr.values());
        assertArrayEquals(new double[]{0, 1, 2, 3, 4}, share.values());
    }

    private static void sameEveryRound(final EdgeList graph, final HandLoop loop, final AggregateProgram program)
    {
        final AggregateEngine engine = engine(graph, program, SOURCES);
        final long[] ids = engine.deviceIds();
        for (int r = 0; r < 30; r++)
        {
            engine.synchronousRound();
            loop.round();
            final double[] ours = engine.outputs();
            final double[] theirs = loop.values();
            for (int i = 0; i < ids.length; i++)
            {
                assertEquals(ours[i], theirs[graph.indexOf(ids[i])], "round " + r + " device " + ids[i]);
            }
        }
    }
}
