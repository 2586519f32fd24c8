package io.shawarma.fabric.aggregate;

import java.io.PrintStream;

/**
 * Prints a round's progress line. The line is built by hand, not formatted: a formatter costs a cold JVM tens of
 * milliseconds of the rounds.
 */
final class RoundProgress
{
    private final PrintStream out;
    private final StringBuilder line = new StringBuilder(128);

    RoundProgress(final PrintStream out)
    {
        this.out = out;
    }

    /**
     * @param devices  the devices that ran the round.
     * @param changed  the devices whose output changed.
     * @param waitedNs how long this worker waited for its peers' exports at the end of the round; negative for
     *                 asynchronous rounds, whose counts are this worker's only.
     * @param roundNs  how long the round took.
     */
    void print(final int round, final long devices, final long changed, final long waitedNs, final long roundNs)
    {
        line.setLength(0);
        line.append("round ").append(round).append(" devices ").append(devices).append(" changed ")
            .append(changed);
        if (waitedNs < 0)
        {
            line.append(" (worker 1's)");
        }
        else
        {
            appendMillis(line.append(" waited "), waitedNs);
        }
        appendMillis(line.append(" time "), roundNs);
        out.println(line);
    }

    private static void appendMillis(final StringBuilder to, final long nanos)
    {
        final long tenths = (nanos + 50_000) / 100_000;
        to.append(tenths / 10).append('.').append(tenths % 10).append(" ms");
    }
}
