package io.shawarma.fabric.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What the demo prints at the end: a row of outcomes and latencies per kind of call, a summary of the fabric, and
 * every problem found (the first few in full).
 */
final class DemoReport
{
    private static final int MAX_PROBLEMS_SHOWN = 20;

    private final List<CallStats> rows = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private long problemCount;

    /**
     * @return a new row of the table, in the order rows are added.
     */
    CallStats row(final String name, final String description)
    {
        final CallStats stats = new CallStats(name, description);
        rows.add(stats);
        return stats;
    }

    void add(final CallStats row)
    {
        rows.add(row);
    }

    void summary(final String line)
    {
        summary.add(line);
    }

    void problem(final String problem)
    {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS_SHOWN)
        {
            problems.add(problem);
        }
    }

    long problemCount()
    {
        return problemCount;
    }

    /**
     * Prints the table of rows and the summary.
     */
    void printResults(final PrintStream out)
    {
        if (!rows.isEmpty())
        {
            out.println();
            CallStats.printAll(out, rows);
        }
        if (!summary.isEmpty())
        {
            out.println();
            summary.forEach(out::println);
        }
    }

    void printProblems(final PrintStream out)
    {
        out.println("FAILED: " + problemCount + " problem(s)" +
            (problemCount > problems.size() ? ", first " + problems.size() + ":" : ":"));
        for (final String problem : problems)
        {
            out.println("  " + problem);
        }
    }
}
