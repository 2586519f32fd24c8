package io.shawarma.fabric.grid;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.KnownProperties;
import io.shawarma.fabric.PropertySet;
import io.shawarma.fabric.Worker;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GridPropertiesTest
{
    @Test
    void shouldSizeTheStoreLikeACoreWorker()
    {
        assertEquals(Configuration.STORE_ENTRIES_DEFAULT, new GridWorker.Context().storeEntries());
        assertEquals(new Worker.Context().storeEntries(), new GridWorker.Context().storeEntries());
    }

    @Test
    void shouldHearTheClusterOnTheAddressTheWorkerServesCallsOn()
    {
        assertEquals("10.1.2.3", new GridWorker.Context().workerId(1).host("10.9.9.9")
            .dataChannel("aeron:udp?endpoint=10.1.2.3:40123").conclude().egressHost());
        assertEquals("10.9.9.9", new GridWorker.Context().workerId(1).host("10.9.9.9")
            .dataChannel("aeron:udp?endpoint=0.0.0.0:40123").conclude().egressHost());
        assertEquals("10.9.9.9", new GridWorker.Context().workerId(1).host("10.9.9.9")
            .dataChannel("aeron:ipc").conclude().egressHost());
    }

    @Test
    void shouldRefuseBackupsOutOfRangeOrTooManyForOneView()
    {
        assertEquals(GridConfiguration.BACKUPS_DEFAULT, new GridCluster.Context().backups());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new GridCluster.Context().backups(3).conclude());
        assertEquals("shawarma.grid.backups=3: in [0, 2]", ex.getMessage());
        final IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
            () -> new GridCluster.Context().backups(2).slots(65536).conclude());
        assertTrue(tooMany.getMessage().startsWith("shawarma.grid.backups=2: at most 32768 backups in all"),
            tooMany.getMessage());
        new GridCluster.Context().backups(0).conclude();
    }

    @Test
    void shouldKnowTheGridPropertiesBesideTheCore()
    {
        final KnownProperties known = KnownProperties.load(getClass().getClassLoader());
        final List<String> names = PropertySet.constantsOf(GridConfiguration.class);
        assertTrue(names.contains(GridConfiguration.MEMBER_ID_PROP), names::toString);
        known.check(names);
        known.check(List.of(Configuration.STORE_ENTRIES_PROP));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> known.check(List.of("shawarma.grid.heartbeat.timout.ms")));
        assertEquals("unknown property shawarma.grid.heartbeat.timout.ms (did you mean " +
            "shawarma.grid.heartbeat.timeout.ms?)", ex.getMessage());
    }
}
