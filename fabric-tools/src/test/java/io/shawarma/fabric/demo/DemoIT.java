package io.shawarma.fabric.demo;

import io.shawarma.fabric.process.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the demo as a user does (its own JVM, three worker JVMs) with few calls per path: it must check every
 * answer, exit 0 and leave nothing behind in /dev/shm.
 */
class DemoIT
{
    @Test
    void shouldRunTheDemoToSuccessAndCleanUp()
    {
        final ChildJvm demo = new ChildJvm("demo", Demo.class.getName(), Map.of(), List.of("--calls", "200"),
            "never printed", null);
        try
        {
            final int exitCode = demo.awaitExit(240_000);
            final String output = demo.lastLines();
            assertEquals(0, exitCode, output);
            for (final String status : List.of("NO_SUCH_VERTEX=", "NO_SUCH_UDF=", "UDF_FAILED=", "MALFORMED=",
                "MOVED=", "BACK_PRESSURED=", "TIMEOUT="))
            {
                assertTrue(output.contains(status), status + " missing from:\n" + output);
            }
            assertTrue(output.contains("OK: every answer was right"), output);
            final String[] leftovers = new File("/dev/shm").list((dir, name) -> name.contains("-demo-" + demo.pid()));
            assertEquals(0, null == leftovers ? 0 : leftovers.length, "left in /dev/shm: " + List.of(leftovers));
        }
        finally
        {
            demo.stop();
        }
    }
}
