package io.shawarma.jmh;

import io.shawarma.fabric.aggregate.GridNetwork;
import io.shawarma.fabric.aggregate.HandLoop;
import io.shawarma.fabric.graph.EdgeList;
import io.shawarma.fabric.graph.ResultWriter;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The hand-written baseline of {@code bench aggregate} ({@link HandLoop}, like COST for graphs): hop count or
 * gradient with our rep + nbr semantics (one hop every two rounds) as a plain single-thread loop over CSR arrays of
 * the same grid, in the same synchronous rounds ({@code share-gradient} and {@code xc-gradient}: share's, one hop per
 * round). Prints the compute time as {@link ContenderFigures} lines and
 * writes {@code deviceId<TAB>value} like {@code shawarma aggregate}, so that its values are checked identical.
 * <p>
 * Usage: {@code HandLoopGridMain hopcount|gradient|share-gradient|xc-gradient WxH ROUNDS SOURCE[,SOURCE...] OUT}.
 */
public final class HandLoopGridMain
{
    private HandLoopGridMain()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length != 5)
        {
            System.err.println("usage: HandLoopGridMain hopcount|gradient|share-gradient|xc-gradient WxH ROUNDS " +
                "SOURCE[,SOURCE...] OUT");
            System.exit(2);
        }
        final int[] size = GridNetwork.parseSize(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        final long[] sources = Arrays.stream(args[3].split(",")).mapToLong(Long::parseLong).toArray();

        final long buildStartNs = System.nanoTime();
        final EdgeList grid = GridNetwork.of(size[0], size[1]);
        // share and exchange gradients move a value one hop per round: the loop's share rounds.
        final boolean share = "share-gradient".equals(args[0]) || "xc-gradient".equals(args[0]);
        final HandLoop loop = new HandLoop(grid, "hopcount".equals(args[0]), share, sources);
        ContenderFigures.print(ContenderFigures.BUILD_SECONDS, ContenderFigures.seconds(buildStartNs));

        final long startNs = System.nanoTime();
        long warmStartNs = startNs;
        for (int round = 0; round < rounds; round++)
        {
            if (round == rounds / 2)
            {
                warmStartNs = System.nanoTime();
            }
            loop.round();
        }
        ContenderFigures.print(ContenderFigures.COMPUTE_SECONDS, ContenderFigures.seconds(startNs));
        ContenderFigures.print(AggregateBenchmark.WARM_SECONDS, ContenderFigures.seconds(warmStartNs));
        ResultWriter.write(Path.of(args[4]), grid.vertexIds(), loop.values());
    }
}
