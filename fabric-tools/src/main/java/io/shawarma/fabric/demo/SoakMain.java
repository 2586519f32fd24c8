package io.shawarma.fabric.demo;

import io.aeron.CommonContext;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code scripts/shawarma soak}: worker processes on loopback UDP, authenticated with a fresh shared secret, under
 * mixed load from several clients (adds at the owner and through other workers, which forward or borrow the vertex as
 * their cost model decides, puts, reads checked as they come) while one worker is frozen for a while (SIGSTOP, then
 * SIGCONT). Each client writes only its own vertices and keeps a {@link SoakLedger}; at the end a checker reads every
 * vertex and proves that no acknowledged update was lost and none was applied twice. Alongside, graph workers run
 * PageRank again and again ({@link SoakGraphRounds}), each run checked against the reference algorithm. Exit 0 when the
 * checker passes, 1 when it does not, 2 on bad options.
 */
public final class SoakMain
{
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final int COUNTERS_PER_CLIENT = 64;
    private static final int REGISTERS_PER_CLIENT = 64;
    private static final long CLIENT_ID_SPACE = 1L << 32;
    private static final long WORKER_CALL_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long CLIENT_CALL_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int FINAL_READ_TRIES = 20;
    private static final int ANSWER_BYTES = 1024;
    private static final String[] OPERATIONS = {"add at owner", "add forwarded", "put", "get (checked)"};
    private static final int ADD_AT_OWNER = 0;
    private static final int ADD_FORWARDED = 1;
    private static final int PUT = 2;
    private static final int GET = 3;

    private final int seconds;
    private final int workerCount;
    private final int clientCount;
    private final boolean stall;
    private final boolean verbose;
    private final PrintStream out = System.out;
    private final AtomicLongArray outcomes = new AtomicLongArray(OPERATIONS.length * Status.values().length);
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final NanoClock clock;
    private final SoakGraphRounds graphRounds;

    private SoakMain(
        final int seconds, final int workerCount, final int clientCount, final boolean stall, final boolean verbose,
        final NanoClock clock)
    {
        this.clock = clock;
        this.graphRounds = new SoakGraphRounds(clock);
        this.seconds = seconds;
        this.workerCount = workerCount;
        this.clientCount = clientCount;
        this.stall = stall;
        this.verbose = verbose;
    }

    public static void main(final String[] args)
    {
        final Map<String, Integer> numbers =
            new LinkedHashMap<>(Map.of("--seconds", 30, "--workers", 3, "--clients", 2));
        boolean stall = true;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if ("--help".equals(arg) || "-h".equals(arg))
            {
                usage(System.out);
                System.exit(0);
            }
            else if ("--no-stall".equals(arg))
            {
                stall = false;
            }
            else if ("--verbose".equals(arg))
            {
                verbose = true;
            }
            else if (numbers.containsKey(arg) && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,5}"))
            {
                numbers.put(arg, Integer.parseInt(args[++i]));
            }
            else
            {
                System.err.println("shawarma soak: bad option '" + arg + "'" +
                    (numbers.containsKey(arg) ? " (needs a positive whole number)" : ""));
                usage(System.err);
                System.exit(2);
            }
        }
        Configuration.loadOrExit("soak", null);
        final int workers = numbers.get("--workers");
        if (workers < 2 || workers > 9)
        {
            System.err.println("shawarma soak: --workers must be 2..9 (forwarded calls need a second worker)");
            System.exit(2);
        }
        System.exit(new SoakMain(numbers.get("--seconds"), workers, numbers.get("--clients"), stall, verbose,
            SystemNanoClock.INSTANCE).run());
    }

    private static void usage(final PrintStream out)
    {
        out.println("usage: scripts/shawarma soak [--seconds N] [--workers N] [--clients N] [--no-stall] [--verbose]");
        out.println("  mixed load on an authenticated fabric of worker processes (loopback UDP; calls through other");
        out.println("  workers are forwarded or borrowed by the cost model: " +
            "-Dshawarma.scheduler.policy=borrow|forward");
        out.println("  to force one), then a checker that proves no acknowledged update was lost and none was applied");
        out.println("  twice. Alongside, two graph workers run PageRank over and over, each run checked against the");
        out.println("  reference algorithm.");
        out.println("  --seconds N   how long the load runs (default 30)");
        out.println("  --workers N   worker processes, 2..9 (default 3)");
        out.println("  --clients N   client threads, each with its own vertices (default 2)");
        out.println("  --no-stall    do not freeze a worker (SIGSTOP) for a while in the middle of the run");
        out.println("  --verbose     show every line the workers print");
        out.println("  exit status: 0 checker passed, 1 it found a violation (printed), 2 bad options");
    }

    private int run()
    {
        final File aeronDirBase = new File(CommonContext.getAeronDirectoryName() + "-soak-" +
            ProcessHandle.current().pid());
        System.setProperty(CommonContext.AERON_DIR_PROP_NAME, aeronDirBase.getPath());
        final Path secretFile = newSecretFile();
        final int[] workerIds = new int[workerCount];
        for (int i = 0; i < workerCount; i++)
        {
            workerIds[i] = i + 1;
        }
        final Map<String, String> properties = new LinkedHashMap<>();
        properties.put(Configuration.IDLE_PROP, System.getProperty(Configuration.IDLE_PROP, "backoff"));
        properties.put(Configuration.CALL_TIMEOUT_MS_PROP,
            Long.toString(TimeUnit.NANOSECONDS.toMillis(WORKER_CALL_TIMEOUT_NS)));
        properties.put(Configuration.STORE_ENTRIES_PROP, Integer.toString(64 * 1024));
        properties.put(Configuration.SECRET_FILE_PROP, secretFile.toString());
        // Forwarded calls go through the cost model, so the soak borrows vertices too.
        properties.put(Configuration.SCHEDULER_POLICY_PROP,
            System.getProperty(Configuration.SCHEDULER_POLICY_PROP, "model"));
        final WorkerProcesses workers = new WorkerProcesses(workerIds, aeronDirBase.getPath(), properties, verbose, out,
            clock);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            workers.close();
            workers.removeMatching(aeronDirBase.getParentFile(), aeronDirBase.getName() + "-shawarma-");
            deleteQuietly(secretFile);
        }, "shawarma-soak-clean-up"));

        try
        {
            out.println("starting " + workerCount + " authenticated workers on loopback UDP: " + workers.fabric());
            workers.start(READY_TIMEOUT_NS);
            final long loadNs = TimeUnit.SECONDS.toNanos(seconds);
            out.printf("running %d clients for %d s%s%n", clientCount, seconds,
                stall ? ", freezing worker 2 for a while in the middle" : "");
            final List<Thread> clients = new ArrayList<>();
            final long deadlineNs = clock.nanoTime() + loadNs;
            for (int c = 0; c < clientCount; c++)
            {
                final int clientIndex = c;
                final Thread client = new Thread(
                    () -> runClient(clientIndex, workers.fabric(), secretFile, deadlineNs), "soak-client-" + c);
                clients.add(client);
                client.start();
            }
            final Thread graph = new Thread(() -> graphRounds.run(deadlineNs, problems), "soak-graph-rounds");
            graph.start();
            if (stall)
            {
                freezeOnce(workers, loadNs);
            }
            for (final Thread client : clients)
            {
                client.join();
            }
            graph.join();
            out.println(graphRounds.summary());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            problems.add("interrupted");
        }
        catch (final RuntimeException ex)
        {
            problems.add("soak stopped: " + ex);
            workers.printOutput(out);
        }
        finally
        {
            workers.close();
            workers.removeMatching(aeronDirBase.getParentFile(), aeronDirBase.getName() + "-shawarma-");
            deleteQuietly(secretFile);
        }
        return report();
    }

    private void runClient(final int clientIndex, final String fabric, final Path secretFile, final long deadlineNs)
    {
        final long base = (clientIndex + 1) * CLIENT_ID_SPACE;
        final SoakLedger ledger = new SoakLedger(base, COUNTERS_PER_CLIENT, base + COUNTERS_PER_CLIENT,
            REGISTERS_PER_CLIENT);
        final SplittableRandom random = new SplittableRandom(7301 + clientIndex);
        // Room for an error text too: a refused call answers with one.
        final UnsafeBuffer value = new UnsafeBuffer(new byte[ANSWER_BYTES]);
        final UnsafeBuffer result = new UnsafeBuffer(new byte[ANSWER_BYTES]);
        final UnsafeBuffer one = new UnsafeBuffer(new byte[Long.BYTES]);
        one.putLong(0, 1, LITTLE_ENDIAN);
        try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(fabric)
            .secretFile(secretFile.toString()).callTimeoutNs(CLIENT_CALL_TIMEOUT_NS).connectTimeoutNs(READY_TIMEOUT_NS)
            .idleStrategy(System.getProperty(Configuration.IDLE_PROP, "backoff"))))
        {
            for (int i = 0; i < ledger.counters(); i++)
            {
                putUntilAcknowledged(client, ledger.counterId(i), 0, value);
            }
            for (int i = 0; i < ledger.registers(); i++)
            {
                putUntilAcknowledged(client, ledger.registerId(i), 0, value);
                ledger.onPut(i, 0, Status.OK);
            }
            long nextValue = 1;
            while (clock.nanoTime() - deadlineNs < 0)
            {
                final int dice = random.nextInt(100);
                if (dice < 50)
                {
                    final int counter = random.nextInt(ledger.counters());
                    final boolean forwarded = dice >= 25;
                    final Status status = forwarded ?
                        client.invokeVia(1 + random.nextInt(workerCount), ledger.counterId(counter), ADD, one, 0,
                        Long.BYTES, result) :
                        client.invoke(ledger.counterId(counter), ADD, one, 0, Long.BYTES, result);
                    ledger.onAdd(counter, status);
                    count(forwarded ? ADD_FORWARDED : ADD_AT_OWNER, status);
                }
                else if (dice < 80)
                {
                    final int register = random.nextInt(ledger.registers());
                    value.putLong(0, nextValue, LITTLE_ENDIAN);
                    final Status status = client.put(ledger.registerId(register), value, 0, Long.BYTES);
                    ledger.onPut(register, nextValue++, status);
                    count(PUT, status);
                }
                else
                {
                    final int counter = random.nextInt(ledger.counters());
                    final Status status = client.get(ledger.counterId(counter), value);
                    count(GET, status);
                    final String problem = Status.OK == status ?
                        ledger.checkCounterRead(counter, value.getLong(0, LITTLE_ENDIAN)) : null;
                    if (null != problem)
                    {
                        problems.add(problem);
                    }
                }
            }
            check(client, ledger, value);
        }
        catch (final RuntimeException ex)
        {
            problems.add("client " + clientIndex + " stopped: " + ex);
        }
    }

    private void check(final FabricClient client, final SoakLedger ledger, final UnsafeBuffer value)
    {
        final long[] counters = new long[ledger.counters()];
        for (int i = 0; i < counters.length; i++)
        {
            counters[i] = readUntilAnswered(client, ledger.counterId(i), value);
        }
        final long[] registers = new long[ledger.registers()];
        for (int i = 0; i < registers.length; i++)
        {
            registers[i] = readUntilAnswered(client, ledger.registerId(i), value);
        }
        final List<String> found = new ArrayList<>();
        ledger.check(counters, registers, found);
        problems.addAll(found);
        synchronized (out)
        {
            out.printf("client checked %d counters (%,d acknowledged adds) and %d registers: %s%n",
                counters.length, ledger.acknowledgedAdds(), registers.length,
                found.isEmpty() ? "consistent" : found.size() + " violations");
        }
    }

    private void freezeOnce(final WorkerProcesses workers, final long loadNs) throws InterruptedException
    {
        final long frozenNs = Math.min(TimeUnit.SECONDS.toNanos(2), loadNs / 5);
        TimeUnit.NANOSECONDS.sleep(loadNs / 3);
        out.printf("freezing worker 2 (SIGSTOP) for %d ms%n", TimeUnit.NANOSECONDS.toMillis(frozenNs));
        workers.suspend(2);
        try
        {
            TimeUnit.NANOSECONDS.sleep(frozenNs);
        }
        finally
        {
            workers.resume(2);
            out.println("worker 2 resumed (SIGCONT)");
        }
    }

    private static void putUntilAcknowledged(
        final FabricClient client, final long vertexId, final long initial, final UnsafeBuffer value)
    {
        value.putLong(0, initial, LITTLE_ENDIAN);
        for (int tries = 1; Status.OK != client.put(vertexId, value, 0, Long.BYTES); tries++)
        {
            if (tries == FINAL_READ_TRIES)
            {
                throw new IllegalStateException("put of vertex " + vertexId + " never acknowledged");
            }
        }
    }

    private static long readUntilAnswered(final FabricClient client, final long vertexId, final UnsafeBuffer value)
    {
        for (int tries = 1; Status.OK != client.get(vertexId, value); tries++)
        {
            if (tries == FINAL_READ_TRIES)
            {
                throw new IllegalStateException("vertex " + vertexId + " could not be read at the end");
            }
        }
        return value.getLong(0, LITTLE_ENDIAN);
    }

    private void count(final int operation, final Status status)
    {
        outcomes.incrementAndGet(operation * Status.values().length + status.code());
    }

    private int report()
    {
        long total = 0;
        out.println();
        out.printf("%-16s %s%n", "operation", "outcomes");
        for (int op = 0; op < OPERATIONS.length; op++)
        {
            final StringBuilder line = new StringBuilder();
            for (final Status status : Status.values())
            {
                final long n = outcomes.get(op * Status.values().length + status.code());
                total += n;
                if (n > 0)
                {
                    line.append(' ').append(status.name()).append('=').append(n);
                }
            }
            out.printf("%-16s%s%n", OPERATIONS[op], line);
        }
        out.printf("%,d operations in %d s (%,.0f/s)%n", total, seconds, total / (double)seconds);
        if (problems.isEmpty())
        {
            out.println("checker: PASS: no acknowledged update lost, none applied twice, every graph run right");
            return 0;
        }
        out.println("checker: FAIL (" + problems.size() + " problems):");
        problems.stream().limit(20).forEach((problem) -> out.println("  " + problem));
        return 1;
    }

    private static Path newSecretFile()
    {
        try
        {
            final Path file = Files.createTempFile("shawarma-soak-", ".secret",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            final byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Files.write(file, Base64.getEncoder().encode(secret));
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the soak's secret file", ex);
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // A temp file: the OS cleans it eventually.
        }
    }
}
