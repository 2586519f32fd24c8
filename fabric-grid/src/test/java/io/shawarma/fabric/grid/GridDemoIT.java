package io.shawarma.fabric.grid;

import io.shawarma.fabric.process.ChildJvm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code shawarma demo --grid} end to end, as a user runs it (with a fresh shared secret): every check it prints holds
 * and it exits 0.
 */
class GridDemoIT
{
    @Test
    void shouldRunTheGridDemo()
    {
        try (ChildJvm demo = new ChildJvm("grid demo", GridDemo.class.getName(), Map.of(), List.of(),
            "(not waited for)", null))
        {
            final int exitCode = demo.awaitExit(600_000);
            final String output = demo.lastLines();
            assertEquals(0, exitCode, output);
            assertTrue(output.contains("ok: DAG completed with total 78 (expected 78)"), output);
            assertTrue(output.contains("slots moved to worker 4"), output);
            assertTrue(output.contains("ok: a data client without the secret is refused"), output);
            assertTrue(output.contains("grid demo: OK"), output);
        }
    }
}
