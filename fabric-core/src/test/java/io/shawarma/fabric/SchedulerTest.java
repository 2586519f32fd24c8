package io.shawarma.fabric;

import io.shawarma.codecs.Routing;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerTest
{
    private final FabricMembers members = FabricMembers.parse(
        "2@aeron:udp?endpoint=127.0.0.1:40102,1@aeron:udp?endpoint=127.0.0.1:40101,3@aeron:ipc", "test");
    private final Placement placement = new Placement(members, 1);
    private final Scheduler scheduler = new Scheduler(1, placement);

    @Test
    void shouldRunOwnedVerticesLocallyAndForwardOrMoveTheRest()
    {
        int local = 0;
        for (long vertexId = 0; vertexId < 3000; vertexId++)
        {
            final boolean owned = placement.ownerOf(vertexId) == 1;
            assertEquals(owned ? Scheduler.LOCAL : Scheduler.FORWARD, scheduler.decide(vertexId, Routing.ANY.value()));
            assertEquals(owned ? Scheduler.LOCAL : Scheduler.MOVED, scheduler.decide(vertexId, Routing.DIRECT.value()));
            local += owned ? 1 : 0;
        }
        assertTrue(local > 800 && local < 1200, "hash spreads vertices evenly over 3 workers: " + local);
    }

    @Test
    void shouldFollowOverridesAndKeepTheNewerEpoch()
    {
        final long vertexId = 42;
        final int other = placement.ownerOf(vertexId) == 1 ? 2 : 1;
        placement.override(vertexId, other, 5);
        assertEquals(other, placement.ownerOf(vertexId));
        assertEquals(5, placement.epoch());
        placement.override(vertexId, 1, 3);
        assertEquals(1, placement.ownerOf(vertexId));
        assertEquals(5, placement.epoch());
    }

    @Test
    void shouldSortMembersAndRefuseBadLists()
    {
        assertEquals("1@aeron:udp?endpoint=127.0.0.1:40101,2@aeron:udp?endpoint=127.0.0.1:40102,3@aeron:ipc",
            members.toString());
        assertEquals("aeron:ipc", members.channelOf(3));
        assertBad("1@aeron:ipc,1@aeron:ipc", "listed twice");
        assertBad("x@aeron:ipc", "bad worker id");
        assertBad("1@udp://host", "bad member");
        assertBad("", "is empty");
        assertBad("-4@aeron:ipc", "outside");
    }

    private static void assertBad(final String spec, final String message)
    {
        final IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> FabricMembers.parse(spec, "shawarma.fabric"));
        assertTrue(ex.getMessage().startsWith("shawarma.fabric"), ex.getMessage());
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
    }
}
