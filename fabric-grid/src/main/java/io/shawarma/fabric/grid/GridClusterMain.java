package io.shawarma.fabric.grid;

import io.aeron.exceptions.AeronException;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.process.ChildJvm;
import org.agrona.CloseHelper;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.shawarma.fabric.grid.GridConfiguration.*;

/**
 * {@code shawarma cluster [--members 1|3] [--dir DIR] [--port-base P] [--member N] [file.properties]}: starts the
 * grid's cluster members, one JVM each, with their data under DIR, and runs until SIGINT or SIGTERM. With
 * {@code --member N}, runs only member N in this JVM (what each child does).
 */
public final class GridClusterMain
{
    /** Printed by a member once it runs. */
    public static final String MEMBER_READY = "shawarma grid member ";
    /** Printed once every member runs. */
    public static final String CLUSTER_READY = "shawarma cluster ready";

    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private GridClusterMain()
    {
    }

    public static void main(final String[] args)
    {
        int member = -1;
        Path file = null;
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if ("--help".equals(arg) || "-h".equals(arg))
            {
                usage(0);
            }
            else if (i + 1 < args.length && "--members".equals(arg))
            {
                System.setProperty(MEMBERS_PROP, args[++i]);
            }
            else if (i + 1 < args.length && "--dir".equals(arg))
            {
                System.setProperty(DIR_PROP, args[++i]);
            }
            else if (i + 1 < args.length && "--port-base".equals(arg))
            {
                System.setProperty(PORT_BASE_PROP, args[++i]);
            }
            else if (i + 1 < args.length && "--member".equals(arg))
            {
                member = parseMember(args[++i]);
            }
            else if (!arg.startsWith("-") && null == file)
            {
                file = Path.of(arg);
            }
            else
            {
                System.err.println("shawarma cluster: unknown option " + arg);
                usage(2);
            }
        }

        Configuration.loadOrExit("cluster", file);
        try
        {
            if (member >= 0)
            {
                runMember(member);
            }
            else
            {
                runAll();
            }
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("shawarma cluster: " + ex.getMessage());
            System.exit(2);
        }
    }

    private static int parseMember(final String value)
    {
        try
        {
            return Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            System.err.println("shawarma cluster: --member expects a number, got " + value);
            System.exit(2);
            return -1;
        }
    }

    private static void runMember(final int memberId)
    {
        final GridCluster cluster;
        try
        {
            cluster = GridCluster.launch(new GridCluster.Context().memberId(memberId));
        }
        catch (final IllegalStateException | AeronException ex)
        {
            // Aeron's own refusals (a port in use, a mark file it still takes for live) say what is wrong in their
            // message; the trace would only add Aeron's internals.
            System.err.println("shawarma cluster: member " + memberId + " cannot start: " + ex.getMessage());
            System.exit(1);
            return;
        }
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
        {
            try
            {
                System.out.println(MEMBER_READY + memberId + " ready, data in " +
                    Path.of(cluster.context().dir(), "member-" + memberId).toAbsolutePath());
                System.out.flush();
                barrier.await();
            }
            finally
            {
                cluster.close();
                System.out.println(MEMBER_READY + memberId + " stopped");
                System.out.flush();
            }
        }
    }

    private static void runAll()
    {
        final GridCluster.Context context = new GridCluster.Context().conclude();
        final int members = Configuration.integer(MEMBERS_PROP, MEMBERS_DEFAULT);
        final List<ChildJvm> children = new ArrayList<>();
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
        {
            try
            {
                for (int i = 0; i < members; i++)
                {
                    children.add(startMember(i, Map.of(), System.out));
                }
                final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
                for (final ChildJvm child : children)
                {
                    child.awaitReady(deadlineNs);
                }
                System.out.println(CLUSTER_READY + ": " + members + " members, ingress " + ingressEndpoints(
                    Configuration.string(HOST_PROP, HOST_DEFAULT),
                    Configuration.integer(PORT_BASE_PROP, PORT_BASE_DEFAULT), members) + ", data under " +
                    Path.of(context.dir()).toAbsolutePath());
                System.out.flush();
                barrier.await();
            }
            finally
            {
                CloseHelper.closeAll(children);
            }
        }
    }

    /**
     * Starts one member in a child JVM with this JVM's settings.
     *
     * @param memberId   of the member.
     * @param properties extra system properties.
     * @param echo       where its output is copied, or null.
     * @return the child; wait for it with {@link ChildJvm#awaitReady(long)}.
     */
    public static ChildJvm startMember(final int memberId, final Map<String, String> properties,
        final PrintStream echo)
    {
        final Map<String, String> all = Configuration.shawarmaProperties();
        all.putAll(properties);
        return new ChildJvm("member " + memberId, GridClusterMain.class.getName(), all,
            List.of("--member", Integer.toString(memberId)), MEMBER_READY + memberId + " ready", echo);
    }

    private static void usage(final int status)
    {
        System.out.println("usage: shawarma cluster [--members 1|3] [--dir DIR] [--port-base P] [--member N] " +
            "[file.properties] [-Dshawarma.grid....]");
        System.exit(status);
    }
}
