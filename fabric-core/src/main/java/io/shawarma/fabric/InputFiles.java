package io.shawarma.fabric;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One-line refusals of an input file a command was given (an edge list, a DAG, a properties file) before it is read:
 * missing, a directory, unreadable or empty, each with what to do.
 */
public final class InputFiles
{
    private InputFiles()
    {
    }

    /**
     * @param what what the file should be, e.g. {@code edge list}.
     * @param file the file given.
     * @return null when the file can be read and is not empty, else one line saying what is wrong with it.
     */
    public static String problem(final String what, final Path file)
    {
        if (!Files.exists(file))
        {
            return what + " " + file + " does not exist (relative to " + Path.of("").toAbsolutePath() + ")";
        }
        if (Files.isDirectory(file))
        {
            return what + " " + file + " is a directory: give the file";
        }
        if (!Files.isReadable(file))
        {
            return what + " " + file + " cannot be read: permission denied (check its owner and mode)";
        }
        try
        {
            if (0 == Files.size(file))
            {
                return what + " " + file + " is empty";
            }
        }
        catch (final IOException ex)
        {
            return describe(what, file, ex);
        }
        return null;
    }

    /**
     * @param what what the file should be, e.g. {@code edge list}.
     * @param file the file given.
     * @param ex   why it could not be read.
     * @return one line: the file and the reason in words, not the exception's bare path.
     */
    public static String describe(final String what, final Path file, final IOException ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return what + " " + file + " does not exist";
        }
        if (ex instanceof AccessDeniedException)
        {
            return what + " " + file + " cannot be read: permission denied";
        }
        return what + " " + file + " cannot be read: " + ex.getMessage();
    }
}
