package io.shawarma.fabric.grid;

import io.aeron.CommonContext;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.process.ChildAeronDirectories;
import io.shawarma.fabric.process.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster member killed with kill -9 starts again at once on its directory (no "active Mark file detected" for
 * ten seconds), and a second member started on a directory a running member holds refuses in one line with exit
 * status 1, leaving the running one alone. Real member processes.
 */
class GridMemberRestartIT
{
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final String AERON_DIR_BASE = ChildAeronDirectories.base("grid-member-restart-it");

    @TempDir
    Path dir;

    @AfterEach
    void removeDriverDirectories()
    {
        ChildAeronDirectories.removeAll(AERON_DIR_BASE);
    }

    @Test
    void killedMemberRestartsAtOnceAndALiveMembersDirectoryIsRefused()
    {
        final Map<String, String> properties = Map.of(
            GridConfiguration.PORT_BASE_PROP, Integer.toString(TestGrid.freePortBase(1)),
            GridConfiguration.MEMBERS_PROP, "1",
            GridConfiguration.DIR_PROP, dir.resolve("cluster").toString(),
            Configuration.IDLE_PROP, "sleeping",
            CommonContext.AERON_DIR_PROP_NAME, AERON_DIR_BASE);
        try (ChildJvm first = GridClusterMain.startMember(0, properties, null))
        {
            first.awaitReady(System.nanoTime() + START_TIMEOUT_NS);
            first.kill();
        }

        final long restartNs = System.nanoTime();
        try (ChildJvm restarted = GridClusterMain.startMember(0, properties, null))
        {
            restarted.awaitReady(restartNs + START_TIMEOUT_NS);
            final long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNs);
            System.out.println("GridMemberRestartIT: member ready " + restartMs + " ms after a restart right after " +
                "kill -9 (JVM start included)");
            assertFalse(restarted.lastLines().contains("Exception"), restarted.lastLines());

            try (ChildJvm second = GridClusterMain.startMember(0, properties, null))
            {
                assertEquals(1, second.awaitExit(60_000), second.lastLines());
                final String output = second.lastLines();
                assertEquals(1, output.split("\n").length, output);
                assertTrue(output.contains("shawarma cluster: member 0 cannot start: a running process (pid " +
                    restarted.pid() + ") holds "), output);
                assertTrue(output.contains("stop it first"), output);
            }
            assertTrue(restarted.isAlive(), "the running member is left alone");
            assertTrue(restarted.stop(), "stops on SIGTERM: " + restarted.lastLines());
        }
    }
}
