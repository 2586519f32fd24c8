package io.shawarma.fabric;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hosts in network namespaces of their own, on one Ethernet segment with this (the root) namespace: a bridge in a
 * hub namespace, a veth pair from it to each host and one to the root namespace, all on a /24 of 10/8 that no route
 * of this machine uses. nftables in the namespaces loses datagrams in the kernel ({@code numgen random}: this kernel
 * has no sch_netem for tc netem) and cuts a host off for a partition. Needs root, {@code ip} and {@code nft}; see
 * {@link #unavailableReason()}.
 * <p>
 * Names are unique per instance ({@code shw-<pid>-<random>-...}); {@link #close()} deletes the namespaces, which
 * takes their veths and rules with them, also from a shutdown hook; namespaces left by a killed JVM (whose pid is
 * gone) are deleted when the next instance starts.
 */
public final class NetworkNamespaces implements AutoCloseable
{
    private static final String PREFIX = "shw-";
    private static final String HUB_PORT_TO_ROOT = "root";
    private static final String LOSS_TABLE = "shawarma_loss";
    private static final String PARTITION_TABLE = "shawarma_partition";
    private static final long COMMAND_TIMEOUT_MS = 10_000;
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes");

    private final String tag;
    private final String hub;
    private final String[] hosts;
    private final String subnet;
    private final Thread cleanUp;
    private boolean closed;

    /**
     * @return why namespaces cannot be used here, or null when they can: the test then skips with that message.
     */
    public static String unavailableReason()
    {
        try
        {
            if (!"0".equals(output(List.of("id", "-u")).trim()))
            {
                return "network namespaces need root (ip netns, nft); skipped as user " +
                    System.getProperty("user.name");
            }
            output(List.of("ip", "netns", "list"));
            output(List.of("nft", "--version"));
            return null;
        }
        catch (final RuntimeException ex)
        {
            return "network namespaces unavailable: " + ex.getMessage() + " (install iproute2 and nftables)";
        }
    }

    /**
     * Creates the hosts for a test, or skips it (a JUnit assumption) with {@link #unavailableReason()}.
     *
     * @param hostCount hosts 1..n.
     * @return the hosts, to close after the test.
     */
    public static NetworkNamespaces createOrSkip(final int hostCount)
    {
        final String unavailable = unavailableReason();
        Assumptions.assumeTrue(null == unavailable, unavailable);
        return new NetworkNamespaces(hostCount);
    }

    /**
     * Creates the hub and the hosts, connected and up, without impairment.
     *
     * @param hostCount hosts 1..n.
     */
    public NetworkNamespaces(final int hostCount)
    {
        deleteLeftovers();
        tag = PREFIX + ProcessHandle.current().pid() + "-" + Integer.toString(
            ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        hub = tag + "-hub";
        hosts = new String[hostCount];
        subnet = freeSubnet();
        cleanUp = new Thread(this::close, tag + "-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try
        {
            run("ip", "netns", "add", hub);
            run("ip", "-n", hub, "link", "add", "br0", "type", "bridge");
            run("ip", "-n", hub, "link", "set", "br0", "up");
            final String rootSide = rootInterface();
            run("ip", "link", "add", rootSide, "type", "veth", "peer", "name", HUB_PORT_TO_ROOT, "netns", hub);
            run("ip", "-n", hub, "link", "set", HUB_PORT_TO_ROOT, "master", "br0", "up");
            run("ip", "addr", "add", rootAddress().getHostAddress() + "/24", "dev", rootSide);
            run("ip", "link", "set", rootSide, "up");
            for (int host = 1; host <= hostCount; host++)
            {
                final String name = tag + "-h" + host;
                hosts[host - 1] = name;
                run("ip", "netns", "add", name);
                run("ip", "-n", hub, "link", "add", "h" + host, "type", "veth", "peer", "name", "eth0", "netns", name);
                run("ip", "-n", hub, "link", "set", "h" + host, "master", "br0", "up");
                run("ip", "-n", name, "addr", "add", hostAddress(host) + "/24", "dev", "eth0");
                run("ip", "-n", name, "link", "set", "eth0", "up");
                run("ip", "-n", name, "link", "set", "lo", "up");
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * @return this namespace's address on the segment.
     */
    public InetAddress rootAddress()
    {
        try
        {
            return InetAddress.getByName(subnet + "1");
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param host 1..n.
     * @return its address on the segment.
     */
    public String hostAddress(final int host)
    {
        return subnet + (10 + host);
    }

    /**
     * @param host 1..n.
     * @return the command words that run a program in that host's namespace.
     */
    public List<String> launcher(final int host)
    {
        return List.of("ip", "netns", "exec", hosts[host - 1]);
    }

    /**
     * Loses {@code percent} % of the UDP datagrams that arrive at each host and of those the hub forwards to this
     * namespace, at random, in the kernel: every datagram crossing the segment meets exactly one such rule.
     */
    void loseUdp(final int percent)
    {
        final String drop = "meta l4proto udp numgen random mod 100 < " + percent + " counter drop";
        for (final String host : hosts)
        {
            nft(host, "table inet " + LOSS_TABLE + " {\n" +
                "  chain input { type filter hook input priority 0; policy accept; " + drop + "; }\n}\n");
        }
        nft(hub, "table bridge " + LOSS_TABLE + " {\n" +
            "  chain forward { type filter hook forward priority 0; policy accept; oifname \"" + HUB_PORT_TO_ROOT +
            "\" " + drop + "; }\n}\n");
    }

    /**
     * @return datagrams the loss rules have dropped so far.
     */
    long datagramsLost()
    {
        long lost = 0;
        for (final String host : hosts)
        {
            lost += counted(output(List.of("ip", "netns", "exec", host, "nft", "list", "table", "inet", LOSS_TABLE)));
        }
        return lost +
            counted(output(List.of("ip", "netns", "exec", hub, "nft", "list", "table", "bridge", LOSS_TABLE)));
    }

    /**
     * Cuts a host off: every UDP datagram between it and any other host (this namespace too) is dropped until
     * {@link #heal(int)}. Its loopback still carries datagrams: programs inside its namespace still reach each other.
     */
    public void partition(final int host)
    {
        nft(hosts[host - 1], "table inet " + PARTITION_TABLE + " {\n" +
            "  chain input { type filter hook input priority -10; policy accept; iifname \"lo\" accept; " +
            "meta l4proto udp drop; }\n" +
            "  chain output { type filter hook output priority -10; policy accept; oifname \"lo\" accept; " +
            "meta l4proto udp drop; }\n}\n");
    }

    /**
     * Ends a host's partition.
     */
    public void heal(final int host)
    {
        run("ip", "netns", "exec", hosts[host - 1], "nft", "delete", "table", "inet", PARTITION_TABLE);
    }

    /**
     * Deletes the namespaces (with their veths and rules). Idempotent.
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (Thread.currentThread() != cleanUp)
        {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        }
        final List<String> namespaces = new ArrayList<>(List.of(hosts));
        namespaces.add(hub);
        for (final String namespace : namespaces)
        {
            if (null != namespace)
            {
                deleteNamespace(namespace);
            }
        }
    }

    private String rootInterface()
    {
        // Interface names have at most 15 characters: "shw" and the tag's random part and pid, in base 36.
        final String[] parts = tag.split("-");
        return "shw" + Long.toString(Long.parseLong(parts[1]), 36) + parts[2];
    }

    private void nft(final String namespace, final String script)
    {
        execute(List.of("ip", "netns", "exec", namespace, "nft", "-f", "-"), script);
    }

    private static long counted(final String listing)
    {
        final Matcher matcher = COUNTER.matcher(listing);
        long packets = 0;
        while (matcher.find())
        {
            packets += Long.parseLong(matcher.group(1));
        }
        return packets;
    }

    /**
     * @return the first three octets and a dot of a 10.x.y.0/24 in a 10.x/16 no route of this machine touches.
     */
    private static String freeSubnet()
    {
        final String routes = output(List.of("ip", "-4", "route", "show", "table", "all"));
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final ThreadLocalRandom random = ThreadLocalRandom.current();
            final String network = "10." + (200 + random.nextInt(50)) + ".";
            if (!routes.contains(network) && !routes.contains("10.0.0.0/8"))
            {
                return network + random.nextInt(256) + ".";
            }
        }
        throw new IllegalStateException("no free 10.x.y.0/24 found in:\n" + routes);
    }

    private static void deleteLeftovers()
    {
        for (final String line : output(List.of("ip", "netns", "list")).split("\n"))
        {
            final String name = line.split(" ")[0];
            if (name.startsWith(PREFIX))
            {
                final String[] parts = name.split("-");
                final boolean ownerGone = parts.length > 2 && parts[1].chars().allMatch(Character::isDigit) &&
                    ProcessHandle.of(Long.parseLong(parts[1])).isEmpty();
                if (ownerGone)
                {
                    deleteNamespace(name);
                }
            }
        }
    }

    private static void deleteNamespace(final String namespace)
    {
        try
        {
            run("ip", "netns", "del", namespace);
        }
        catch (final RuntimeException ex)
        {
            System.err.println("could not delete network namespace " + namespace + ": " + ex.getMessage());
        }
    }

    private static void run(final String... command)
    {
        execute(List.of(command), null);
    }

    private static String output(final List<String> command)
    {
        return execute(command, null);
    }

    /**
     * Runs a command with a bounded wait.
     *
     * @return what it printed.
     * @throws IllegalStateException when it fails, naming the command and its output.
     */
    private static String execute(final List<String> command, final String input)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (Writer stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8))
            {
                if (null != input)
                {
                    stdin.write(input);
                }
            }
            if (!process.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": no answer in " + COMMAND_TIMEOUT_MS +
                    " ms");
            }
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (0 != process.exitValue())
            {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() +
                    "): " + output.trim());
            }
            return output;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), ex);
        }
    }
}
