package io.shawarma.fabric.graph;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file through a temporary file beside it that is renamed into place, so that a failure leaves no
 * half-written file behind.
 */
final class AtomicFile
{
    /** Writes the content. */
    interface Content
    {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile()
    {
    }

    static void write(final Path out, final Content content)
    {
        final Path absolute = out.toAbsolutePath();
        Path temp = null;
        try
        {
            Files.createDirectories(absolute.getParent());
            temp = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
            try (OutputStream stream = new java.io.BufferedOutputStream(Files.newOutputStream(temp), 1 << 16))
            {
                content.writeTo(stream);
            }
            try
            {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            catch (final UnsupportedOperationException ignore)
            {
                // Not a POSIX file system: keep the default permissions.
            }
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + out, ex);
        }
        finally
        {
            if (null != temp)
            {
                temp.toFile().delete();
            }
        }
    }
}
