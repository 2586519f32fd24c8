package io.shawarma.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One contender's run of one program on one grid in {@link AggregateBenchmark}, and the check that two runs' values
 * are the same.
 */
final class AggregateRun
{
    final String contender;
    final String key;
    final String grid;
    final String program;
    final int rounds;
    double seconds;
    double warmSeconds;
    String loadAverage;
    Path values;
    boolean identical = true;
    /** Ours only: worker 1's heap used after GC over its devices. */
    double bytesPerDevice = Double.NaN;
    /** Ours only: the bytes worker 1 sent its peers per round. */
    double bytesPerRound = Double.NaN;

    AggregateRun(final String contender, final String key, final String grid, final String program, final int rounds)
    {
        this.contender = contender;
        this.key = key;
        this.grid = grid;
        this.program = program;
        this.rounds = rounds;
    }

    double roundsPerSecond()
    {
        return rounds / seconds;
    }

    double warmRoundsPerSecond()
    {
        return (rounds - rounds / 2) / warmSeconds;
    }

    /**
     * @return whether two {@code deviceId<TAB>value} files list the same devices with numerically equal values
     * ({@code 3} equals {@code 3.0}, {@code inf} equals {@code inf}).
     */
    static boolean sameValues(final Path ours, final Path theirs)
    {
        try
        {
            final List<String> a = Files.readAllLines(ours);
            final List<String> b = Files.readAllLines(theirs);
            if (a.size() != b.size())
            {
                return false;
            }
            for (int i = 0; i < a.size(); i++)
            {
                final String[] x = a.get(i).split("\t");
                final String[] y = b.get(i).split("\t");
                if (!x[0].equals(y[0]) || Double.compare(number(x[1]), number(y[1])) != 0)
                {
                    return false;
                }
            }
            return true;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot compare " + ours + " with " + theirs + ": " + ex.getMessage());
        }
    }

    private static double number(final String text)
    {
        return "inf".equals(text) ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
    }
}
