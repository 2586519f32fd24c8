package io.shawarma.fabric;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextTest
{
    private static final String FABRIC = "1@aeron:udp?endpoint=127.0.0.1:40101,2@aeron:udp?endpoint=127.0.0.1:40102";

    @Test
    void shouldTakeChannelFromFabricList()
    {
        final Worker.Context context = new Worker.Context().workerId(2).fabric(FABRIC).conclude();
        assertEquals("aeron:udp?endpoint=127.0.0.1:40102", context.channel());
        assertEquals("backoff", context.idleStrategy());
        assertEquals("backoff", context.driverIdleStrategy());
    }

    @Test
    void shouldNameThePropertyOfABadValue()
    {
        assertMessage(new Worker.Context().fabric(FABRIC), "shawarma.worker.id=-1");
        assertMessage(new Worker.Context().workerId(3).fabric(FABRIC), "does not list this worker's id 3");
        assertMessage(new Worker.Context().workerId(1).fabric(FABRIC).idleStrategy("spinny"),
            "shawarma.idle.strategy=spinny");
        assertMessage(new Worker.Context().workerId(1).fabric(FABRIC).termLength(100_000), "shawarma.term.length");
        assertMessage(new Worker.Context().workerId(1).fabric(FABRIC).driver("external"), "aeron.dir");
        assertMessage(new Worker.Context().workerId(1).fabric(FABRIC).storeValueMaxBytes(1 << 20),
            "shawarma.store.value.max.bytes");
        assertMessage(new Worker.Context().workerId(1), "shawarma.fabric.members");
        assertMessage(new Worker.Context().workerId(1).fabric(FABRIC).storeSync("sometimes"),
            "shawarma.store.sync=sometimes: none, interval or always");
        assertMessage(new Worker.Context().workerId(1).fabric(FABRIC).storeSync("always"),
            "shawarma.store.sync=always: needs a file-backed table store");
        assertMessage(new Worker.Context().workerId(1).fabric(FABRIC).dataDir("/tmp/x").store("chronicle")
            .storeSync("interval"), "shawarma.store.sync=interval: needs a file-backed table store");
        assertMessage(new Worker.Context().workerId(1).fabric(FABRIC).dataDir("/tmp/x").storeSync("interval")
            .storeSyncIntervalNs(0), "shawarma.store.sync.interval.ms=0.0: at least 1");
        assertMessage(new FabricClient.Context().fabric(FABRIC).clientId(5), "shawarma.client.id=5");
    }

    @Test
    void shouldReadStoreDurabilitySettings()
    {
        System.setProperty(Configuration.STORE_SYNC_PROP, "interval");
        System.setProperty(Configuration.STORE_SYNC_INTERVAL_MS_PROP, "250");
        System.setProperty(Configuration.STORE_ACCEPT_LOSS_PROP, "true");
        try
        {
            final Worker.Context context = new Worker.Context().workerId(1).fabric(FABRIC).dataDir("/tmp/x")
                .conclude();
            assertEquals("interval", context.storeSync());
            assertEquals(250_000_000L, context.storeSyncIntervalNs());
            assertTrue(context.storeAcceptLoss());
            final Worker.Context defaults = new Worker.Context();
            System.clearProperty(Configuration.STORE_SYNC_PROP);
            System.clearProperty(Configuration.STORE_SYNC_INTERVAL_MS_PROP);
            System.clearProperty(Configuration.STORE_ACCEPT_LOSS_PROP);
            final Worker.Context unset = new Worker.Context();
            assertEquals("none", unset.storeSync());
            assertEquals(100_000_000L, unset.storeSyncIntervalNs());
            assertFalse(unset.storeAcceptLoss());
            assertTrue(defaults.storeAcceptLoss());
        }
        finally
        {
            System.clearProperty(Configuration.STORE_SYNC_PROP);
            System.clearProperty(Configuration.STORE_SYNC_INTERVAL_MS_PROP);
            System.clearProperty(Configuration.STORE_ACCEPT_LOSS_PROP);
        }
    }

    @Test
    void shouldReadSystemProperties()
    {
        System.setProperty(Configuration.WORKER_ID_PROP, "1");
        System.setProperty(Configuration.FABRIC_PROP, FABRIC);
        System.setProperty(Configuration.IDLE_PROP, "sleeping");
        try
        {
            final Worker.Context context = new Worker.Context().conclude();
            assertEquals(1, context.workerId());
            assertEquals("sleeping", context.idleStrategy());
            assertEquals(2, context.members().size());
        }
        finally
        {
            System.clearProperty(Configuration.WORKER_ID_PROP);
            System.clearProperty(Configuration.FABRIC_PROP);
            System.clearProperty(Configuration.IDLE_PROP);
        }
    }

    private static void assertMessage(final ParticipantContext<?> context, final String expected)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
        {
            if (context instanceof Worker.Context)
            {
                ((Worker.Context)context).conclude();
            }
            else
            {
                ((FabricClient.Context)context).conclude();
            }
        });
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
