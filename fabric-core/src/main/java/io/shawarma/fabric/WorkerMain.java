package io.shawarma.fabric;

import org.agrona.concurrent.ShutdownSignalBarrier;
import io.shawarma.fabric.store.UdfRegistry;

import java.nio.file.Path;

/**
 * Runs one worker until SIGINT or SIGTERM: {@code WorkerMain [worker.properties]}, with any property also settable
 * as {@code -Dname=value} (which wins over the file).
 */
public final class WorkerMain
{
    private WorkerMain()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-")))
        {
            System.out.println("usage: shawarma worker [worker.properties] [-Dshawarma.worker.id=N ...]");
            System.exit(args.length == 1 && ("--help".equals(args[0]) || "-h".equals(args[0])) ? 0 : 2);
        }
        Configuration.loadOrExit("worker", args.length == 1 ? Path.of(args[0]) : null);
        final Worker worker = Configuration.startOrExit("worker", () -> Worker.launch(new Worker.Context()));

        // The barrier's shutdown hook holds the JVM until the barrier is closed: close the worker first, so that
        // its store, media driver and /dev/shm directories are released before the JVM exits.
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
        {
            // A worker whose media driver is gone can neither send nor receive: stop as on a signal, then exit 1.
            worker.onDriverLost(barrier::signal);
            try
            {
                final Worker.Context context = worker.context();
                System.out.println("shawarma worker " + worker.id() + " ready on " + context.channel() +
                    " stream " + (context.streamBase() + worker.id()) + " fabric " + context.members() +
                    " udfs " + UdfRegistry.load(context.udfClassLoader()).names() +
                    " counters " + worker.counters().file());
                System.out.flush();
                barrier.await();
            }
            finally
            {
                worker.close();
                if (null == worker.driverLost())
                {
                    System.out.println("shawarma worker " + worker.id() + " stopped");
                    System.out.flush();
                }
            }
        }
        if (null != worker.driverLost())
        {
            System.err.println("shawarma worker " + worker.id() + ": " + worker.driverLost());
            System.exit(1);
        }
    }
}
