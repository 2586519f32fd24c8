package io.shawarma.fabric;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target for the configuration loader: any properties file either gives a worker and a client context that
 * conclude, or fails with an {@link IllegalArgumentException} whose message names the source or the property, or
 * refuses an unknown or renamed property; never another exception. Runs over the committed seed corpus in every build; {@code scripts/shawarma fuzz
 * --target config} fuzzes it.
 */
class ConfigurationFuzzTest
{
    private static final String SOURCE = "fuzzed.properties";

    @FuzzTest
    void workerSettings(final byte[] propertiesFile) throws IOException
    {
        final Set<String> before = new HashSet<>(System.getProperties().stringPropertyNames());
        try
        {
            Configuration.loadProperties(new ByteArrayInputStream(propertiesFile), SOURCE);
            KnownProperties.load(getClass().getClassLoader()).check(System.getProperties().stringPropertyNames());
            final Worker.Context worker = new Worker.Context().conclude();
            assertNotNull(worker.members().channelOf(worker.workerId()));
            new FabricClient.Context().conclude();
        }
        catch (final IllegalArgumentException ex)
        {
            final String message = ex.getMessage();
            assertTrue(null != message && (message.startsWith(SOURCE) || message.startsWith("shawarma.") ||
                message.startsWith("aeron.") || message.startsWith("unknown property shawarma.") ||
                message.startsWith("property shawarma.")), () -> "unclear error: " + message);
        }
        finally
        {
            System.getProperties().stringPropertyNames().stream()
                .filter((name) -> !before.contains(name))
                .forEach(System::clearProperty);
        }
    }
}
