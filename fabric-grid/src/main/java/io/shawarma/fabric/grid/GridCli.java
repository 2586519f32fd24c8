package io.shawarma.fabric.grid;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.InputFiles;
import io.shawarma.messaging.Transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.shawarma.fabric.grid.GridConfiguration.*;

/**
 * {@code shawarma status} prints the grid's membership, slots per worker, load and task counts;
 * {@code shawarma submit dag.json [--timeout SECONDS]} submits a DAG, prints each task's state changes and waits
 * for it to finish (exit 0 when every task is done, 1 when a task failed, 2 when refused or on a usage error, 3
 * when it did not finish in time).
 */
public final class GridCli
{
    private static final long RESYNC_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private GridCli()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h"))
        {
            usage();
            System.exit(args.length == 0 ? 2 : 0);
        }
        final String command = args[0];
        Configuration.loadOrExit(command, null);
        if ("status".equals(command) && args.length == 1)
        {
            System.exit(Configuration.startOrExit(command, GridCli::status));
        }
        if ("submit".equals(command) && (args.length == 2 || (args.length == 4 && "--timeout".equals(args[2]))))
        {
            final long timeoutSeconds = args.length == 4 ? Long.parseLong(args[3]) : 300;
            System.exit(Configuration.startOrExit(command, () -> submit(Path.of(args[1]), timeoutSeconds)));
        }
        usage();
        System.exit(2);
    }

    private static void usage()
    {
        System.out.println("usage: shawarma status | shawarma submit dag.json [--timeout SECONDS] " +
            "[-Dshawarma.grid.port.base=P -Dshawarma.grid.members=N]");
    }

    private static int status()
    {
        final StatusWatch status = new StatusWatch();
        try (Transport transport = transport(); GridClient client = connect(transport, status))
        {
            if (!status.query(client, TimeUnit.SECONDS.toNanos(10)))
            {
                System.err.println("shawarma status: no answer from the cluster");
                return 3;
            }
            System.out.print("cluster: leader member " + client.leaderMemberId() + ", " + status.text());
            return 0;
        }
    }

    private static int submit(final Path file, final long timeoutSeconds)
    {
        final String problem = InputFiles.problem("DAG file", file);
        if (null != problem)
        {
            System.err.println("shawarma submit: " + problem + ": give a DAG in JSON (see README.md, the grid)");
            return 2;
        }
        final String json;
        try
        {
            // Refused before it is read or a cluster is asked: one submission is one cluster message.
            final String refusal = GridClient.dagSizeRefusal(file.toString(), Files.size(file));
            if (null != refusal)
            {
                System.err.println("shawarma submit: refused: " + refusal);
                return 2;
            }
            json = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            System.err.println("shawarma submit: " + InputFiles.describe("DAG file", file, ex));
            return 2;
        }
        // State changes come in the same message as the acceptance: they are printed after its line.
        final List<String> early = new ArrayList<>();
        final boolean[] accepted = { false };
        final DagWatch watch = new DagWatch((line) ->
        {
            if (accepted[0])
            {
                System.out.println(line);
            }
            else
            {
                early.add(line);
            }
        });
        try (Transport transport = transport(); GridClient client = connect(transport, watch))
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            final long dagId = watch.submit(client, json, deadlineNs);
            if (0 == dagId)
            {
                System.err.println("shawarma submit: refused: " + watch.refusal());
                return 2;
            }
            System.out.println("dag " + dagId + " accepted: " + watch.taskCount() + " tasks");
            accepted[0] = true;
            early.forEach(System.out::println);
            if (!watch.awaitFinished(client, deadlineNs, RESYNC_INTERVAL_NS))
            {
                System.err.println("shawarma submit: dag " + dagId + " did not finish in " + timeoutSeconds + " s");
                return 3;
            }
            System.out.println("dag " + dagId + (watch.isSucceeded() ? " done" : " failed"));
            return watch.isSucceeded() ? 0 : 1;
        }
    }

    private static Transport transport()
    {
        return Transport.embedded("grid-cli", "backoff", 1024 * 1024, Throwable::printStackTrace);
    }

    private static GridClient connect(final Transport transport, final GridListener listener)
    {
        return GridClient.connect(transport.aeronDirectoryName(),
            Configuration.string(HOST_PROP, HOST_DEFAULT),
            Configuration.integer(PORT_BASE_PROP, PORT_BASE_DEFAULT),
            Configuration.integer(MEMBERS_PROP, MEMBERS_DEFAULT),
            Configuration.MAX_WORKER_ID + (int)(ProcessHandle.current().pid() % 1_000_000), listener, "backoff");
    }
}
