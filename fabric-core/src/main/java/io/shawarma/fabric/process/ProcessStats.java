package io.shawarma.fabric.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Figures about this process that tools report.
 */
public final class ProcessStats
{
    private ProcessStats()
    {
    }

    /**
     * @return this process's peak resident set (VmHWM) in MiB, or -1 where /proc is not available.
     */
    public static long peakRssMb()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("VmHWM:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        }
        catch (final IOException | NumberFormatException ignore)
        {
            // Not Linux: no figure.
        }
        return -1;
    }
}
