package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.graph.EdgeList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

import static io.shawarma.fabric.aggregate.AggregateSemanticsTest.engine;
import static io.shawarma.fabric.aggregate.AggregateSemanticsTest.rounds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The building blocks on small networks, against hand-worked values, plus the allocation-free round loop.
 */
class BlocksTest
{
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void gradientMeasuresDistanceAlongWeightedEdges()
    {
        // 0 -1.5- 1 -1.5- 2, and a shortcut 0 -4- 2 that is longer than going through 1.
        final EdgeList triangle = new EdgeList(new long[]{0, 1, 0}, new long[]{1, 2, 2}, new double[]{1.5, 1.5, 4}, 3);
        assertArrayEquals(new double[]{0, 1.5, 3}, rounds(engine(triangle, new BuiltinPrograms.GradientProgram(), 0),
            10));
    }

    @Test
    void crfGradientHealsWhenASourceGoesAway()
    {
        final AggregateEngine engine = engine(GridNetwork.of(10, 1), new BuiltinPrograms.CrfProgram(), 0, 9);
        assertArrayEquals(new double[]{0, 1, 2, 3, 4, 4, 3, 2, 1, 0}, rounds(engine, 30));
        engine.sense(Sensors.SOURCE, 9, 0);
        assertArrayEquals(new double[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, rounds(engine, 30));
        assertArrayEquals(new double[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, rounds(engine, 5), "stable");
    }

    @Test
    void broadcastGivesEveryDeviceItsNearestSourcesValue()
    {
        // Device 2 is as far from 0 as from 8; it follows its neighbour of smaller id, 1, towards 0.
        assertArrayEquals(new double[]{0, 0, 0, 0, 0, 8, 0, 8, 8},
            rounds(engine(GridNetwork.of(3, 3), new BuiltinPrograms.BroadcastProgram(), 0, 8), 20));
        assertArrayEquals(new double[]{INF, INF, INF},
            rounds(engine(GridNetwork.of(3, 1), new BuiltinPrograms.BroadcastProgram()), 5), "no source");
    }

    @Test
    void collectCountsDevicesDownTheHopCount()
    {
        // Parents (smallest hop count, ties to the smaller id): 1,3 -> 0; 2 -> 1; 4 -> 1; 5 -> 2; 6 -> 3; 7 -> 4;
        // 8 -> 5. Each device counts itself and its subtree.
        assertArrayEquals(new double[]{9, 6, 3, 2, 2, 2, 1, 1, 1},
            rounds(engine(GridNetwork.of(3, 3), new BuiltinPrograms.CollectProgram(), 0), 30));
    }

    @Test
    void decayFallsEachRoundToItsFloor()
    {
        final Decay decay = new Decay();
        final AggregateEngine engine = engine(GridNetwork.of(2, 1), (a) -> decay.decay(a, 10, 0, 3));
        final double[] seen = new double[6];
        for (int r = 0; r < seen.length; r++)
        {
            seen[r] = rounds(engine, 1)[0];
        }
        assertArrayEquals(new double[]{10, 7, 4, 1, 0, 0}, seen);
    }

    @Test
    void sparseChoiceElectsLeadersAboutAGrainApart()
    {
        final int width = 12;
        final double grain = 4;
        final SparseChoice choice = new SparseChoice();
        final AggregateEngine engine = engine(GridNetwork.of(width, width), (a) -> choice.isLeader(a, grain) ? 1 : 0);
        final double[] leaders = rounds(engine, 80);
        assertArrayEquals(leaders, rounds(engine, 10), "stable");
        final int[] toLeader = hopsTo(leaders, width);
        for (int device = 0; device < leaders.length; device++)
        {
            assertTrue(toLeader[device] <= grain, "device " + device + " is " + toLeader[device] + " hops away");
            if (1 == leaders[device])
            {
                final double[] alone = leaders.clone();
                alone[device] = 0;
                assertTrue(hopsTo(alone, width)[device] >= grain / 2, "leader " + device + " has a leader nearby");
            }
        }
    }

    static List<AggregateProgram> allocationFreePrograms()
    {
        return List.of(new BuiltinPrograms.HopCountProgram(), new BuiltinPrograms.GradientProgram(),
            new BuiltinPrograms.CrfProgram(), new BuiltinPrograms.BroadcastProgram(),
            new BuiltinPrograms.CollectProgram(), new BuiltinPrograms.XcGradientProgram(),
            new BuiltinPrograms.XcBroadcastProgram(), new BuiltinPrograms.XcCollectProgram());
    }

    @ParameterizedTest
    @MethodSource("allocationFreePrograms")
    void roundsAllocateNothingOnceWarm(final AggregateProgram program)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final AggregateEngine engine = engine(GridNetwork.of(30, 30), program, 0, 899);
        for (int r = 0; r < 300; r++)
        {
            engine.synchronousRound();
            engine.asynchronousRound();
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int r = 0; r < 200; r++)
        {
            engine.synchronousRound();
            engine.asynchronousRound();
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("%s: %d bytes over 400 rounds of 900 devices%n", program.getClass().getSimpleName(),
            allocated);
        assertEquals(0, engine.failures());
        assertTrue(allocated < 1024, allocated + " bytes allocated");
    }

    private static int[] hopsTo(final double[] sources, final int width)
    {
        final int[] hops = new int[sources.length];
        Arrays.fill(hops, Integer.MAX_VALUE);
        final ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int d = 0; d < sources.length; d++)
        {
            if (1 == sources[d])
            {
                hops[d] = 0;
                queue.add(d);
            }
        }
        while (!queue.isEmpty())
        {
            final int d = queue.poll();
            final int x = d % width;
            final int[] next = {x > 0 ? d - 1 : -1, x + 1 < width ? d + 1 : -1, d - width, d + width};
            for (final int n : next)
            {
                if (n >= 0 && n < sources.length && hops[n] == Integer.MAX_VALUE)
                {
                    hops[n] = hops[d] + 1;
                    queue.add(n);
                }
            }
        }
        return hops;
    }
}
