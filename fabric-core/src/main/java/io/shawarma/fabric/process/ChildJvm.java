package io.shawarma.fabric.process;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started as a child of this one: the same java binary, this JVM's arguments (so the JVM flags live in one
 * place, the launcher or the build) and classpath, plus system properties and a main class. Waits for a ready line
 * on its output, keeps its last lines for failure reports, can be frozen (SIGSTOP) and resumed, and is stopped with
 * SIGTERM, then SIGKILL after a bounded wait. Not for the hot path.
 */
public final class ChildJvm implements AutoCloseable
{
    private static final int OUTPUT_LINES_KEPT = 200;
    private static final long STOP_WAIT_MS = 10_000;
    private static final long KILL_WAIT_MS = 5_000;

    private final String name;
    private final String readyPrefix;
    private final PrintStream echo;
    private final Process process;
    private final ArrayDeque<String> lastLines = new ArrayDeque<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch outputDone = new CountDownLatch(1);
    private volatile boolean suspended;
    private boolean closed;

    /**
     * Starts the child; see {@link #awaitReady(long)}.
     *
     * @param name        for messages, e.g. {@code worker 1}.
     * @param mainClass   to run.
     * @param properties  system properties, passed as {@code -Dname=value} after this JVM's own arguments.
     * @param args        program arguments.
     * @param readyPrefix the child is ready once it prints a line starting with this.
     * @param echo        where to copy every line the child prints, prefixed {@code [name]}; null to only keep them.
     */
    public ChildJvm(
        final String name, final String mainClass, final Map<String, String> properties, final List<String> args,
        final String readyPrefix, final PrintStream echo)
    {
        this(List.of(), name, mainClass, properties, args, readyPrefix, echo);
    }

    /**
     * Starts the child through a launcher command, e.g. {@code ip netns exec NS} to run it in a network namespace;
     * the launcher must exec the JVM (keep its process id), so that signals reach the JVM.
     *
     * @param launcher    command words before the java binary; empty for none.
     * @param name        for messages, e.g. {@code worker 1}.
     * @param mainClass   to run.
     * @param properties  system properties, passed as {@code -Dname=value} after this JVM's own arguments.
     * @param args        program arguments.
     * @param readyPrefix the child is ready once it prints a line starting with this.
     * @param echo        where to copy every line the child prints, prefixed {@code [name]}; null to only keep them.
     */
    public ChildJvm(
        final List<String> launcher, final String name, final String mainClass, final Map<String, String> properties,
        final List<String> args, final String readyPrefix, final PrintStream echo)
    {
        this.name = name;
        this.readyPrefix = readyPrefix;
        this.echo = echo;

        final List<String> command = command(launcher, mainClass, properties, args);
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + name + ": " + command, ex);
        }
        final Thread reader = new Thread(this::readOutput, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The command that starts a child JVM like this one, for a caller that runs it its own way (for example with its
     * output redirected to a file, which outlives a kill unlike a pipe's unread bytes).
     *
     * @param launcher   command words before the java binary; empty for none.
     * @param mainClass  to run.
     * @param properties system properties, passed as {@code -Dname=value} after this JVM's own arguments.
     * @param args       program arguments.
     * @return the command words.
     */
    public static List<String> command(
        final List<String> launcher, final String mainClass, final Map<String, String> properties,
        final List<String> args)
    {
        final List<String> command = new ArrayList<>(launcher);
        command.add(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            // A debugger agent listening on a port would clash in every child.
            if (!argument.startsWith("-agentlib:jdwp") && !argument.startsWith("-Xrunjdwp"))
            {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        for (final Map.Entry<String, String> property : properties.entrySet())
        {
            command.add("-D" + property.getKey() + "=" + property.getValue());
        }
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * Waits for the ready line.
     *
     * @param deadlineNs {@link System#nanoTime()} deadline.
     * @throws IllegalStateException when the child exits first or the deadline passes, with its last lines.
     */
    public void awaitReady(final long deadlineNs)
    {
        awaitReady(SystemNanoClock.INSTANCE, deadlineNs);
    }

    /**
     * Waits for the ready line.
     *
     * @param clock      the clock of the deadline.
     * @param deadlineNs deadline on {@code clock}.
     * @throws IllegalStateException when the child exits first or the deadline passes, with its last lines.
     */
    public void awaitReady(final NanoClock clock, final long deadlineNs)
    {
        try
        {
            while (!ready.await(50, TimeUnit.MILLISECONDS))
            {
                if (!process.isAlive())
                {
                    outputDone.await(1, TimeUnit.SECONDS);
                    throw new IllegalStateException(name + " (pid " + pid() + ") exited with code " +
                        process.exitValue() + " before it was ready:\n" + lastLines());
                }
                if (clock.nanoTime() - deadlineNs >= 0)
                {
                    throw new IllegalStateException(name + " (pid " + pid() + ") was not ready in time:\n" +
                        lastLines());
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, ex);
        }
    }

    /**
     * Waits for the child to exit by itself.
     *
     * @param timeoutMs how long to wait.
     * @return its exit code.
     * @throws IllegalStateException when it is still running after the timeout, with its last lines.
     */
    public int awaitExit(final long timeoutMs)
    {
        if (!waitFor(timeoutMs))
        {
            throw new IllegalStateException(name + " (pid " + pid() + ") still runs after " + timeoutMs + " ms:\n" +
                lastLines());
        }
        try
        {
            outputDone.await(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    /**
     * @return the child's process id.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * @return true while the child runs.
     */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * @return the last lines the child printed, joined with newlines, each prefixed {@code [name]}.
     */
    public String lastLines()
    {
        final StringBuilder builder = new StringBuilder();
        synchronized (lastLines)
        {
            for (final String line : lastLines)
            {
                builder.append('[').append(name).append("] ").append(line).append('\n');
            }
        }
        return builder.toString();
    }

    /**
     * Freezes the child (SIGSTOP): it keeps its sockets and state but runs nothing until {@link #resume()}.
     */
    public void suspend()
    {
        signal("-STOP");
        suspended = true;
    }

    /**
     * Lets a suspended child run again (SIGCONT).
     */
    public void resume()
    {
        signal("-CONT");
        suspended = false;
    }

    /**
     * Stops the child: SIGTERM (after SIGCONT if suspended), SIGKILL after a bounded wait. Idempotent.
     *
     * @return true when it stopped on SIGTERM, false when it had to be killed.
     */
    public synchronized boolean stop()
    {
        if (closed)
        {
            return true;
        }
        closed = true;
        if (process.isAlive())
        {
            if (suspended)
            {
                // A stopped process keeps SIGTERM pending until it runs again.
                signal("-CONT");
            }
            process.destroy();
        }
        if (waitFor(STOP_WAIT_MS))
        {
            return true;
        }
        process.destroyForcibly();
        waitFor(KILL_WAIT_MS);
        return false;
    }

    /**
     * Kills the child at once with SIGKILL (kill -9), as in a crash: no shutdown hook runs.
     */
    public synchronized void kill()
    {
        closed = true;
        process.destroyForcibly();
        waitFor(KILL_WAIT_MS);
    }

    /**
     * Same as {@link #stop()}.
     */
    public void close()
    {
        stop();
    }

    private boolean waitFor(final long timeoutMs)
    {
        try
        {
            return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void signal(final String signal)
    {
        final String pid = Long.toString(process.pid());
        try
        {
            final Process kill = new ProcessBuilder("kill", signal, pid).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || 0 != kill.exitValue())
            {
                throw new IllegalStateException("kill " + signal + " " + pid + " failed");
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot run kill " + signal + " " + pid, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: kill " + signal + " " + pid, ex);
        }
    }

    private void readOutput()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                synchronized (lastLines)
                {
                    if (lastLines.size() == OUTPUT_LINES_KEPT)
                    {
                        lastLines.removeFirst();
                    }
                    lastLines.addLast(line);
                }
                if (null != echo)
                {
                    echo.println("[" + name + "] " + line);
                }
                if (line.startsWith(readyPrefix))
                {
                    ready.countDown();
                }
            }
        }
        catch (final IOException ignore)
        {
            // The process is gone; what it printed so far is kept.
        }
        finally
        {
            outputDone.countDown();
        }
    }
}
