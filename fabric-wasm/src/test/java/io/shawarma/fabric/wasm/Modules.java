package io.shawarma.fabric.wasm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test modules (src/test/resources/wasm, built from their .wat by scripts/dev/wat2wasm) and the examples.
 */
final class Modules
{
    private Modules()
    {
    }

    /**
     * @param name a test module, e.g. {@code loop}.
     * @return its bytes.
     */
    static byte[] test(final String name)
    {
        try (InputStream in = Modules.class.getResourceAsStream("/wasm/" + name + ".wasm"))
        {
            if (null == in)
            {
                throw new IllegalArgumentException("no test module " + name);
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param name an example, {@code counter} or {@code mean}.
     * @return the path of its .wasm under examples/wasm.
     */
    static Path examplePath(final String name)
    {
        Path dir = Path.of("").toAbsolutePath();
        while (null != dir && !Files.isDirectory(dir.resolve("examples/wasm")))
        {
            dir = dir.getParent();
        }
        if (null == dir)
        {
            throw new IllegalStateException("examples/wasm not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("examples/wasm/" + name + "/" + name + ".wasm");
    }

    /**
     * @param name an example, {@code counter} or {@code mean}.
     * @return its bytes.
     */
    static byte[] example(final String name)
    {
        try
        {
            return Files.readAllBytes(examplePath(name));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
