package io.shawarma.jmh;

import io.shawarma.fabric.FabricClient;
import io.shawarma.udf.Status;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;

import static io.shawarma.jmh.SchedulerWorkloads.GCOUNTER;
import static io.shawarma.jmh.SchedulerWorkloads.LARGE_BYTES;
import static io.shawarma.jmh.SchedulerWorkloads.MIX;
import static io.shawarma.jmh.SchedulerWorkloads.MIX_PHASES;
import static io.shawarma.jmh.SchedulerWorkloads.OWNER;
import static io.shawarma.jmh.SchedulerWorkloads.READ;
import static io.shawarma.jmh.SchedulerWorkloads.VGET;
import static io.shawarma.jmh.SchedulerWorkloads.VSET;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * One client thread's calls: which worker to call through, on which vertex, with which UDF and args, by workload
 * (and, in the shifting mix, by phase).
 */
final class SchedulerClientLoop
{
    private final FabricClient client;
    private final int thread;
    private final int workload;
    private final SchedulerVertices vertices;
    private final long phaseNs;
    private final long startNs;
    private final SplittableRandom random;
    private final UnsafeBuffer args = new UnsafeBuffer(new byte[64]);
    private final UnsafeBuffer result = new UnsafeBuffer(new byte[LARGE_BYTES]);
    int udfId;
    // The workload's shape of the last call: its own, or in the mix the phase it fell in.
    int phase;

    SchedulerClientLoop(
        final FabricClient client, final int thread, final int workload, final SchedulerVertices vertices,
        final long phaseNs, final long startNs)
    {
        this.client = client;
        this.thread = thread;
        this.workload = workload;
        this.vertices = vertices;
        this.phaseNs = phaseNs;
        this.startNs = startNs;
        this.random = new SplittableRandom(31L * thread + workload);
    }

    Status call(final long nowNs)
    {
        phase = workload < MIX ? workload : (int)(Math.max(0, nowNs - startNs) / phaseNs % MIX_PHASES.length);
        switch (phase)
        {
            case 0:     // hot read through workers 2 and 3
                udfId = READ;
                return client.invokeVia(2 + thread % 2, vertices.hot, READ, args, 0, 0, result);

            case 1:     // a counter incremented through every worker
                udfId = GCOUNTER;
                args.putLong(0, 1, LITTLE_ENDIAN);
                return client.invokeVia(1 + thread, vertices.counter, GCOUNTER, args, 0, Long.BYTES, result);

            case 2:     // 64 KiB vector: read one element through 2 and 3, written at the owner
                args.putInt(0, random.nextInt(LARGE_BYTES / Double.BYTES), LITTLE_ENDIAN);
                if (thread == 2)
                {
                    udfId = VSET;
                    args.putDouble(Integer.BYTES, random.nextDouble(), LITTLE_ENDIAN);
                    return client.invokeVia(OWNER, vertices.large, VSET, args, 0, Integer.BYTES + Double.BYTES,
                        result);
                }
                udfId = VGET;
                return client.invokeVia(2 + thread, vertices.large, VGET, args, 0, Integer.BYTES, result);

            default:    // cold reads: each of many vertices touched rarely
                udfId = READ;
                return client.invokeVia(2 + thread % 2, vertices.cold[random.nextInt(vertices.cold.length)], READ,
                    args, 0, 0, result);
        }
    }
}
