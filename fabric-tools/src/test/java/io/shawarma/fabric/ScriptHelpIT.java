package io.shawarma.fabric.demo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command of {@code scripts/shawarma} answers {@code --help} with its usage and exit status 0, and starts
 * nothing. Runs the script as a user does, on the modules this build compiled ({@code SHAWARMA_NO_BUILD}: the
 * script must not start a Maven build of its own inside this one).
 */
class ScriptHelpIT
{
    private static final long TIMEOUT_S = 60;

    @ParameterizedTest
    @ValueSource(strings = {
        "help", "worker", "worker --cluster", "cluster", "status", "submit", "demo", "soak", "stat", "errors", "run",
        "driver", "clean", "pagerank", "sssp", "cc", "bfs", "aggregate", "gen-rmat", "fuzz"})
    void helpPrintsUsageAndExitsZero(final String command) throws IOException, InterruptedException
    {
        final File root = new File(System.getProperty("user.dir")).getParentFile();
        final String line = "scripts/shawarma " + command + " --help";
        final ProcessBuilder builder = new ProcessBuilder(line.split(" ")).directory(root).redirectErrorStream(true);
        builder.environment().put("SHAWARMA_NO_BUILD", "1");
        final Process process = builder.start();
        process.getOutputStream().close();
        final boolean exited = process.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
        if (!exited)
        {
            process.destroyForcibly();
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(exited, line + " still runs after " + TIMEOUT_S + " s:\n" + output);
        assertEquals(0, process.exitValue(), line + ":\n" + output);
        assertTrue(output.toLowerCase().contains("usage"), line + " printed no usage:\n" + output);
    }
}
