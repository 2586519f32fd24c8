package io.shawarma.fabric.graph;

import io.shawarma.fabric.FabricClient;
import io.shawarma.fabric.Worker;
import io.shawarma.fabric.process.ChildJvm;
import io.shawarma.fabric.process.LoopbackPorts;
import io.shawarma.fabric.udf.ReadUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The graph commands as a user runs them (this JVM's flags, 2 worker processes), on small graphs whose answers
 * were worked out independently (by hand, and PageRank by a separate power iteration run to convergence).
 */
class GraphKnownAnswersIT
{
    @TempDir
    Path temp;

    @Test
    void shouldRankADanglingGraphAsNetworkxDoes() throws Exception
    {
        final List<String> lines = run("pagerank", "dangling.txt", "--tolerance", "1e-15", "--iterations", "500");
        final double[] expected = {0.23399377763222529, 0.18667103324054363, 0.34534141149500575,
            0.23399377763222529};
        double sum = 0;
        for (int i = 0; i < expected.length; i++)
        {
            final String[] fields = lines.get(i).split("\t");
            assertEquals(Integer.toString(i + 1), fields[0]);
            assertEquals(expected[i], Double.parseDouble(fields[1]), 1e-9, lines.toString());
            sum += Double.parseDouble(fields[1]);
        }
        assertEquals(1.0, sum, 1e-9);
    }

    @Test
    void shouldCountSelfLoopsAndDuplicateEdges() throws Exception
    {
        final List<String> lines = run("pagerank", "selfloop-duplicates.txt", "--iterations", "300");
        final double[] expected = {0.41863303498779497, 0.2872253864930839, 0.2941415785191213};
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i], Double.parseDouble(lines.get(i).split("\t")[1]), 1e-9, lines.toString());
        }
    }

    @Test
    void shouldFindShortestPathsAndPrintInfForUnreachable() throws Exception
    {
        assertEquals(List.of("1\t0.0", "2\t1.5", "3\t3.0", "4\t3.25", "5\tinf"),
            run("sssp", "weighted.txt", "--source", "1"));
    }

    @Test
    void shouldLabelComponentsWithTheirSmallestId() throws Exception
    {
        assertEquals(List.of("5\t5", "7\t5", "42\t42", "43\t42", "1000000000000\t5"), run("cc", "two-parts.txt"));
    }

    @Test
    void shouldCountHopsFollowingEdgeDirection() throws Exception
    {
        assertEquals(List.of("5\t0", "7\t1", "42\tinf", "43\tinf", "1000000000000\tinf"),
            run("bfs", "two-parts.txt", "--source", "5"));
    }

    @Test
    void shouldGiveTheSameAnswersWithWorkersAsProcesses() throws Exception
    {
        assertEquals(run("bfs", "two-parts.txt", "--source", "5"),
            run("bfs", "two-parts.txt", "--source", "5", "--workers-as", "processes", "--workers", "3"));
        assertEquals(run("pagerank", "dangling.txt", "--iterations", "50"),
            run("pagerank", "dangling.txt", "--iterations", "50", "--workers-as", "processes"));
    }

    @Test
    void shouldRunAUsersProgramClass() throws Exception
    {
        assertEquals(List.of("5\t1000000000000", "7\t1000000000000", "42\t43", "43\t43",
            "1000000000000\t1000000000000"),
            run("pregel", "two-parts.txt", "--program-class", MaxIdProgram.class.getName()));
    }

    @Test
    void shouldRefuseAProgramClassNotOnTheClasspathInOneLine() throws Exception
    {
        final ChildJvm job = new ChildJvm("graph", GraphMain.class.getName(), Map.of(), List.of("pregel",
            "--program-class", "com.example.Missing", "--edges", GraphWorkerTest.resource("two-parts.txt").toString(),
            "--out", temp.resolve("never.txt").toString()), "never", null);
        assertEquals(1, job.awaitExit(120_000), job.lastLines());
        assertTrue(job.lastLines().contains("--program-class com.example.Missing: not on the classpath (add its jar " +
            "to SHAWARMA_CLASSPATH)"), job.lastLines());
    }

    @Test
    void shouldPutRanksIntoARunningFabricWhereTheReadUdfFindsThem() throws Exception
    {
        final StringBuilder members = new StringBuilder();
        for (int id = 1; id <= 3; id++)
        {
            members.append(1 == id ? "" : ",").append(id).append("@aeron:udp?endpoint=127.0.0.1:")
                .append(LoopbackPorts.freeUdpPort());
        }
        final List<Worker> workers = new ArrayList<>();
        try
        {
            for (int id = 1; id <= 3; id++)
            {
                workers.add(Worker.launch(new Worker.Context().workerId(id).fabric(members.toString())
                    .idleStrategy("backoff")));
            }
            final List<String> ranks = run("pagerank", "dangling.txt", "--into", members.toString());
            final UnsafeBuffer result = new UnsafeBuffer(new byte[Long.BYTES]);
            try (FabricClient client = FabricClient.connect(new FabricClient.Context().fabric(members.toString())
                .idleStrategy("backoff")))
            {
                for (final String line : ranks)
                {
                    final String[] fields = line.split("\t");
                    assertEquals(Status.OK, client.invoke(Long.parseLong(fields[0]), Udf.idOf(ReadUdf.NAME),
                        result, 0, 0, result), line);
                    assertEquals(Double.parseDouble(fields[1]), result.getDouble(0, LITTLE_ENDIAN), line);
                }
            }
        }
        finally
        {
            CloseHelper.closeAll(workers);
        }
    }

    @Test
    void shouldRefuseABadLineWithItsNumberAndWriteNothing() throws Exception
    {
        final Path edges = temp.resolve("bad.txt");
        Files.writeString(edges, "# fine\n1 2\n2 x\n");
        final Path out = temp.resolve("out.txt");
        final ChildJvm job = new ChildJvm("graph", GraphMain.class.getName(), Map.of(),
            List.of("cc", "--edges", edges.toString(), "--out", out.toString()), "never", null);
        assertEquals(1, job.awaitExit(120_000), job.lastLines());
        assertTrue(job.lastLines().contains("bad.txt:3: destination is not a non-negative integer: '2 x'"),
            job.lastLines());
        assertTrue(!Files.exists(out));
    }

    private List<String> run(final String algorithm, final String graph, final String... options) throws Exception
    {
        final Path out = Files.createTempFile(temp, algorithm + "-" + graph, ".tsv");
        final List<String> args = new ArrayList<>(List.of(algorithm, "--edges",
            GraphWorkerTest.resource(graph).toString(), "--out", out.toString(), "--workers", "2"));
        args.addAll(List.of(options));
        final ChildJvm job = new ChildJvm("graph", GraphMain.class.getName(), Map.of(), args, "never", null);
        assertEquals(0, job.awaitExit(120_000), job.lastLines());
        assertTrue(job.lastLines().contains(" active ") && job.lastLines().contains(" messages "), job.lastLines());
        return Files.readAllLines(out);
    }
}
