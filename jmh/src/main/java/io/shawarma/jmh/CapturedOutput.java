package io.shawarma.jmh;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Keeps a child's lines (without ChildJvm's {@code [name] } prefix) and copies them to another stream. */
final class CapturedOutput extends PrintStream
{
    private final int prefixLength;
    private final List<String> lines = new ArrayList<>();

    CapturedOutput(final String childName, final PrintStream copy)
    {
        super(copy, true);
        prefixLength = childName.length() + 3;
    }

    public synchronized void println(final String line)
    {
        lines.add(line.substring(Math.min(prefixLength, line.length())));
        super.println(line);
    }

    synchronized List<String> lines()
    {
        return new ArrayList<>(lines);
    }
}
