package io.shawarma.jmh;

import io.shawarma.fabric.borrow.CostModel;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.shawarma.jmh.SchedulerWorkloads.MIX;
import static io.shawarma.jmh.SchedulerWorkloads.MIX_PHASES;
import static io.shawarma.jmh.SchedulerWorkloads.POLICIES;
import static io.shawarma.jmh.SchedulerWorkloads.WORKLOADS;

/**
 * What the scheduler benchmark's recorded slices measured, by workload and policy: throughput per round, latency,
 * failed calls, the shifting mix's calls by phase and the workers' decisions; and the results and comparison made
 * of them.
 */
final class SchedulerFigures
{
    private final SchedulerBenchmarkOptions options;
    private final double[][] throughput = new double[WORKLOADS.length][POLICIES.length];
    private final double[][][] roundThroughput;
    private final Histogram[][] latency = new Histogram[WORKLOADS.length][POLICIES.length];
    private final long[][] failures = new long[WORKLOADS.length][POLICIES.length];
    // The shifting mix's answered calls by policy and phase, over every recorded round.
    private final long[][] mixPhaseCalls = new long[POLICIES.length][MIX_PHASES.length];
    private final long[][] decisions = new long[POLICIES.length][CostModel.REASON_NAMES.length];

    SchedulerFigures(final SchedulerBenchmarkOptions options)
    {
        this.options = options;
        roundThroughput = new double[WORKLOADS.length][POLICIES.length][options.rounds];
        for (int workload = 0; workload < WORKLOADS.length; workload++)
        {
            for (int policy = 0; policy < POLICIES.length; policy++)
            {
                latency[workload][policy] = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            }
        }
    }

    void recordSlice(
        final int workload, final int policy, final int round, final Histogram merged, final double callsPerSecond,
        final long failed)
    {
        latency[workload][policy].add(merged);
        roundThroughput[workload][policy][round] = callsPerSecond;
        failures[workload][policy] += failed;
    }

    void recordMixPhaseCalls(final int policy, final int phase, final long calls)
    {
        mixPhaseCalls[policy][phase] += calls;
    }

    void recordDecisions(final int policy, final int reason, final long count)
    {
        decisions[policy][reason] += count;
    }

    /**
     * @return every figure as a result, throughput as the median over rounds.
     */
    List<Result> results()
    {
        final List<Result> results = new ArrayList<>();
        for (int workload = 0; workload < WORKLOADS.length; workload++)
        {
            for (int policy = 0; policy < POLICIES.length; policy++)
            {
                final double[] rounds = roundThroughput[workload][policy].clone();
                Arrays.sort(rounds);
                throughput[workload][policy] = rounds[rounds.length / 2];
                final String name = WORKLOADS[workload] + "_" + POLICIES[policy];
                results.add(Result.latency(name + "_latency", latency[workload][policy]));
                results.add(Result.value(name + "_throughput", "calls/s", throughput[workload][policy]));
                results.add(Result.value(name + "_failed_calls", "calls", failures[workload][policy]));
            }
        }
        final double[][] phaseRates = mixPhaseRates();
        for (int policy = 0; policy < POLICIES.length; policy++)
        {
            for (int phase = 0; phase < MIX_PHASES.length; phase++)
            {
                results.add(Result.value("shifting_mix_phase_" + MIX_PHASES[phase] + "_" + POLICIES[policy] +
                    "_throughput", "calls/s", phaseRates[policy][phase]));
            }
        }
        for (int policy = 0; policy < POLICIES.length; policy++)
        {
            for (int reason = 0; reason < CostModel.REASON_NAMES.length; reason++)
            {
                results.add(Result.value("decisions_" + POLICIES[policy] + "_" + reasonKey(reason), "decisions",
                    decisions[policy][reason]));
            }
        }
        return results;
    }

    /**
     * The cost model against the better fixed policy, by workload and by phase of the shifting mix; after
     * {@link #results()}, which takes the median throughputs.
     */
    void printComparison(final PrintStream out)
    {
        out.println();
        out.println("throughput by policy (calls/s), and the cost model against the better fixed policy:");
        out.printf("%-18s %12s %12s %12s %10s  %s%n", "workload", "model", "forward", "borrow", "model/best",
            "goal");
        for (int workload = 0; workload < WORKLOADS.length; workload++)
        {
            final double model = throughput[workload][0];
            final double best = Math.max(throughput[workload][1], throughput[workload][2]);
            final boolean mix = workload == MIX;
            final boolean met = mix ? model > best : model >= 0.9 * best;
            out.printf("%-18s %,12.0f %,12.0f %,12.0f %9.2fx  %s%n", WORKLOADS[workload], model,
                throughput[workload][1], throughput[workload][2], model / best,
                (mix ? "beat both: " : "within 10% of the better: ") + (met ? "met" : "NOT met"));
        }
        out.println();
        out.println("shifting_mix by phase (calls/s while the phase ran, every round), model against the better:");
        final double[][] rates = mixPhaseRates();
        for (int phase = 0; phase < MIX_PHASES.length; phase++)
        {
            final double best = Math.max(rates[1][phase], rates[2][phase]);
            out.printf("%-18s %,12.0f %,12.0f %,12.0f %10s%n", MIX_PHASES[phase], rates[0][phase],
                rates[1][phase], rates[2][phase], best > 0 ? String.format("%.2fx", rates[0][phase] / best) :
                "(not measured)");
        }
    }

    /**
     * @return calls/s by policy and phase of the shifting mix: each phase's answered calls over the time the
     * measured slices spent in it.
     */
    private double[][] mixPhaseRates()
    {
        final long[] phaseNs = new long[MIX_PHASES.length];
        for (long at = options.warmupNs, end = options.warmupNs + options.measureNs; at < end;)
        {
            final long phaseEnd = Math.min(end, (at / options.phaseNs + 1) * options.phaseNs);
            phaseNs[(int)(at / options.phaseNs % MIX_PHASES.length)] += phaseEnd - at;
            at = phaseEnd;
        }
        final double[][] rates = new double[POLICIES.length][MIX_PHASES.length];
        for (int policy = 0; policy < POLICIES.length; policy++)
        {
            for (int phase = 0; phase < MIX_PHASES.length; phase++)
            {
                rates[policy][phase] = 0 == phaseNs[phase] ? 0 :
                    mixPhaseCalls[policy][phase] * 1e9 / (phaseNs[phase] * (double)options.rounds);
            }
        }
        return rates;
    }

    private static String reasonKey(final int reason)
    {
        return CostModel.REASON_NAMES[reason].replaceAll("[^a-z]+", "_").replaceAll("_$", "");
    }
}
