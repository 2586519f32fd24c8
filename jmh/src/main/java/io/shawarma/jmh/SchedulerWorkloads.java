package io.shawarma.jmh;

import io.shawarma.fabric.crdt.GCounterUdf;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Udf;

/**
 * The scheduler benchmark's policies and workloads, and the UDFs its workloads call.
 */
final class SchedulerWorkloads
{
    static final String[] POLICIES = {"model", "forward", "borrow"};
    static final String[] WORKLOADS = {"hot_read", "contended_counter", "large_value", "shifting_mix"};
    /** The shifting mix's phases, in the order they take turns. */
    static final String[] MIX_PHASES = {"hot_read", "contended_counter", "large_value", "cold_reads"};
    static final int MIX = WORKLOADS.length - 1;
    static final int OWNER = 1;
    static final int LARGE_BYTES = 64 * 1024;
    static final int READ = Udf.idOf(ReadUdf.NAME);
    static final int GCOUNTER = Udf.idOf(GCounterUdf.NAME);
    static final int VGET = Udf.idOf(VectorUdfs.Get.NAME);
    static final int VSET = Udf.idOf(VectorUdfs.Set.NAME);

    private SchedulerWorkloads()
    {
    }
}
