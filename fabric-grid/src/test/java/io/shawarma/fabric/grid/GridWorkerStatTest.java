package io.shawarma.fabric.grid;

import io.shawarma.fabric.StatMain;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.messaging.Transport;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A grid worker is a fabric worker: {@code scripts/shawarma stat} and {@code errors} read its counters file and
 * error log, grid counters included.
 */
class GridWorkerStatTest
{
    private static final int SLOTS = 16;

    @Test
    void shouldShowAGridWorkersCountersAndErrorsInStat() throws Exception
    {
        final Transport transport =
            Transport.embedded("grid-stat", "sleeping", 1024 * 1024, Throwable::printStackTrace);
        final GridNode node = new GridNode(5, LoopbackPorts.freeUdpChannel(), SLOTS, transport.aeronDirectoryName(),
            null);
        try
        {
            final int[] owners = new int[SLOTS];
            Arrays.fill(owners, 5);
            node.agent().onPlacement(3, owners);
            for (int i = 0; i < 100; i++)
            {
                node.doWork();
            }
            final String dir = new File(node.worker.context().workerDir()).getParent();

            final String stat = run("stat", "--once", "--dir", dir);
            assertTrue(stat.contains("grid worker 5 (pid " + ProcessHandle.current().pid() + ")"), stat);
            assertTrue(stat.matches("(?s).*\\s3  grid: placement epoch.*"), stat);
            assertTrue(stat.matches("(?s).*\\s16  grid: slots owned.*"), stat);

            final String errors = run("errors", "--dir", dir);
            assertTrue(errors.contains("worker 5"), errors);
        }
        finally
        {
            CloseHelper.closeAll(node, transport);
        }
    }

    private static String run(final String... args) throws Exception
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            StatMain.main(args);
        }
        finally
        {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
