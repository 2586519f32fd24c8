package io.shawarma.fabric;

import io.shawarma.fabric.process.ChildJvm;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hosts for a test class and a job ({@code shawarma pagerank}, {@code shawarma aggregate}, ...) run on them as a user
 * runs it across hosts: one worker on each host of a {@link NetworkNamespaces}, every one with the same options and
 * {@code --members} (each receiving on its host's address and one port), the first with {@code --out FILE}, the
 * others with {@code --worker-id ID}. A JUnit extension ({@code @RegisterExtension static}): it creates the hosts
 * before the class's tests, or skips them when namespaces cannot be used here, and deletes them after.
 */
public final class HostsJob implements BeforeAllCallback, AfterAllCallback
{
    private final int hosts;
    private final int port;
    private NetworkNamespaces network;

    /**
     * @param hosts how many, 1..n; host 1 runs the first member.
     * @param port  the UDP port every worker receives on, at its host's address.
     */
    public HostsJob(final int hosts, final int port)
    {
        this.hosts = hosts;
        this.port = port;
    }

    public void beforeAll(final ExtensionContext context)
    {
        network = NetworkNamespaces.createOrSkip(hosts);
    }

    public void afterAll(final ExtensionContext context)
    {
        CloseHelper.close(network);
    }

    /**
     * @return the {@code --members} spec: {@code 1@aeron:udp?endpoint=ADDRESS1:PORT,2@...}.
     */
    public String members()
    {
        final StringBuilder members = new StringBuilder();
        for (int host = 1; host <= hosts; host++)
        {
            members.append(1 == host ? "" : ",").append(host).append("@aeron:udp?endpoint=")
                .append(network.hostAddress(host)).append(':').append(port);
        }
        return members.toString();
    }

    /**
     * Runs the job on every host (the last started first) and waits for every worker to exit 0.
     *
     * @param mainClass the job's main class.
     * @param common    every worker's options, {@code --members} included.
     * @param out       the first member's output file.
     * @return the lines of the output file.
     */
    public List<String> run(final String mainClass, final List<String> common, final Path out) throws Exception
    {
        final List<ChildJvm> jobs = new ArrayList<>();
        try
        {
            for (int host = hosts; host >= 1; host--)
            {
                final List<String> args = new ArrayList<>(common);
                args.addAll(1 == host ? List.of("--out", out.toString()) :
                    List.of("--worker-id", Integer.toString(host)));
                jobs.add(new ChildJvm(network.launcher(host), "job on host " + host, mainClass, Map.of(), args,
                    "never", null));
            }
            for (final ChildJvm job : jobs)
            {
                assertEquals(0, job.awaitExit(120_000), job.lastLines());
            }
            return Files.readAllLines(out);
        }
        finally
        {
            CloseHelper.closeAll(jobs);
        }
    }
}
