package io.shawarma.fabric;

import java.util.List;

/**
 * Properties only the tests read: known while the tests are on the classpath, so that they pass the check.
 */
public final class TestProperties implements PropertySet
{
    /** Packet loss of the impaired link in {@code NetworkNamespacesIT}, in percent. */
    public static final String LOSS_PERCENT_PROP = "shawarma.test.loss.percent";

    public List<String> names()
    {
        return List.of(LOSS_PERCENT_PROP);
    }
}
