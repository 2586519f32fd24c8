package io.shawarma.fabric;

import java.util.List;
import java.util.Map;

/**
 * The core's properties ({@link Configuration}) and the names they replaced.
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
            "shawarma.cpu", Configuration.CPU_PROP,
            "shawarma.offer.timeout.ns", Configuration.OFFER_TIMEOUT_MS_PROP,
            "shawarma.call.timeout.ns", Configuration.CALL_TIMEOUT_MS_PROP,
            "shawarma.heartbeat.interval.ns", Configuration.PEER_HEARTBEAT_INTERVAL_MS_PROP,
            "shawarma.connect.timeout.ns", Configuration.CONNECT_TIMEOUT_MS_PROP,
            "shawarma.borrow.lease.ns", Configuration.BORROW_LEASE_MS_PROP);
    }
}
