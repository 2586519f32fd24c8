package io.shawarma.fabric.demo;

import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.fabric.udf.ScoreUdf;
import io.shawarma.udf.Udf;

import java.util.concurrent.TimeUnit;

/**
 * The fabric the demo builds: its workers and their settings, the vertices it loads, the UDFs it calls, and where
 * the placement puts the counters.
 */
final class DemoFabric
{
    static final int[] WORKER_IDS = {1, 2, 3};
    static final int COUNTERS = 3000;
    static final int SCORE_VECTORS = 100;
    static final int FEATURES = 16;
    static final long COUNTER_ID_BASE = 1;
    static final long SCORE_ID_BASE = 1_000_000;
    static final long UNKNOWN_ID_BASE = 9_000_000_000L;
    static final int STORE_VALUE_MAX_BYTES = 1024;
    static final int TOO_LARGE_VALUE_BYTES = 2048;
    static final long WORKER_CALL_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(250);
    static final long CLIENT_CALL_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    static final long SETTLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    static final int MAX_PENDING_CALLS = 64;
    static final int ADD = Udf.idOf(AddUdf.NAME);
    static final int READ = Udf.idOf(ReadUdf.NAME);
    static final int SCORE = Udf.idOf(ScoreUdf.NAME);
    static final int NO_SUCH_UDF = Udf.idOf("no-such-udf");

    private DemoFabric()
    {
    }

    /**
     * @return the index of the first counter placed on a worker.
     */
    static int counterOwnedBy(final FabricClient client, final int workerId)
    {
        for (int i = 0; i < COUNTERS; i++)
        {
            if (client.placement().ownerOf(COUNTER_ID_BASE + i) == workerId)
            {
                return i;
            }
        }
        throw new IllegalStateException("no counter is placed on worker " + workerId);
    }

    /**
     * @return a worker other than the vertex's owner, alternating between the others with {@code i}.
     */
    static int nonOwner(final FabricClient client, final long vertexId, final int i)
    {
        final int owner = client.placement().ownerOf(vertexId);
        int pick = i % (WORKER_IDS.length - 1);
        for (final int workerId : WORKER_IDS)
        {
            if (workerId != owner && 0 == pick--)
            {
                return workerId;
            }
        }
        throw new IllegalStateException("no worker other than " + owner);
    }
}
