package io.shawarma.fabric.graph;

import java.nio.file.Path;

/**
 * A bad line in an edge list. The message reads {@code <file>:<lineNumber>: <what is wrong>: '<the line>'}, so
 * that a user can go straight to the line; long lines are cut short in the message.
 */
public final class EdgeListException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long lineNumber;

    /**
     * @param file       the edge list.
     * @param lineNumber of the bad line, counting from 1.
     * @param problem    what is wrong, e.g. {@code "weight is negative"}.
     * @param line       the line as read, without its line terminator.
     */
    public EdgeListException(final Path file, final long lineNumber, final String problem, final String line)
    {
        super(file + ":" + lineNumber + ": " + problem + ": '" + line + "'");
        this.file = file;
        this.lineNumber = lineNumber;
    }

    /** @return the edge list the bad line is in. */
    public Path file()
    {
        return file;
    }

    /** @return the number of the bad line, counting from 1. */
    public long lineNumber()
    {
        return lineNumber;
    }
}
