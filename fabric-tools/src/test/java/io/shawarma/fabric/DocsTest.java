package io.shawarma.fabric;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docs that would rot silently: docs/configuration.md names every {@code shawarma.*} property some module reads
 * (the modules' own registry, {@link PropertySet} services, which this module sees all of), and the guides show the
 * examples' sources as they are in {@code examples/}, which the build compiles and runs.
 */
class DocsTest
{
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void shouldDocumentEveryKnownProperty() throws IOException
    {
        final String doc = read("docs/configuration.md");

        final List<String> names = new ArrayList<>();
        for (final PropertySet set : ServiceLoader.load(PropertySet.class))
        {
            // The tests' own properties (fabric-core's test jar is on this classpath) are not for users.
            if (!(set instanceof TestProperties))
            {
                names.addAll(set.names());
            }
        }
        assertTrue(names.size() > 50, "found only " + names + ": are the modules' PropertySet services loaded?");

        final List<String> missing = new ArrayList<>();
        for (final String name : names)
        {
            if (!doc.contains("`" + name + "`"))
            {
                missing.add(name);
            }
        }
        assertEquals(List.of(), missing, "add a row for each to docs/configuration.md");
    }

    @Test
    void shouldShowTheExamplesSourcesAsTheyAre() throws IOException
    {
        assertShows("docs/udfs.md", "examples/src/main/java/com/example/MeanUdf.java");
        assertShows("docs/client.md", "examples/src/main/java/com/example/MeanClient.java");
    }

    private static void assertShows(final String doc, final String source) throws IOException
    {
        assertTrue(read(doc).contains(read(source).strip()), doc + " must show " + source + " as it is: copy it again");
    }

    private static String read(final String path) throws IOException
    {
        return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
    }
}
