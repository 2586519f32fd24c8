package io.shawarma.fabric;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Set;

/**
 * Clears, after each test, the system properties the test added (e.g. a properties file a launcher loaded), so that
 * they do not leak into the next test of the JVM.
 */
public final class SystemPropertiesRestored implements BeforeEachCallback, AfterEachCallback
{
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(SystemPropertiesRestored.class);

    public void beforeEach(final ExtensionContext context)
    {
        context.getStore(NAMESPACE).put("before", Set.copyOf(System.getProperties().stringPropertyNames()));
    }

    @SuppressWarnings("unchecked")
    public void afterEach(final ExtensionContext context)
    {
        final Set<String> before = (Set<String>)context.getStore(NAMESPACE).get("before");
        for (final String name : System.getProperties().stringPropertyNames())
        {
            if (!before.contains(name))
            {
                System.clearProperty(name);
            }
        }
    }
}
