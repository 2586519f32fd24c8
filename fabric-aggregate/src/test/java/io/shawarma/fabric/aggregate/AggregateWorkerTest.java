package io.shawarma.fabric.aggregate;

import io.aeron.ExclusivePublication;
import io.shawarma.codecs.AggregateExportsEncoder;
import io.shawarma.codecs.AggregateResultsEncoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.graph.EdgeList;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers as threads of this JVM sharing one media driver over IPC: synchronous rounds give exactly the results of
 * a single in-process engine with 1, 2 and 3 workers (as gathered at worker 1 over the links), asynchronous rounds
 * reach the same fixed point, and bad frames from the wire are counted and dropped without disturbing the run.
 */
class AggregateWorkerTest
{
    private static final long CONNECT_TIMEOUT_NS = 20_000_000_000L;
    private static final long[] SOURCES = {0, 57};
    private static Transport transport;
    private static int nextStreamBase = 7000;

    @BeforeAll
    static void start()
    {
        transport = Transport.embedded("aggregate-test", "backoff", 1 << 20, Throwable::printStackTrace);
    }

    @AfterAll
    static void stop()
    {
        transport.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void synchronousRoundsMatchOneEngineWhateverTheWorkers(final int workers) throws Exception
    {
        final EdgeList grid = GridNetwork.of(9, 7);
        for (final String name : BuiltinPrograms.NAMES)
        {
            final AggregateEngine reference = AggregateSemanticsTest.engine(grid, BuiltinPrograms.byName(name),
                SOURCES);
            final double[] expected = AggregateSemanticsTest.rounds(reference, 25);
            assertArrayEquals(expected, run(grid, workers, name, 25, true, (worker, streamBase) -> {}).values, name);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void exchangeSendsEachNeighbourItsOwnValueAcrossWorkers(final int workers) throws Exception
    {
        final EdgeList grid = GridNetwork.of(9, 7);
        final Run run = run(grid, workers, () -> ExchangeTest.PER_NEIGHBOUR, 5, true, (worker, streamBase) -> {},
            (worker) -> {});
        assertArrayEquals(ExchangeTest.perNeighbourSums(grid), run.values);
        assertArrayEquals(new long[workers], run.malformed);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void shareNbrAndRepThroughExchangeMatchTheirConstructsAcrossWorkers(final int workers) throws Exception
    {
        final EdgeList grid = GridNetwork.of(9, 7);
        final AggregateProgram[][] twins = {
            {new BuiltinPrograms.HopCountProgram(), ExchangeTest.XC_REP_NBR_HOPS},
            {new BuiltinPrograms.GradientProgram(), ExchangeTest.XC_REP_NBR_GRADIENT},
            {ExchangeTest.SHARE_HOPS, ExchangeTest.XC_SHARE_HOPS},
        };
        for (final AggregateProgram[] twin : twins)
        {
            final double[] expected = AggregateSemanticsTest.rounds(AggregateSemanticsTest.engine(grid, twin[0],
                SOURCES), 13);
            assertArrayEquals(expected, run(grid, workers, () -> twin[1], 13, true, (worker, streamBase) -> {},
                (worker) -> {}).values);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hopcount", "xc-collect"})
    void asynchronousRoundsReachTheSameFixedPoint(final String program) throws Exception
    {
        final EdgeList grid = GridNetwork.of(9, 7);
        final double[] expected = AggregateSemanticsTest.rounds(AggregateSemanticsTest.engine(grid,
            BuiltinPrograms.byName(program), SOURCES), 60);
        assertArrayEquals(expected, run(grid, 2, program, 120, false, (worker, streamBase) -> {}).values);
    }

    @Test
    void shouldTimeRoundsWithTheInjectedClock()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        final AggregateProgram oneMillisecondPerDevice = a ->
        {
            clock.advance(1_000_000);
            return a.mid();
        };
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (AggregateWorker worker = new AggregateWorker(GridNetwork.of(2, 2),
            FabricMembers.parse("1@aeron:ipc", "test"), 1, oneMillisecondPerDevice, 3, 42, transport.aeron(),
            nextStreamBase++, IdleStrategies.of("backoff"), new PrintStream(progress, true, UTF_8), clock))
        {
            assertEquals(8_000_000, worker.run(2, true, CONNECT_TIMEOUT_NS).roundNanos);
        }
        final List<String> lines = progress.toString(UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        for (int round = 0; round < lines.size(); round++)
        {
            final String line = lines.get(round);
            assertTrue(line.startsWith("round " + round + " devices 4 changed "), line);
            assertTrue(line.endsWith(" waited 0.0 ms time 4.0 ms"), line);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"broadcast", "xc-collect"})
    void workerRoundsAllocateNothingPerRound(final String program) throws Exception
    {
        // Two runs of the same job, one 1,200 rounds longer: everything a worker thread allocates (partition, paths,
        // first-round growth, the result) is allocated by both, so the difference is what the extra rounds cost.
        // Waiting to connect allocates a few KB more or less from run to run; one 16-byte object a round would
        // still show as 19 KB.
        final EdgeList grid = GridNetwork.of(16, 12);
        final long[] shortRun = allocatedPerWorker(grid, program, 100);
        final long[] longRun = allocatedPerWorker(grid, program, 1300);
        for (int i = 0; i < shortRun.length; i++)
        {
            System.out.printf("aggregate worker %d: %d bytes over 100 rounds, %d over 1300%n", i + 1, shortRun[i],
                longRun[i]);
            assertTrue(longRun[i] - shortRun[i] < 8192, "worker " + (i + 1) + ": 1200 more rounds allocated " +
                (longRun[i] - shortRun[i]) + " bytes");
        }
    }

    private static long[] allocatedPerWorker(final EdgeList grid, final String program, final int rounds)
        throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long[] allocated = new long[2];
        final long[] before = new long[2];
        run(grid, 2, program, rounds, true,
            (worker, streamBase) -> before[worker.workerId() - 1] = threads.getCurrentThreadAllocatedBytes(),
            (worker) -> allocated[worker.workerId() - 1] =
            threads.getCurrentThreadAllocatedBytes() - before[worker.workerId() - 1]);
        return allocated;
    }

    @Test
    void badFramesAreCountedAndDroppedWithoutDisturbingTheRun() throws Exception
    {
        final EdgeList grid = GridNetwork.of(6, 5);
        final double[] expected = AggregateSemanticsTest.rounds(AggregateSemanticsTest.engine(grid,
            BuiltinPrograms.byName("gradient"), SOURCES), 15);
        final List<ExclusivePublication> rogues = new ArrayList<>();
        try
        {
            final Run run = run(grid, 2, "gradient", 15, true, (worker, streamBase) ->
            {
                if (1 == worker.workerId())
                {
                    final ExclusivePublication rogue =
                        transport.aeron().addExclusivePublication("aeron:ipc", streamBase + 1);
                    rogues.add(rogue);
                    final long deadline = System.nanoTime() + CONNECT_TIMEOUT_NS;
                    while (!worker.hears(rogue.sessionId()) && System.nanoTime() < deadline)
                    {
                        LockSupport.parkNanos(1_000_000);
                    }
                    sendBadFrames(rogue, (int)worker.engine().deviceIds()[0]);
                }
            });
            assertArrayEquals(expected, run.values);
            assertEquals(12, run.malformed[0], "worker 1");
            assertEquals(0, run.malformed[1], "worker 2");
        }
        finally
        {
            rogues.forEach(ExclusivePublication::close);
        }
    }

    private static void sendBadFrames(final ExclusivePublication rogue, final int localDevice)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        offer(rogue, frame, 3);                                                              // truncated
        new MessageHeaderEncoder().wrap(frame, 0).blockLength(8).templateId(999)
            .schemaId(MessageHeaderEncoder.SCHEMA_ID).version(MessageHeaderEncoder.SCHEMA_VERSION);
        offer(rogue, frame, 64);                                                             // unknown template
        offer(rogue, frame, exportsFrame(frame, 99, new int[0], new int[0]));                // unknown sender
        offer(rogue, frame, exportsFrame(frame, 2, new int[]{5, 0, 3}, new int[0]));         // path out of order
        offer(rogue, frame, exportsFrame(frame, 2, new int[0], new int[]{-5, 0}));           // no such device
        offer(rogue, frame, exportsFrame(frame, 2, new int[0], new int[]{localDevice, 0}));  // its own device
        offer(rogue, frame, exportsFrame(frame, 2, new int[0], new int[]{1, 1, 999}));       // undefined slot
        offer(rogue, frame, exportsFrame(frame, 2, new int[0], new int[]{1, 40}));           // beyond the frame
        // Overrides from its own device, then overrides cut short (2 announced, 1 there).
        offer(rogue, frame, exportsFrame(frame, 2, new int[0], new int[0], new int[]{localDevice, 1, 1, 0}));
        offer(rogue, frame, exportsFrame(frame, 2, new int[0], new int[0], new int[]{1, 2, 1, 0}));
        // Results (after the last round, but taken whenever they come): more than the network's devices, then an
        // entry cut short.
        offer(rogue, frame, resultsFrame(frame, 999, 16));
        offer(rogue, frame, resultsFrame(frame, 1, 15));
    }

    private static int resultsFrame(final UnsafeBuffer frame, final long total, final int entriesLength)
    {
        final AggregateResultsEncoder encoder = new AggregateResultsEncoder();
        encoder.wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder()).session()
            .senderId(2).correlationId(0).epoch(1);
        encoder.rounds(1).total(total).putEntries(new UnsafeBuffer(new byte[entriesLength]), 0, entriesLength);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private static int exportsFrame(
        final UnsafeBuffer frame, final int senderId, final int[] paths, final int[] record)
    {
        return exportsFrame(frame, senderId, paths, record, new int[0]);
    }

    /**
     * @param overrides one overrides record: sender graph index, entry count, then (slot, receiver graph index) per
     *                  entry present (values 0).
     */
    private static int exportsFrame(
        final UnsafeBuffer frame, final int senderId, final int[] paths, final int[] record, final int[] overrides)
    {
        final AggregateExportsEncoder encoder = new AggregateExportsEncoder();
        encoder.wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder()).session().senderId(senderId)
            .correlationId(0).epoch(1);
        encoder.round(0);
        final UnsafeBuffer pathBytes = new UnsafeBuffer(new byte[paths.length / 3 * 8]);
        for (int i = 0; i < paths.length / 3; i++)
        {
            pathBytes.putShort(i * 8, (short)paths[3 * i], LITTLE_ENDIAN);
            pathBytes.putShort(i * 8 + 2, (short)paths[3 * i + 1], LITTLE_ENDIAN);
            pathBytes.putInt(i * 8 + 4, paths[3 * i + 2], LITTLE_ENDIAN);
        }
        encoder.putPaths(pathBytes, 0, pathBytes.capacity());
        final UnsafeBuffer recordBytes = new UnsafeBuffer(new byte[record.length == 0 ? 0 :
            6 + 10 * Math.max(0, record.length - 2)]);
        if (record.length > 0)
        {
            recordBytes.putInt(0, record[0], LITTLE_ENDIAN);
            recordBytes.putShort(4, (short)record[1], LITTLE_ENDIAN);
            for (int i = 2; i < record.length; i++)
            {
                recordBytes.putShort(6 + 10 * (i - 2), (short)record[i], LITTLE_ENDIAN);
            }
        }
        encoder.putExports(recordBytes, 0, recordBytes.capacity());
        final UnsafeBuffer overrideBytes = new UnsafeBuffer(new byte[overrides.length == 0 ? 0 :
            AggregateTransport.OVERRIDES_HEAD_BYTES + AggregateTransport.OVERRIDE_BYTES * (overrides.length - 2) / 2]);
        if (overrides.length > 0)
        {
            overrideBytes.putInt(0, overrides[0], LITTLE_ENDIAN);
            overrideBytes.putShort(4, (short)overrides[1], LITTLE_ENDIAN);
            for (int i = 2, position = 6; i < overrides.length; i += 2, position += AggregateTransport.OVERRIDE_BYTES)
            {
                overrideBytes.putShort(position, (short)overrides[i], LITTLE_ENDIAN);
                overrideBytes.putInt(position + 2, overrides[i + 1], LITTLE_ENDIAN);
            }
        }
        encoder.putOverrides(overrideBytes, 0, overrideBytes.capacity());
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private static void offer(final ExclusivePublication publication, final UnsafeBuffer frame, final int length)
    {
        final long deadline = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (publication.offer(frame, 0, length) < 0 && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** What the workers of a run computed, and how many bad frames each dropped. */
    static final class Run
    {
        final double[] values;
        final long[] malformed;

        Run(final double[] values, final long[] malformed)
        {
            this.values = values;
            this.malformed = malformed;
        }
    }

    static Run run(
        final EdgeList graph, final int workers, final String program, final int rounds, final boolean synchronous,
        final BiConsumer<AggregateWorker, Integer> beforeRun) throws Exception
    {
        return run(graph, workers, program, rounds, synchronous, beforeRun, (worker) -> {});
    }

    static Run run(
        final EdgeList graph, final int workers, final String program, final int rounds, final boolean synchronous,
        final BiConsumer<AggregateWorker, Integer> beforeRun, final Consumer<AggregateWorker> afterRun)
        throws Exception
    {
        return run(graph, workers, () -> BuiltinPrograms.byName(program), rounds, synchronous, beforeRun, afterRun);
    }

    static Run run(
        final EdgeList graph, final int workers, final Supplier<AggregateProgram> program, final int rounds,
        final boolean synchronous, final BiConsumer<AggregateWorker, Integer> beforeRun,
        final Consumer<AggregateWorker> afterRun) throws Exception
    {
        final int streamBase = nextStreamBase++;
        final StringBuilder spec = new StringBuilder();
        for (int id = 1; id <= workers; id++)
        {
            spec.append(id == 1 ? "" : ",").append(id).append("@aeron:ipc");
        }
        final FabricMembers members = FabricMembers.parse(spec.toString(), "test");
        final ExecutorService threads = Executors.newFixedThreadPool(workers);
        final long[] malformed = new long[workers];
        try
        {
            final List<Future<AggregateWorker.Result>> results = new ArrayList<>();
            for (int id = 1; id <= workers; id++)
            {
                final int workerId = id;
                results.add(threads.submit(() ->
                {
                    try (AggregateWorker worker = new AggregateWorker(graph, members, workerId, program.get(), 3,
                        42 + workerId, transport.aeron(), streamBase, IdleStrategies.of("backoff"), null))
                    {
                        for (final long source : SOURCES)
                        {
                            worker.engine().sense(Sensors.SOURCE, source, 1);
                        }
                        beforeRun.accept(worker, streamBase);
                        final AggregateWorker.Result result = worker.run(rounds, synchronous, CONNECT_TIMEOUT_NS);
                        afterRun.accept(worker);
                        malformed[workerId - 1] = worker.malformed();
                        return worker.gather(result, CONNECT_TIMEOUT_NS);
                    }
                }));
            }
            for (final Future<AggregateWorker.Result> future : results)
            {
                future.get(60, TimeUnit.SECONDS);
            }
            // Worker 1 gathered every worker's outputs over the links.
            final AggregateWorker.Result all = results.get(0).get();
            assertEquals(graph.vertexCount(), all.deviceIds.length);
            final double[] values = new double[graph.vertexCount()];
            for (int i = 0; i < all.deviceIds.length; i++)
            {
                values[graph.indexOf(all.deviceIds[i])] = all.values[i];
            }
            return new Run(values, malformed);
        }
        finally
        {
            threads.shutdownNow();
        }
    }
}
