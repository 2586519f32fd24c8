package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.Ownership;
import io.shawarma.fabric.Placement;
import io.shawarma.fabric.graph.EdgeList;
import io.shawarma.fabric.graph.GraphPartition;

import java.util.Arrays;

/**
 * Runs a program's rounds on one worker's devices, in process: the round VM over this worker's share of the
 * network, its exports and its remote neighbours' copies. {@link #synchronousRound()} runs every device against
 * the exports of the round before, then publishes them all at once (reproducible, whatever the partition; a worker
 * splits it in two, {@link #synchronousBoundary()} then {@link #synchronousInterior()}, to ship the boundary
 * devices' exports while the other devices run);
 * {@link #asynchronousRound()} runs the devices one by one in a shuffled order, each publishing at once, so
 * later devices see earlier ones' new exports (as devices firing at their own pace would). The exchange with other
 * workers is {@link AggregateWorker}'s; a single worker needs none. Workers own blocks of consecutive device ids.
 */
public final class AggregateEngine
{
    private final AggregateProgram program;
    /** The network's device ids, sorted (rows are found by binary search); the partition itself is not kept. */
    private final long[] vertexIds;
    private final Neighbourhood hood;
    private final Exports exports;
    private final Overrides overrides;
    private final PathTable paths = new PathTable();
    private final Sensors sensors;
    private final Aggregate vm;
    private final double[] outputs;
    private final boolean[] active;
    private final boolean[] ranThisRound;
    private final int[] boundaryFirst;
    private final int interiorStart;
    private final int[] firingOrder;
    private long shuffleState;
    private int round;
    private int ranLastRound;
    private long failures;
    private Throwable firstFailure;

    /**
     * @param graph     the whole network: devices are vertices, neighbours are edges (both ways).
     * @param members   the workers sharing it.
     * @param workerId  this worker.
     * @param program   what every device runs.
     * @param retention how many rounds a neighbour's export stays visible without a newer one.
     * @param seed      for the asynchronous firing order.
     */
    public AggregateEngine(
        final EdgeList graph, final FabricMembers members, final int workerId, final AggregateProgram program,
        final int retention, final long seed)
    {
        if (retention < 1)
        {
            throw new IllegalArgumentException("retention must be at least 1 round, got " + retention);
        }
        this.program = program;
        // Only the neighbourhood is kept: the partition's CSR edges (about 64 bytes a device on a grid) are garbage
        // once it is built.
        final GraphPartition partition =
            new GraphPartition(graph, members, workerId, true, rangePlacement(graph, members));
        vertexIds = partition.vertexIds;
        hood = new Neighbourhood(partition, members.size());
        // Room for the root and three constructs (hop count's, the gradient's); a larger program doubles it once.
        exports = new Exports(hood.rowCount, 4);
        sensors = new Sensors(hood.localCount);
        overrides = new Overrides(hood, exports);
        vm = new Aggregate(hood, exports, overrides, paths, sensors, retention);
        outputs = new double[hood.localCount];
        active = new boolean[hood.localCount];
        Arrays.fill(active, true);
        ranThisRound = new boolean[hood.localCount];
        boundaryFirst = boundaryFirst(hood);
        interiorStart = hood.boundaryCount;
        firingOrder = new int[hood.localCount];
        for (int i = 0; i < firingOrder.length; i++)
        {
            firingOrder[i] = i;
        }
        shuffleState = seed;
        sensors.define(Sensors.SOURCE);
    }

    /**
     * Sets a sensor on one device, if it is this worker's; defines the sensor on first use.
     *
     * @return whether the device is this worker's.
     */
    public boolean sense(final String name, final long deviceId, final double value)
    {
        final int sensor = sensors.define(name);
        final int row = hood.rowOf(deviceId, vertexIds);
        if (row < 0 || row >= hood.localCount)
        {
            return false;
        }
        sensors.set(sensor, row, value);
        return true;
    }

    /**
     * Stops or restarts a device (if it is this worker's): a stopped device runs no rounds, so its last export
     * ages and expires at its neighbours after the retention.
     */
    public void active(final long deviceId, final boolean isActive)
    {
        final int row = hood.rowOf(deviceId, vertexIds);
        if (row >= 0 && row < hood.localCount)
        {
            active[row] = isActive;
        }
    }

    /**
     * Runs every active device on the exports of the round before, then publishes all of them.
     *
     * @return how many devices' output changed.
     */
    public int synchronousRound()
    {
        return synchronousBoundary() + synchronousInterior();
    }

    /**
     * The first part of a synchronous round: runs the active devices that have neighbours on other workers. Their
     * exports stay pending (see {@link Exports#nextHas(int, int)}) until {@link #synchronousInterior()} publishes
     * the round, so the devices run next still read the exports of the round before.
     *
     * @return how many of them changed their output.
     */
    int synchronousBoundary()
    {
        ranLastRound = 0;
        return runDevices(0, interiorStart);
    }

    /**
     * The rest of a synchronous round begun by {@link #synchronousBoundary()}: runs the other devices, then
     * publishes every export of the round.
     *
     * @return how many of them changed their output.
     */
    int synchronousInterior()
    {
        final int changed = runDevices(interiorStart, boundaryFirst.length);
        for (int row = 0; row < hood.localCount; row++)
        {
            if (ranThisRound[row])
            {
                exports.commit(row);
            }
        }
        round++;
        return changed;
    }

    /**
     * Runs every active device once, in a freshly shuffled order, each publishing its export at once.
     *
     * @return how many devices' output changed.
     */
    public int asynchronousRound()
    {
        shuffle();
        ranLastRound = 0;
        int changed = 0;
        for (final int row : firingOrder)
        {
            changed += runDevice(row);
            if (ranThisRound[row])
            {
                exports.commit(row);
            }
        }
        round++;
        return changed;
    }

    /**
     * @return this worker's device ids, ascending.
     */
    public long[] deviceIds()
    {
        return Arrays.copyOf(hood.deviceIds, hood.localCount);
    }

    /**
     * @return each of this worker's devices' output of its last round, in {@link #deviceIds()} order.
     */
    public double[] outputs()
    {
        return outputs.clone();
    }

    /**
     * @return a device's output of its last round.
     * @throws IllegalArgumentException when the device is not this worker's.
     */
    public double output(final long deviceId)
    {
        final int row = hood.rowOf(deviceId, vertexIds);
        if (row < 0 || row >= hood.localCount)
        {
            throw new IllegalArgumentException("device " + deviceId + " is not on this worker");
        }
        return outputs[row];
    }

    /**
     * @return how many device rounds threw (each such round is skipped: the device keeps its previous export and
     * output, and runs again next round).
     */
    public long failures()
    {
        return failures;
    }

    /**
     * @return the first exception a device round threw, or null.
     */
    public Throwable firstFailure()
    {
        return firstFailure;
    }

    /**
     * @return how many devices ran the last round (active ones whose round did not throw).
     */
    public int ranLastRound()
    {
        return ranLastRound;
    }

    boolean ranLastRound(final int row)
    {
        return ranThisRound[row];
    }

    Neighbourhood neighbourhood()
    {
        return hood;
    }

    Exports exports()
    {
        return exports;
    }

    Overrides overrides()
    {
        return overrides;
    }

    PathTable paths()
    {
        return paths;
    }

    /**
     * @return the number of rounds run, which is the number of the next round.
     */
    public int round()
    {
        return round;
    }

    /**
     * Devices in blocks of consecutive ids, one block per worker: ids usually follow space (a grid's rows), so
     * most neighbours share a worker and few exports cross the wire (hash placement would send nearly all). Not
     * {@link Placement} overrides: it holds at most {@link Placement#MAX_OVERRIDES} of them (a client's cache of
     * MOVED answers) and silently hashed every device past those.
     */
    static Ownership rangePlacement(final EdgeList graph, final FabricMembers members)
    {
        final long[] ids = graph.vertexIds();
        final int workers = members.size();
        return new Ownership()
        {
            public int ownerOf(final long vertexId)
            {
                final int index = Arrays.binarySearch(ids, vertexId);
                return index < 0 ? NO_WORKER : members.idAt((int)((long)index * workers / ids.length));
            }

            public long epoch()
            {
                return 1;
            }
        };
    }

    private int runDevices(final int from, final int to)
    {
        int changed = 0;
        for (int i = from; i < to; i++)
        {
            changed += runDevice(boundaryFirst[i]);
        }
        return changed;
    }

    /**
     * @return this worker's rows, those with neighbours on other workers first, each part in row order.
     */
    private static int[] boundaryFirst(final Neighbourhood hood)
    {
        final int[] rows = new int[hood.localCount];
        int boundary = 0;
        int interior = hood.boundaryCount;
        for (int row = 0; row < hood.localCount; row++)
        {
            rows[hood.isBoundary(row) ? boundary++ : interior++] = row;
        }
        return rows;
    }

    private int runDevice(final int row)
    {
        ranThisRound[row] = false;
        if (!active[row])
        {
            return 0;
        }
        try
        {
            final double output = vm.run(program, row, round);
            ranThisRound[row] = true;
            ranLastRound++;
            final int changed = Double.compare(output, outputs[row]) != 0 ? 1 : 0;
            outputs[row] = output;
            return changed;
        }
        catch (final RuntimeException | StackOverflowError ex)
        {
            // A failing round leaves the device as it was: its export begun in the spare row is never committed.
            failures++;
            if (null == firstFailure)
            {
                firstFailure = ex;
            }
            return 0;
        }
    }

    private void shuffle()
    {
        for (int i = firingOrder.length - 1; i > 0; i--)
        {
            shuffleState = shuffleState * 6364136223846793005L + 1442695040888963407L;
            final int j = (int)((shuffleState >>> 33) % (i + 1));
            final int swap = firingOrder[i];
            firingOrder[i] = firingOrder[j];
            firingOrder[j] = swap;
        }
    }
}
