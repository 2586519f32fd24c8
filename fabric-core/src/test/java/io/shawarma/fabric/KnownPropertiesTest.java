package io.shawarma.fabric;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KnownPropertiesTest
{
    private final KnownProperties known = KnownProperties.load(getClass().getClassLoader());

    @Test
    void shouldRefuseARenamedPropertyNamingItsNewName()
    {
        assertRefused("property shawarma.call.timeout.ns was renamed shawarma.call.timeout.ms (milliseconds)",
            "shawarma.call.timeout.ns");
        assertRefused("property shawarma.idle was renamed shawarma.idle.strategy", "shawarma.idle");
    }

    @Test
    void shouldRefuseAnUnknownPropertySuggestingTheNearestName()
    {
        assertRefused("unknown property shawarma.stor.entries (did you mean shawarma.store.entries?)",
            "shawarma.stor.entries");
        assertRefused("unknown property shawarma.borrow.lease.msec (did you mean shawarma.borrow.lease.ms?)",
            "shawarma.borrow.lease.msec");
    }

    @Test
    void shouldRefuseAnUnknownPropertyWithoutASuggestionWhenNothingIsClose()
    {
        assertRefused("unknown property shawarma.quantum.entanglement", "shawarma.quantum.entanglement");
    }

    @Test
    void shouldPassKnownAndOtherPrefixes()
    {
        known.check(List.of(Configuration.STORE_ENTRIES_PROP, Configuration.CALL_TIMEOUT_MS_PROP, "aeron.dir",
            "jmh.ignoreLock", "java.io.tmpdir", "shawarmax.whatever", TestProperties.LOSS_PERCENT_PROP));
    }

    @Test
    void shouldKnowEveryCoreConstantAndNoDurationInNanoseconds()
    {
        for (final String name : PropertySet.constantsOf(Configuration.class))
        {
            assertTrue(known.contains(name), name);
            assertTrue(!name.endsWith(".ns"), name);
        }
        assertTrue(!known.contains(Configuration.AERON_DIR_PROP));
    }

    @Test
    void shouldRefuseAnUnknownPropertyInAPropertiesFile(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("worker.properties");
        Files.writeString(file, "shawarma.worker.id=1\nshawarma.stor.entries=10\n");
        final Set<String> before = Set.copyOf(System.getProperties().stringPropertyNames());
        try
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> Configuration.load(file));
            assertEquals("unknown property shawarma.stor.entries (did you mean shawarma.store.entries?)",
                ex.getMessage());
        }
        finally
        {
            System.getProperties().stringPropertyNames().stream()
                .filter((name) -> !before.contains(name))
                .forEach(System::clearProperty);
        }
    }

    @Test
    void shouldReadDurationsInMilliseconds()
    {
        System.setProperty(Configuration.CALL_TIMEOUT_MS_PROP, "1500");
        try
        {
            assertEquals(1_500_000_000L, new FabricClient.Context().callTimeoutNs());
        }
        finally
        {
            System.clearProperty(Configuration.CALL_TIMEOUT_MS_PROP);
        }
        assertEquals(Configuration.CALL_TIMEOUT_MS_DEFAULT * 1_000_000, new FabricClient.Context().callTimeoutNs());
    }

    private void assertRefused(final String message, final String name)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> known.check(List.of("shawarma.store.entries", name)));
        assertEquals(message, ex.getMessage());
    }
}
