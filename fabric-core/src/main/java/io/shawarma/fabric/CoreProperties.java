package io.shawarma.fabric;

import java.util.List;
import java.util.Map;

/**
 * The core's properties ({@link Configuration}) and the names they replaced. The durations that were in nanoseconds
 * need no entry: {@link KnownProperties} refuses the {@code .ns} form of any {@code .ms} name, naming the latter.
 */
public final class CoreProperties implements PropertySet
{
    public List<String> names()
    {
        return PropertySet.constantsOf(Configuration.class);
    }

    public Map<String, String> renamed()
    {
        return Map.of(
            "shawarma.fabric", Configuration.FABRIC_PROP,
            "shawarma.channel", Configuration.CHANNEL_PROP,
            "shawarma.driver", Configuration.DRIVER_PROP,
            "shawarma.idle", Configuration.IDLE_PROP,
            "shawarma.cpu", Configuration.CPU_PROP);
    }
}
