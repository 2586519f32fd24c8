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
 * docs/configuration.md names every {@code shawarma.*} property some module reads: the modules' own registry
 * ({@link PropertySet} services, which this module sees all of), so that a new property cannot go undocumented.
 */
class ConfigurationDocTest
{
    @Test
    void shouldDocumentEveryKnownProperty() throws IOException
    {
        final Path doc = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/configuration.md");
        final String text = Files.readString(doc, StandardCharsets.UTF_8);

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
            if (!text.contains("`" + name + "`"))
            {
                missing.add(name);
            }
        }
        assertEquals(List.of(), missing, "add a row for each to " + doc);
    }
}
