package io.shawarma.fabric.graph;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.shawarma.codecs.GraphBroadcastsEncoder;
import io.shawarma.codecs.GraphMessagesEncoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.messaging.Transport;
import io.shawarma.udf.graph.Combiner;
import io.shawarma.udf.graph.ComputeContext;
import io.shawarma.udf.graph.Messages;
import io.shawarma.udf.graph.VertexProgram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The superstep engine with 1, 2 and 3 workers (threads of this JVM sharing one media driver over IPC) against the
 * single-threaded reference algorithms, on small hand-checked graphs and a generated R-MAT graph.
 */
class GraphWorkerTest
{
    private static final String[] GRAPHS = {"triangle.txt", "dangling.txt", "selfloop-duplicates.txt",
        "two-parts.txt", "weighted.txt"};
    private static Transport transport;
    private static int nextStreamBase = 5000;

    @TempDir
    static Path temp;

    @BeforeAll
    static void start()
    {
        transport = Transport.embedded("graph-test", "backoff", 1 << 20, Throwable::printStackTrace);
    }

    @AfterAll
    static void stop()
    {
        transport.close();
    }

    /** Workers that ship their broadcasts (as processes do) and threads that read each other's in memory. */
    @ParameterizedTest
    @CsvSource({"1, false", "2, false", "3, false", "2, true", "3, true"})
    void shouldMatchReferenceOnSmallGraphs(final int workers, final boolean shared) throws Exception
    {
        for (final String name : GRAPHS)
        {
            checkAll(EdgeListParser.parse(resource(name)), workers, shared, name);
        }
    }

    @ParameterizedTest
    @CsvSource({"1, false", "2, false", "3, false", "2, true", "3, true"})
    void shouldMatchReferenceOnRmatGraph(final int workers, final boolean shared) throws Exception
    {
        final Path file = temp.resolve("rmat-" + workers + "-" + shared + ".txt");
        RmatGenerator.write(file, 10, 8, 42, true);
        checkAll(EdgeListParser.parse(file), workers, shared, "rmat scale 10");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void shouldDeliverEveryMessageWithoutACombiner(final int workers) throws Exception
    {
        final EdgeList graph = EdgeListParser.parse(resource("selfloop-duplicates.txt"));
        final long[] inDegree = new long[graph.vertexIds().length];
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            inDegree[graph.indexOf(graph.dst()[e])]++;
        }
        assertArrayEquals(inDegree, run(graph, workers, false, InDegreeProgram::new));
    }

    /**
     * sendToAllEdges from some vertices (every vertex whose id is a multiple of the modulus), twice in a superstep:
     * with a combiner, a partial gather (modulus 2) or pushed along the edges (modulus 32: few senders); without,
     * one message per edge and send.
     */
    @ParameterizedTest
    @CsvSource({"1, 2, true, false", "2, 2, true, false", "3, 2, true, false", "2, 32, true, false",
        "3, 32, true, false", "2, 2, false, false", "3, 2, true, true", "3, 32, true, true"})
    void shouldSendToAllEdgesAsIfAlongEachEdge(
        final int workers, final long modulus, final boolean combined, final boolean shared) throws Exception
    {
        final Path file = temp.resolve("rmat-all-edges-" + workers + "-" + modulus + "-" + combined + "-" + shared +
            ".txt");
        RmatGenerator.write(file, 10, 8, 11, false);
        final EdgeList graph = EdgeListParser.parse(file);
        final long[] expected = new long[graph.vertexCount()];
        Arrays.fill(expected, -1);
        for (int e = 0; e < graph.edgeCount(); e++)
        {
            final long source = graph.src()[e];
            if (0 == source % modulus)
            {
                final int target = graph.indexOf(graph.dst()[e]);
                expected[target] = Math.max(expected[target], source + MaxNeighbourProgram.OFFSET);
            }
        }
        assertArrayEquals(expected, run(graph, workers, shared, () -> new MaxNeighbourProgram(modulus, combined)));
    }

    @org.junit.jupiter.api.Test
    void shouldCountAndDropBadFramesAndStillComputeTheAnswer() throws Exception
    {
        final EdgeList graph = EdgeListParser.parse(resource("selfloop-duplicates.txt"));
        final FabricMembers members = FabricMembers.parse("1@aeron:ipc,2@aeron:ipc", "test");
        final int streamBase = nextStreamBase;
        nextStreamBase += 100;
        final ExecutorService threads = Executors.newFixedThreadPool(2);
        try (GraphWorker first = new GraphWorker(graph, members, 1, new PageRankProgram(0.85, 30, 0),
            transport.aeron(), streamBase, IdleStrategies.of("backoff"), 100, null);
            GraphWorker second = new GraphWorker(graph, members, 2, new PageRankProgram(0.85, 30, 0),
                transport.aeron(), streamBase, IdleStrategies.of("backoff"), 100, null);
            // Sees what worker 1 sees: once it has the rogue frames, so has worker 1's subscription (same client).
            Subscription probe = transport.aeron().addSubscription("aeron:ipc", streamBase + 1);
            ExclusivePublication rogue = transport.aeron().addExclusivePublication("aeron:ipc", streamBase + 1))
        {
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
            final MessageHeaderEncoder header = new MessageHeaderEncoder();
            final GraphBroadcastsEncoder broadcasts = new GraphBroadcastsEncoder();
            broadcasts.wrapAndApplyHeader(frame, 0, header).session().senderId(2);
            broadcasts.superstep(0);
            final int broadcastsEnd = entries(frame, MessageHeaderEncoder.ENCODED_LENGTH +
                GraphBroadcastsEncoder.BLOCK_LENGTH, 1 << 30, -1);
            offer(rogue, frame, broadcastsEnd);
            broadcasts.session().senderId(99);
            offer(rogue, frame, broadcastsEnd);
            final GraphMessagesEncoder messages = new GraphMessagesEncoder();
            messages.wrapAndApplyHeader(frame, 0, header).session().senderId(2);
            messages.superstep(0);
            offer(rogue, frame, entries(frame, MessageHeaderEncoder.ENCODED_LENGTH +
                GraphMessagesEncoder.BLOCK_LENGTH, 1 << 30));
            offer(rogue, frame, 3);
            final int[] seen = new int[1];
            final long deadlineNs = System.nanoTime() + 10_000_000_000L;
            while (seen[0] < 4 && System.nanoTime() - deadlineNs < 0)
            {
                if (0 == probe.poll((buffer, offset, length, frameHeader) -> seen[0]++, 10))
                {
                    Thread.sleep(1);
                }
            }
            assertEquals(4, seen[0], "rogue frames seen by the probe");

            final Future<GraphWorker.Result> firstResult = threads.submit(() -> first.run(30_000_000_000L));
            final Future<GraphWorker.Result> secondResult = threads.submit(() -> second.run(30_000_000_000L));
            final long[] values = new long[graph.vertexCount()];
            for (final GraphWorker.Result result : List.of(firstResult.get(), secondResult.get()))
            {
                for (int i = 0; i < result.vertexIds.length; i++)
                {
                    values[graph.indexOf(result.vertexIds[i])] = result.values[i];
                }
            }
            assertClose(ReferenceAlgorithms.pageRank(graph, 0.85, 30, 0), doubles(values), "pagerank");
            // Two bad broadcast entries, a frame from an unknown worker, a bad message entry, a truncated frame.
            assertEquals(5, first.malformedFrames());
            assertEquals(0, second.malformedFrames());
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    @org.junit.jupiter.api.Test
    void shouldNotAllocatePerMessageInTheSuperstepLoop() throws Exception
    {
        final Path file = temp.resolve("rmat-alloc.txt");
        RmatGenerator.write(file, 12, 16, 7, false);
        final EdgeList graph = EdgeListParser.parse(file);
        final FabricMembers members = FabricMembers.parse("1@aeron:ipc", "test");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        try (GraphWorker worker = new GraphWorker(graph, members, 1, new PageRankProgram(0.85, 20, 0),
            transport.aeron(), nextStreamBase++, IdleStrategies.of("backoff"), 100, null))
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            final GraphWorker.Result result = worker.run(10_000_000_000L);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            final long messages = 20L * graph.edgeCount();
            // Once: the combined-message index grows to the vertex count, and the result arrays are copied.
            final long once = 64L * graph.vertexIds().length;
            System.out.printf("graph superstep loop: %d bytes over %d messages%n", allocated, messages);
            assertEquals(21, result.supersteps);
            org.junit.jupiter.api.Assertions.assertTrue(allocated < once,
                allocated + " bytes allocated for " + messages + " messages");
        }
    }

    @org.junit.jupiter.api.Test
    void shouldTimeSuperstepsWithTheInjectedClock() throws Exception
    {
        final EdgeList graph = EdgeListParser.parse(resource("triangle.txt"));
        final FabricMembers members = FabricMembers.parse("1@aeron:ipc", "test");
        final CachedNanoClock clock = new CachedNanoClock();
        final VertexProgram oneMillisecondPerVertex = new VertexProgram()
        {
            public String name()
            {
                return "one-millisecond-per-vertex";
            }

            public long initialValue(final long vertexId, final long vertexCount)
            {
                return 0;
            }

            public void compute(final ComputeContext context, final Messages messages)
            {
                clock.advance(1_000_000);
                if (context.superstep() > 0)
                {
                    context.voteToHalt();
                }
            }
        };
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (GraphWorker worker = new GraphWorker(graph, members, 1, oneMillisecondPerVertex, transport.aeron(),
            nextStreamBase++, IdleStrategies.of("backoff"), 10, new PrintStream(progress, true, UTF_8), clock))
        {
            assertEquals(2, worker.run(10_000_000_000L).supersteps);
        }
        assertEquals(List.of("superstep 0 active 3 messages 0 time 3.0 ms",
            "superstep 1 active 0 messages 0 time 3.0 ms"), progress.toString(UTF_8).lines().toList());
    }

    private void checkAll(final EdgeList graph, final int workers, final boolean shared, final String name)
        throws Exception
    {
        final long source = graph.vertexIds()[0];
        assertClose(ReferenceAlgorithms.pageRank(graph, 0.85, 30, 0), doubles(run(graph, workers, shared,
            () -> new PageRankProgram(0.85, 30, 0))), name + " pagerank");
        assertClose(ReferenceAlgorithms.pageRank(graph, 0.85, 100, 1e-10), doubles(run(graph, workers, shared,
            () -> new PageRankProgram(0.85, 100, 1e-10))), name + " pagerank with tolerance");
        assertClose(ReferenceAlgorithms.sssp(graph, source), doubles(run(graph, workers, shared,
            () -> new SsspProgram(source))), name + " sssp");
        assertArrayEquals(ReferenceAlgorithms.connectedComponents(graph), run(graph, workers, shared,
            MinLabelProgram::connectedComponents), name + " cc");
        assertArrayEquals(ReferenceAlgorithms.bfs(graph, source), run(graph, workers, shared,
            () -> MinLabelProgram.bfs(source)), name + " bfs");
    }

    /**
     * Runs a program on every worker in its own thread, brings the results together at worker 1 as the job does,
     * and gives them in vertex id order.
     *
     * @param shared whether the workers read each other's broadcasts in memory, or ship them as processes do.
     */
    private static long[] run(
        final EdgeList graph, final int workers, final boolean shared, final Supplier<VertexProgram> program)
        throws Exception
    {
        final StringBuilder spec = new StringBuilder();
        for (int id = 1; id <= workers; id++)
        {
            spec.append(id == 1 ? "" : ",").append(id).append("@aeron:ipc");
        }
        final FabricMembers members = FabricMembers.parse(spec.toString(), "test");
        final int streamBase = nextStreamBase;
        nextStreamBase += 100;
        final ExecutorService threads = Executors.newFixedThreadPool(workers);
        final SharedGraph memory = shared ? new SharedGraph(graph, workers, program.get().undirected()) : null;
        try
        {
            final List<Future<GraphWorker.Result>> results = new ArrayList<>();
            for (int id = 1; id <= workers; id++)
            {
                final int workerId = id;
                results.add(threads.submit(() ->
                {
                    try (GraphWorker worker = new GraphWorker(graph, members, workerId, program.get(),
                        transport.aeron(), streamBase, IdleStrategies.of("backoff"), 10_000, null,
                        SystemNanoClock.INSTANCE, memory))
                    {
                        return worker.gather(worker.run(30_000_000_000L), 30_000_000_000L);
                    }
                }));
            }
            for (final Future<GraphWorker.Result> future : results)
            {
                future.get();
            }
            final GraphWorker.Result all = results.get(0).get();
            final long[] values = new long[graph.vertexIds().length];
            final boolean[] seen = new boolean[values.length];
            for (int i = 0; i < all.vertexIds.length; i++)
            {
                final int index = graph.indexOf(all.vertexIds[i]);
                assertFalse(seen[index], "vertex " + all.vertexIds[i] + " came back twice");
                seen[index] = true;
                values[index] = all.values[i];
            }
            assertEquals(values.length, all.vertexIds.length, "worker 1 has every vertex's result");
            return values;
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    private static double[] doubles(final long[] bits)
    {
        final double[] values = new double[bits.length];
        for (int i = 0; i < bits.length; i++)
        {
            values[i] = Double.longBitsToDouble(bits[i]);
        }
        return values;
    }

    private static void assertClose(final double[] expected, final double[] actual, final String what)
    {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++)
        {
            if (expected[i] != actual[i])
            {
                assertEquals(expected[i], actual[i], 1e-9, what + " at vertex index " + i);
            }
        }
    }

    /**
     * Writes (index, 1.0) entries after the block of a graph frame. @return the frame's length.
     */
    private static int entries(final UnsafeBuffer frame, final int blockEnd, final int... indexes)
    {
        frame.putInt(blockEnd, indexes.length * GraphTransport.ENTRY_BYTES, ByteOrder.LITTLE_ENDIAN);
        int position = blockEnd + 4;
        for (final int index : indexes)
        {
            frame.putInt(position, index, ByteOrder.LITTLE_ENDIAN);
            frame.putLong(position + 4, Double.doubleToRawLongBits(1.0), ByteOrder.LITTLE_ENDIAN);
            position += GraphTransport.ENTRY_BYTES;
        }
        return position;
    }

    private static void offer(final ExclusivePublication publication, final UnsafeBuffer frame, final int length)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (publication.offer(frame, 0, length) < 0)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("could not offer a frame");
            }
            Thread.sleep(1);
        }
    }

    static Path resource(final String name) throws Exception
    {
        return Path.of(GraphWorkerTest.class.getResource("/graphs/" + name).toURI());
    }

    /**
     * Counts the messages each vertex receives: its in-degree; no combiner, so every message is delivered. Also
     * checks a count and a user-defined aggregator across workers: the vertex count, and the largest vertex id.
     */
    private static final class InDegreeProgram implements VertexProgram
    {
        public String name()
        {
            return "in-degree";
        }

        public io.shawarma.udf.graph.Aggregator[] aggregators()
        {
            return new io.shawarma.udf.graph.Aggregator[]{
                io.shawarma.udf.graph.Aggregator.count(),
                io.shawarma.udf.graph.Aggregator.of(Long.MIN_VALUE, Math::max)};
        }

        public long initialValue(final long vertexId, final long vertexCount)
        {
            return 0;
        }

        public void compute(final ComputeContext context, final Messages messages)
        {
            if (0 == context.superstep())
            {
                context.aggregate(0, 1);
                context.aggregate(1, context.vertexId());
                for (int edge = 0; edge < context.edgeCount(); edge++)
                {
                    context.send(context.edgeTarget(edge), 1);
                }
            }
            else
            {
                if (context.aggregated(0) != context.vertexCount() || context.aggregated(1) != 3)
                {
                    throw new IllegalStateException("aggregates " + context.aggregated(0) + ", " +
                        context.aggregated(1));
                }
                long total = context.value();
                for (int i = 0; i < messages.count(); i++)
                {
                    total += messages.get(i);
                }
                context.value(total);
            }
            context.voteToHalt();
        }
    }

    /**
     * Vertices whose id is a multiple of the modulus send id and id + OFFSET to all their edges in superstep 0;
     * every vertex ends with the largest message it got, -1 for none.
     */
    private static final class MaxNeighbourProgram implements VertexProgram
    {
        static final long OFFSET = 1000;
        private final long modulus;
        private final boolean combined;

        MaxNeighbourProgram(final long modulus, final boolean combined)
        {
            this.modulus = modulus;
            this.combined = combined;
        }

        public String name()
        {
            return "max-neighbour";
        }

        public Combiner combiner()
        {
            return combined ? Combiner.MAX_LONG : null;
        }

        public long initialValue(final long vertexId, final long vertexCount)
        {
            return -1;
        }

        public void compute(final ComputeContext context, final Messages messages)
        {
            if (0 == context.superstep() && 0 == context.vertexId() % modulus)
            {
                context.sendToAllEdges(context.vertexId());
                context.sendToAllEdges(context.vertexId() + OFFSET);
            }
            for (int i = 0; i < messages.count(); i++)
            {
                context.value(Math.max(context.value(), messages.get(i)));
            }
            context.voteToHalt();
        }
    }
}
