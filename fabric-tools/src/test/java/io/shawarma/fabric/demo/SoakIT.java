package io.shawarma.fabric.demo;

import io.shawarma.fabric.process.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a short soak as a user does (its own JVM, three authenticated worker JVMs, one frozen for a while): the
 * checker must pass (the graph runs alongside included) and nothing may be left in /dev/shm.
 */
class SoakIT
{
    @Test
    void shouldPassTheCheckerAndCleanUp()
    {
        final ChildJvm soak = new ChildJvm("soak", SoakMain.class.getName(), Map.of(), List.of("--seconds", "6"),
            "never printed", null);
        try
        {
            final int exitCode = soak.awaitExit(180_000);
            final String output = soak.lastLines();
            assertEquals(0, exitCode, output);
            assertTrue(output.contains("checker: PASS"), output);
            assertTrue(output.contains("worker 2 resumed"), output);
            assertTrue(output.matches("(?s).*graph rounds: [1-9][0-9]* PageRank runs.*"), output);
            final String[] leftovers = new File("/dev/shm").list((dir, name) -> name.contains("-soak-" + soak.pid()));
            assertEquals(0, null == leftovers ? 0 : leftovers.length, "left in /dev/shm: " + List.of(leftovers));
        }
        finally
        {
            soak.stop();
        }
    }
}
