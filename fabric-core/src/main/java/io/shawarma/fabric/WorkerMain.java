package io.shawarma.fabric;

import org.agrona.concurrent.ShutdownSignalBarrier;
import io.shawarma.fabric.store.UdfRegistry;

import java.nio.file.Path;

/**
 * Runs one worker until SIGINT or SIGTERM: {@code WorkerMain [worker.properties] [--accept-loss]}, with any property
 * also settable as {@code -Dname=value} (which wins over the file). {@code --accept-loss} is
 * {@code shawarma.store.accept.loss=true}: a damaged store file is opened with what it proves whole, and what was
 * lost is counted, instead of the worker refusing to start.
 */
public final class WorkerMain
{
    private WorkerMain()
    {
    }

    public static void main(final String[] args)
    {
        Configuration.loadOrExit("worker", parse(args));
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

    /**
     * Applies the flags and returns the properties file, or prints the usage and exits: 0 for help, 2 for a bad line.
     *
     * @return the properties file named, or null.
     */
    static Path parse(final String[] args)
    {
        Path file = null;
        for (final String arg : args)
        {
            if (acceptLoss(arg))
            {
                continue;
            }
            if (arg.startsWith("-") || null != file)
            {
                System.out.println("usage: shawarma worker [worker.properties] [--accept-loss] " +
                    "[-Dshawarma.worker.id=N ...]\n       shawarma worker --cluster [file.properties] " +
                    "[--accept-loss] -Dshawarma.worker.id=N (a grid worker: docs/grid.md)");
                System.exit("--help".equals(arg) || "-h".equals(arg) ? 0 : 2);
            }
            file = Path.of(arg);
        }
        return file;
    }

    /**
     * The worker's {@code --accept-loss} flag, for every worker launcher: sets
     * {@link Configuration#STORE_ACCEPT_LOSS_PROP} (winning over a properties file).
     *
     * @param arg a command-line argument.
     * @return whether it was the flag.
     */
    public static boolean acceptLoss(final String arg)
    {
        if ("--accept-loss".equals(arg))
        {
            System.setProperty(Configuration.STORE_ACCEPT_LOSS_PROP, "true");
            return true;
        }
        return false;
    }
}
