package io.shawarma.fabric.wasm;

import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The command line of a running fabric, for trying UDFs without writing Java: {@code deploy}, {@code undeploy} and
 * {@code udfs} of WebAssembly UDFs on every worker, and {@code call}, {@code put} and {@code get} of one vertex
 * ({@code scripts/shawarma <command> --help}). Each connects a {@link FabricClient} with the {@code -D} properties
 * ({@code shawarma.secret.file} and the like), prints one answer per worker or the call's status and result, and exits
 * 0 only when every answer is OK; a bad command line is one line and exit 2, an unreachable fabric exit 1.
 */
public final class FabricCli
{
    static final Map<String, String> USAGE = Map.of(
        "deploy", "deploy --fabric SPEC --name NAME FILE.wasm\n" +
        "  sends the module to every worker; prints each worker's answer (deployed, or why it refused)",
        "undeploy", "undeploy --fabric SPEC --name NAME\n" +
        "  removes the deployed UDF from every worker; calls to it are then answered NO_SUCH_UDF",
        "udfs", "udfs --fabric SPEC\n" +
        "  lists each worker's UDFs: built-in ones, and deployed ones with their sha256",
        "call", "call --fabric SPEC --vertex ID --udf NAME [--args-hex HEX | --args-i64 N | --args-f64 X] " +
        "[--as hex|i64|f64|utf8]\n" +
        "  runs a UDF on a vertex at its owner; prints the status and the result (default --as hex)",
        "put", "put --fabric SPEC --vertex ID (--hex HEX | --i64 N | --f64 X)\n" +
        "  creates or replaces a vertex's value at its owner",
        "get", "get --fabric SPEC --vertex ID [--as hex|i64|f64|utf8]\n" +
        "  prints a vertex's value (default --as hex)");

    private static final String COMMON = "SPEC is the fabric's workers, id@channel,... (shawarma.fabric.members), " +
        "e.g. 1@aeron:udp?endpoint=localhost:20121,2@aeron:udp?endpoint=localhost:20122\n" +
        "-D properties such as -Dshawarma.secret.file=FILE apply; exit 0 only when every answer is OK";

    private FabricCli()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length == 0 || !USAGE.containsKey(args[0]))
        {
            System.err.println("usage: shawarma deploy|undeploy|udfs|call|put|get --help");
            System.exit(2);
        }
        final String command = args[0];
        final CliOptions options;
        try
        {
            options = CliOptions.parse(args, 1);
        }
        catch (final IllegalArgumentException ex)
        {
            System.exit(exit(command, ex.getMessage(), 2));
            return;
        }
        if (options.help())
        {
            System.out.println("usage: shawarma " + USAGE.get(command));
            System.out.println(COMMON);
            System.exit(0);
        }
        Configuration.loadOrExit(command, null);
        System.exit(run(command, options));
    }

    /**
     * Runs one command.
     *
     * @return the exit status: 0 when every answer was OK, 1 when one was not or the fabric could not be reached, 2
     * for a bad command line.
     */
    static int run(final String command, final CliOptions options)
    {
        final FabricClient.Context context = new FabricClient.Context().partialConnect(true);
        final Prepared prepared;
        try
        {
            final String fabric = options.value("--fabric", Configuration.string(Configuration.FABRIC_PROP, null));
            if (null == fabric)
            {
                throw new IllegalArgumentException("--fabric SPEC is required (the workers, id@channel,...)");
            }
            context.fabric(fabric);
            prepared = prepare(command, options);
        }
        catch (final IllegalArgumentException ex)
        {
            return exit(command, ex.getMessage(), 2);
        }

        try (FabricClient client = FabricClient.connect(context))
        {
            return prepared.run(client);
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            return exit(command, ex.getMessage(), 1);
        }
    }

    @FunctionalInterface
    private interface Prepared
    {
        int run(FabricClient client);
    }

    /**
     * Reads the command's options before anything connects, so a bad line costs no media driver.
     */
    private static Prepared prepare(final String command, final CliOptions options)
    {
        switch (command)
        {
            case "deploy":
            {
                final String name = name(options);
                final byte[] module = readModule(options.single("FILE.wasm"));
                options.checkUsed();
                return (client) -> onEveryWorker(client, (deployer, id) -> deployer.deploy(id, name, module));
            }
            case "undeploy":
            {
                final String name = options.required("--name");
                options.checkUsed();
                return (client) -> onEveryWorker(client, (deployer, workerId) -> deployer.undeploy(workerId, name));
            }
            case "udfs":
                options.checkUsed();
                return (client) -> onEveryWorker(client, Deployer::list);
            case "call":
            {
                final long vertexId = options.vertex();
                final int udfId = Udf.idOf(options.required("--udf"));
                final byte[] callArgs = options.bytes("--args-hex", "--args-i64", "--args-f64", false);
                final String as = options.as();
                options.checkUsed();
                return (client) ->
                {
                    final UnsafeBuffer result = new UnsafeBuffer(new byte[client.context().maxPayloadBytes()]);
                    final Status status = client.invoke(vertexId, udfId, new UnsafeBuffer(callArgs), 0,
                        callArgs.length, result);
                    return print(status, client, result, as);
                };
            }
            case "put":
            {
                final long vertexId = options.vertex();
                final byte[] value = options.bytes("--hex", "--i64", "--f64", true);
                options.checkUsed();
                return (client) ->
                {
                    final Status status = client.put(vertexId, new UnsafeBuffer(value), 0, value.length);
                    return print(status, client, client.putResult(), "utf8");
                };
            }
            default:
            {
                final long vertexId = options.vertex();
                final String as = options.as();
                options.checkUsed();
                return (client) ->
                {
                    final UnsafeBuffer value = new UnsafeBuffer(new byte[client.context().maxPayloadBytes()]);
                    return print(client.get(vertexId, value), client, value, as);
                };
            }
        }
    }

    private static String name(final CliOptions options)
    {
        final String name = options.required("--name");
        final String refusal = DeployCommands.nameRefusal(name);
        if (null != refusal)
        {
            throw new IllegalArgumentException(refusal);
        }
        return name;
    }

    private static byte[] readModule(final String file)
    {
        try
        {
            return Files.readAllBytes(Path.of(file));
        }
        catch (final NoSuchFileException ex)
        {
            throw new IllegalArgumentException("no such file: " + file);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read " + file + ": " + ex.getMessage());
        }
    }

    @FunctionalInterface
    private interface WorkerCall
    {
        Status call(Deployer deployer, int workerId);
    }

    private static int onEveryWorker(final FabricClient client, final WorkerCall call)
    {
        final Deployer deployer = new Deployer(client);
        final FabricMembers members = client.context().members();
        final List<Integer> unreachable = client.unreachableWorkers();
        int failures = 0;
        for (int i = 0; i < members.size(); i++)
        {
            final int workerId = members.idAt(i);
            if (unreachable.contains(workerId))
            {
                System.out.println("worker " + workerId + ": OWNER_UNREACHABLE did not answer the connect");
                failures++;
                continue;
            }
            final Status status = call.call(deployer, workerId);
            final String answer = deployer.answer().stripTrailing();
            if (answer.indexOf('\n') >= 0)
            {
                System.out.println("worker " + workerId + ": " + status);
                System.out.println("  " + answer.replace("\n", "\n  "));
            }
            else
            {
                System.out.println("worker " + workerId + ": " + status + (answer.isEmpty() ? "" : " " + answer));
            }
            failures += Status.OK == status ? 0 : 1;
        }
        return 0 == failures ? 0 : 1;
    }

    private static int print(
        final Status status, final FabricClient client, final DirectBuffer result, final String as)
    {
        final int length = client.resultLength();
        if (Status.OK == status)
        {
            final String shown = ResultFormat.format(result, length, as);
            System.out.println(shown.isEmpty() ? "OK" : "OK " + shown);
            return 0;
        }
        final String text = result.getStringWithoutLengthUtf8(0, length);
        System.out.println(status + (text.isEmpty() ? "" : " " + text) +
            (Status.MOVED == status || Status.OWNER_UNREACHABLE == status ? " (worker " + client.lastOwnerId() + ")" :
            ""));
        return 1;
    }

    private static int exit(final String command, final String message, final int status)
    {
        System.err.println("shawarma " + command + ": " + message);
        return status;
    }
}
