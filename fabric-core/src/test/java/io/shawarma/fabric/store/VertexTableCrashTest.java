package io.shawarma.fabric.store;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.shawarma.fabric.Tests;
import io.shawarma.fabric.process.ChildJvm;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills a process writing a file-backed {@link VertexTable} with SIGKILL at a random moment, over and over on the same
 * file, and checks after each kill that the file opens whole (refusing damage: nothing to accept as lost), that no
 * value is torn and that every vertex holds its last acknowledged write, or the one write in flight at the kill, never
 * an older one. The runs take turns at the {@link StoreSync} modes. {@code faults.iterations} (the {@code faults}
 * profile) sets how many kills.
 */
class VertexTableCrashTest
{
    private static final int ITERATIONS = Integer.getInteger("faults.iterations", 10);
    private static final int MAX_KILL_DELAY_MS = 300;
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long EXIT_TIMEOUT_MS = 10_000;

    @TempDir
    File tempDir;

    @Test
    void shouldKeepEveryAcknowledgedWriteWholeAcrossKill9() throws IOException, InterruptedException
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final File file = new File(tempDir, "vertices.dat");
        Map<Long, byte[]> state = new HashMap<>();
        long totalAcks = 0;
        int inFlightKept = 0;

        for (int run = 0; run < ITERATIONS; run++)
        {
            final long runSeed = random.nextLong();
            final StoreSync sync = StoreSync.values()[run % StoreSync.values().length];
            final String context = "run " + run + " (sync " + sync + ", test seed " + seed + ", run seed " + runSeed +
                ")";
            final long acks = runAndKill(file, runSeed, run, sync, random.nextInt(MAX_KILL_DELAY_MS), context);
            totalAcks += acks;

            final Map<Long, byte[]> stored = readWholeValues(file, context);
            final Map<Long, byte[]> afterAcks = apply(state, runSeed, run, acks);
            final Map<Long, byte[]> afterInFlight = apply(afterAcks, runSeed, run, acks, 1);
            for (final long vertexId : union(stored.keySet(), afterAcks.keySet(), afterInFlight.keySet()))
            {
                final byte[] value = stored.get(vertexId);
                if (!Arrays.equals(afterAcks.get(vertexId), value) &&
                    !Arrays.equals(afterInFlight.get(vertexId), value))
                {
                    fail("vertex " + vertexId + " after " + acks + " acknowledged writes in " + context + ": " +
                        "holds neither its last acknowledged value nor the one in flight (" + describe(value) + ")");
                }
            }
            if (!sameValues(stored, afterAcks))
            {
                inFlightKept++;
            }
            state = stored;
        }
        System.out.printf("VertexTableCrashTest: %d kills, %d acknowledged writes, the write in flight kept in %d%n",
            ITERATIONS, totalAcks, inFlightKept);
        assertTrue(totalAcks > 0, "the child acknowledged no write in " + ITERATIONS + " runs");
    }

    private long runAndKill(final File file, final long runSeed, final int run, final StoreSync sync,
        final int killDelayMs, final String context) throws IOException, InterruptedException
    {
        // The child's output goes to a file: bytes a killed process left unread in a pipe can be lost by the JDK's
        // reaper thread, while a file keeps every line the child wrote before the kill.
        final File output = new File(tempDir, "child-" + run + ".out");
        final Process child = new ProcessBuilder(ChildJvm.command(List.of(), VertexTableCrashChild.class.getName(),
            Map.of(), List.of(file.getPath(), Long.toString(runSeed), Integer.toString(run), sync.name())))
            .redirectErrorStream(true)
            .redirectOutput(output)
            .start();
        try
        {
            Tests.await(
                () -> !child.isAlive() || read(output).startsWith(VertexTableCrashChild.READY),
                READY_TIMEOUT_NS, () -> "child ready in " + context + ":\n" + read(output));
            assertTrue(child.isAlive(), "the child exited before it was ready in " + context + ":\n" + read(output));
            // A random moment in the write loop, not a wait for something: the kill must land anywhere.
            Thread.sleep(killDelayMs);
            assertTrue(child.isAlive(), "the child ended before the kill in " + context + ":\n" + read(output));
        }
        finally
        {
            // SIGKILL on Linux: no shutdown hook, no close.
            child.destroyForcibly();
            assertTrue(child.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS), "child still alive in " + context);
        }
        return countAcks(read(output), context);
    }

    private static String read(final File file)
    {
        try
        {
            return Files.readString(file.toPath(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return how many operations the child acknowledged, checking they came in order from 0.
     */
    private static long countAcks(final String output, final String context)
    {
        long acks = 0;
        for (final String line : output.split("\n"))
        {
            if (line.startsWith(VertexTableCrashChild.ACK_PREFIX) && line.endsWith(VertexTableCrashChild.ACK_SUFFIX))
            {
                final long sequence = Long.parseLong(line.substring(
                    VertexTableCrashChild.ACK_PREFIX.length(),
                    line.length() - VertexTableCrashChild.ACK_SUFFIX.length()));
                assertEquals(acks, sequence, "acknowledgements out of order in " + context);
                acks++;
            }
        }
        return acks;
    }

    private static Map<Long, byte[]> readWholeValues(final File file, final String context)
    {
        final Map<Long, byte[]> stored = new HashMap<>();
        try (VertexTable table = new VertexTable(16, 64, VertexTableCrashChild.MAX_VALUE_BYTES, file))
        {
            assertNull(table.lossAtOpen(), context);
            table.forEach((vertexId, value, length) ->
            {
                assertNull(VertexTableCrashChild.checkWhole(vertexId, value, length),
                    "torn value of vertex " + vertexId + " in " + context);
                final byte[] bytes = new byte[length];
                value.getBytes(0, bytes);
                stored.put(vertexId, bytes);
            });
        }
        return stored;
    }

    private static Map<Long, byte[]> apply(
        final Map<Long, byte[]> state, final long runSeed, final int run, final long operations)
    {
        return apply(state, runSeed, run, 0, operations);
    }

    /**
     * @return the state after operations [from, from + count) of a run's sequence, applied to {@code state}.
     */
    private static Map<Long, byte[]> apply(
        final Map<Long, byte[]> state, final long runSeed, final int run, final long from, final long count)
    {
        final Map<Long, byte[]> result = new HashMap<>(state);
        final Random random = new Random(runSeed);
        final VertexTableCrashChild.Op op = new VertexTableCrashChild.Op();
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VertexTableCrashChild.MAX_VALUE_BYTES]);
        for (long sequence = 0; sequence < from + count; sequence++)
        {
            op.next(random);
            if (sequence < from)
            {
                continue;
            }
            if (op.remove)
            {
                result.remove(op.vertexId);
            }
            else
            {
                VertexTableCrashChild.encode(value, op.vertexId, run, sequence, op.length);
                final byte[] bytes = new byte[op.length];
                value.getBytes(0, bytes);
                result.put(op.vertexId, bytes);
            }
        }
        return result;
    }

    private static boolean sameValues(final Map<Long, byte[]> one, final Map<Long, byte[]> other)
    {
        if (one.size() != other.size())
        {
            return false;
        }
        for (final Map.Entry<Long, byte[]> entry : one.entrySet())
        {
            if (!Arrays.equals(entry.getValue(), other.get(entry.getKey())))
            {
                return false;
            }
        }
        return true;
    }

    @SafeVarargs
    private static Set<Long> union(final Set<Long>... sets)
    {
        final Set<Long> union = new HashSet<>();
        for (final Set<Long> set : sets)
        {
            union.addAll(set);
        }
        return union;
    }

    private static String describe(final byte[] value)
    {
        if (null == value)
        {
            return "absent";
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(value);
        return value.length + " bytes of run " + buffer.getInt(8) + ", write " + buffer.getLong(12);
    }
}
