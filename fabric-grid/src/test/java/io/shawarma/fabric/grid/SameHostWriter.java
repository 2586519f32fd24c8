package io.shawarma.fabric.grid;

import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.udf.AddUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The process {@link GridPartitionIT} runs on the same host as one grid worker (in its network namespace): it
 * increments counters at that worker only, never following MOVED to another, round after round until a stop file
 * appears. Then it writes what each counter's increments came to ({@link Counts}) to a results file and prints
 * {@link #DONE}. A partition that cuts the worker off from the rest of the grid leaves it reachable from here.
 * <p>
 * Arguments: worker id, the worker's channel, this writer's reply channel, the counters' vertex ids
 * (comma-separated), the stop file, the results file.
 */
public final class SameHostWriter
{
    /** Printed once the first increment was acknowledged: the writer is under way. */
    static final String READY = "same-host writer: first increment acknowledged";
    /** Printed once the results file is written. */
    static final String DONE = "same-host writer: done";

    private static final int CLIENT_ID = 3_300_000;
    private static final int ADD = Udf.idOf(AddUdf.NAME);
    private static final long CALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    /** After a refusal the worker is asked again a little later, not at once: the machine has two cores. */
    private static final long REFUSED_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final String LEASE_TEXT = "lease";

    private SameHostWriter()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (6 != args.length)
        {
            System.err.println("usage: SameHostWriter workerId workerChannel replyChannel vertex,vertex,... " +
                "stopFile resultsFile");
            System.exit(2);
        }
        final int workerId = Integer.parseInt(args[0]);
        final long[] vertices = Arrays.stream(args[3].split(",")).mapToLong(Long::parseLong).toArray();
        final Path stopFile = Path.of(args[4]);
        final Counts counts = new Counts(vertices.length);
        try (FabricClient client = FabricClient.connect(new FabricClient.Context().clientId(CLIENT_ID)
            .fabric(workerId + "@" + args[1]).channel(args[2]).callTimeoutNs(CALL_TIMEOUT_NS)
            .idleStrategy("sleeping").secretFile(null)))
        {
            write(client, workerId, vertices, stopFile, counts);
        }
        final Path results = Path.of(args[5]);
        final Path written = results.resolveSibling(results.getFileName() + ".tmp");
        Files.writeString(written, counts.toText(vertices), StandardCharsets.US_ASCII);
        Files.move(written, results, StandardCopyOption.ATOMIC_MOVE);
        System.out.println(DONE);
        System.out.flush();
    }

    private static void write(
        final FabricClient client, final int workerId, final long[] vertices, final Path stopFile, final Counts counts)
    {
        final UnsafeBuffer one = new UnsafeBuffer(new byte[Long.BYTES]);
        one.putLong(0, 1, LITTLE_ENDIAN);
        final ExpandableArrayBuffer result = new ExpandableArrayBuffer(256);
        boolean ready = false;
        while (!Files.exists(stopFile))
        {
            for (int i = 0; i < vertices.length; i++)
            {
                final Status status = client.invokeAt(workerId, vertices[i], ADD, one, 0, Long.BYTES, result);
                if (Status.OK == status)
                {
                    counts.acknowledged[i]++;
                    if (!ready)
                    {
                        ready = true;
                        System.out.println(READY);
                        System.out.flush();
                    }
                }
                else if (Status.TIMEOUT == status)
                {
                    counts.unanswered[i]++;
                }
                else if (Status.BACK_PRESSURED == status || Status.MOVED == status ||
                    Status.OWNER_UNREACHABLE == status)
                {
                    // Not applied where it counts: refused before it was applied, or applied only on a copy the
                    // slot's new owner replaced.
                    counts.refused[i]++;
                    final String text = result.getStringWithoutLengthAscii(0,
                        Math.min(client.resultLength(), result.capacity()));
                    counts.leaseRefusals += Status.BACK_PRESSURED == status && text.contains(LEASE_TEXT) ? 1 : 0;
                    LockSupport.parkNanos(REFUSED_PAUSE_NS);
                }
                else
                {
                    counts.unexpected++;
                    System.out.println("same-host writer: increment of " + vertices[i] + " answered " + status);
                }
            }
        }
    }

    /**
     * What a writer's increments came to, per counter, and in all.
     */
    static final class Counts
    {
        private static final String LEASE_REFUSALS = "lease-refusals";
        private static final String UNEXPECTED = "unexpected";

        final long[] acknowledged;
        final long[] unanswered;
        final long[] refused;
        long leaseRefusals;
        long unexpected;

        Counts(final int counters)
        {
            acknowledged = new long[counters];
            unanswered = new long[counters];
            refused = new long[counters];
        }

        /**
         * @return one line per counter, {@code vertex acknowledged unanswered refused}, then the totals' lines.
         */
        String toText(final long[] vertices)
        {
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < vertices.length; i++)
            {
                text.append(vertices[i]).append(' ').append(acknowledged[i]).append(' ').append(unanswered[i])
                    .append(' ').append(refused[i]).append('\n');
            }
            return text.append(LEASE_REFUSALS).append(' ').append(leaseRefusals).append('\n')
                .append(UNEXPECTED).append(' ').append(unexpected).append('\n').toString();
        }

        /**
         * @return the counts {@link #toText} wrote, in the order of {@code vertices}.
         * @throws IllegalStateException when a counter is missing or a line is malformed.
         */
        static Counts parse(final String text, final long[] vertices)
        {
            final Counts counts = new Counts(vertices.length);
            final boolean[] seen = new boolean[vertices.length];
            for (final String line : text.split("\n"))
            {
                final String[] words = line.trim().split(" ");
                if (LEASE_REFUSALS.equals(words[0]))
                {
                    counts.leaseRefusals = Long.parseLong(words[1]);
                }
                else if (UNEXPECTED.equals(words[0]))
                {
                    counts.unexpected = Long.parseLong(words[1]);
                }
                else if (4 == words.length)
                {
                    final int i = indexOf(vertices, Long.parseLong(words[0]));
                    counts.acknowledged[i] = Long.parseLong(words[1]);
                    counts.unanswered[i] = Long.parseLong(words[2]);
                    counts.refused[i] = Long.parseLong(words[3]);
                    seen[i] = true;
                }
                else if (!line.isBlank())
                {
                    throw new IllegalStateException("malformed line in the writer's results: " + line);
                }
            }
            for (int i = 0; i < seen.length; i++)
            {
                if (!seen[i])
                {
                    throw new IllegalStateException("the writer's results miss counter " + vertices[i]);
                }
            }
            return counts;
        }

        private static int indexOf(final long[] vertices, final long vertex)
        {
            for (int i = 0; i < vertices.length; i++)
            {
                if (vertices[i] == vertex)
                {
                    return i;
                }
            }
            throw new IllegalStateException("the writer's results name counter " + vertex + ", not one it was given");
        }
    }
}
