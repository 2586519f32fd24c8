package io.shawarma.fabric.grid;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.WorkerMain;
import io.shawarma.fabric.process.ChildJvm;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code shawarma worker --cluster [file.properties] [--accept-loss] -Dshawarma.worker.id=N}: runs one grid worker
 * until SIGINT or SIGTERM; it joins the cluster named by the {@code shawarma.grid.*} properties and leaves it on the
 * way out. {@code --accept-loss} opens a damaged store file with what it proves whole (see {@code WorkerMain}).
 */
public final class GridWorkerMain
{
    /** Printed once the worker has joined. */
    public static final String READY = "shawarma grid worker ";

    private GridWorkerMain()
    {
    }

    public static void main(final String[] args)
    {
        Path file = null;
        for (final String arg : args)
        {
            if ("--help".equals(arg) || "-h".equals(arg))
            {
                System.out.println("usage: shawarma worker --cluster [file.properties] [--accept-loss] " +
                    "-Dshawarma.worker.id=N [-Dshawarma.data.dir=DIR] [-Dshawarma.grid....]");
                System.exit(0);
            }
            if (!"--cluster".equals(arg) && !WorkerMain.acceptLoss(arg))
            {
                file = Path.of(arg);
            }
        }

        Configuration.loadOrExit("worker", file);
        final GridWorker worker =
            Configuration.startOrExit("worker", () -> GridWorker.launch(new GridWorker.Context()));

        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
        {
            worker.onDriverLost(barrier::signal);
            try
            {
                System.out.println(READY + worker.id() + " ready");
                System.out.flush();
                barrier.await();
            }
            finally
            {
                worker.close();
                if (null == worker.driverLost())
                {
                    final long[] moved = worker.migrationCounts();
                    System.out.println(READY + worker.id() + " stopped after " + worker.tasksRun() + " tasks; " +
                        "slots streamed away " + moved[0] + " (" + moved[1] + " vertices), received " + moved[2] +
                        " (" + moved[3] + " vertices); data-plane frames refused as not authenticated " +
                        worker.authFailures());
                    System.out.flush();
                }
            }
        }
        // Outside the barrier: its shutdown hook would hold System.exit until the barrier closes.
        if (null != worker.driverLost())
        {
            System.err.println("shawarma worker " + worker.id() + ": " + worker.driverLost());
            System.exit(1);
        }
    }

    /**
     * Starts one grid worker in a child JVM with this JVM's settings.
     *
     * @param workerId   of the worker.
     * @param properties extra system properties (grid host, port base, members, task delay, data dir).
     * @param echo       where its output is copied, or null.
     * @return the child; wait for it with {@link ChildJvm#awaitReady(long)}.
     */
    public static ChildJvm start(final int workerId, final Map<String, String> properties, final PrintStream echo)
    {
        return start(List.of(), workerId, properties, echo);
    }

    /**
     * As above, through a launcher command.
     *
     * @param launcher command words before the java binary, e.g. {@code ip netns exec NS} to run the worker in a
     *                 network namespace (see {@link ChildJvm}); empty for none.
     */
    public static ChildJvm start(
        final List<String> launcher, final int workerId, final Map<String, String> properties, final PrintStream echo)
    {
        final Map<String, String> all = Configuration.shawarmaProperties();
        all.putAll(properties);
        all.put(Configuration.WORKER_ID_PROP, Integer.toString(workerId));
        return new ChildJvm(launcher, "worker " + workerId, GridWorkerMain.class.getName(), all,
            List.of("--cluster"), READY + workerId + " ready", echo);
    }
}
