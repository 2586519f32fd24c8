package io.shawarma.fabric;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(SystemPropertiesRestored.class)
class KnownPropertiesTest
{
    private final KnownProperties known = KnownProperties.load(getClass().getClassLoader());

    @Test
    void shouldRefuseARenamedPropertyNamingItsNewName()
    {
        assertRefused("property shawarma.idle is now shawarma.idle.strategy", "shawarma.idle");
        assertRefused("property shawarma.fabric is now shawarma.fabric.members", "shawarma.fabric");
    }

    @Test
    void shouldRefuseEveryDurationInNanosecondsNamingItsMillisecondName()
    {
        int durations = 0;
        for (final String name : PropertySet.constantsOf(Configuration.class))
        {
            if (name.endsWith(".ms"))
            {
                final String nanos = name.substring(0, name.length() - ".ms".length()) + ".ns";
                assertRefused("property " + nanos + " is now " + name + " (durations are in milliseconds)", nanos);
                durations++;
            }
        }
        assertEquals(6, durations, "shawarma.store.sync.interval.ms among them");
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
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Configuration.load(file));
        assertEquals("unknown property shawarma.stor.entries (did you mean shawarma.store.entries?)",
            ex.getMessage());
    }

    @Test
    void shouldReadDurationsInMilliseconds()
    {
        assertEquals(Configuration.CALL_TIMEOUT_MS_DEFAULT * 1_000_000, new FabricClient.Context().callTimeoutNs());
        System.setProperty(Configuration.CALL_TIMEOUT_MS_PROP, "1500");
        assertEquals(1_500_000_000L, new FabricClient.Context().callTimeoutNs());
    }

    private void assertRefused(final String message, final String name)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> known.check(List.of("shawarma.store.entries", name)));
        assertEquals(message, ex.getMessage());
    }
}
