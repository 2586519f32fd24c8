package io.shawarma.fabric.borrow;

import io.shawarma.fabric.crdt.GCounterUdf;
import io.shawarma.fabric.crdt.PnCounterUdf;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import io.shawarma.fabric.RandomCases;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SplittableRandom;

import static io.shawarma.fabric.borrow.MemoryNetwork.LEASE_NS;
import static io.shawarma.fabric.borrow.MemoryNetwork.int64;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Any interleaving of owner writes, borrows, borrower writes, returns, revokes, message reordering and duplicated
 * messages, with time moving on, ends (once every copy is back) with the owner holding the effect of every write
 * that was acknowledged, each exactly once.
 */
class BorrowConvergenceTest
{
    private static final int[] TYPES = { Udf.idOf(GCounterUdf.NAME), Udf.idOf(PnCounterUdf.NAME) };
    private static final UnsafeBuffer NO_ARGS = new UnsafeBuffer(new byte[0]);
    // Per run seed (RandomCases.seeds()).
    private static final int CASES = 100;
    // Chronicle maps are slow to create: one network for every case, a fresh vertex per case. The network's clock
    // carries over between cases, so a failing seed is reproduced by running the class again (the order is fixed).
    private static MemoryNetwork network;
    private static long nextVertex = 1;

    /** One interleaving: the CRDT type and the steps, each a number the action, node and delta derive from. */
    record Run(int type, List<Integer> steps)
    {
    }

    @BeforeAll
    static void openNetwork()
    {
        network = new MemoryNetwork(3);
    }

    @AfterAll
    static void closeNetwork()
    {
        network.close();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("io.shawarma.fabric.RandomCases#seeds")
    void everyAcknowledgedWriteReachesTheOwnerOnce(final long seed)
    {
        RandomCases.check(seed, CASES, BorrowConvergenceTest::run, BorrowConvergenceTest::ownerHoldsTheAcknowledgedSum);
    }

    private static Run run(final SplittableRandom random)
    {
        return new Run(random.nextInt(TYPES.length), RandomCases.listOf(random, 5, 60, r -> r.nextInt(10_001)));
    }

    private static void ownerHoldsTheAcknowledgedSum(final Run run)
    {
        final MemoryNetwork net = network;
        final long vertexId = nextVertex++;
        final int udfId = TYPES[run.type()];
        assertEquals(Status.OK, net.node(0).invoker.put(vertexId, NO_ARGS, 0, 0));
        long acknowledged = 0;
        for (final int step : run.steps())
        {
            final int node = step % 3;
            final int action = (step / 3) % 6;
            final long delta = udfId == TYPES[0] ? step % 7 : (step % 7) - 3;
            switch (action)
            {
                case 0:     // a write wherever the node can run it: owner store, or a held copy
                    if (Status.OK == net.node(node).call(0, vertexId, udfId, int64(delta)))
                    {
                        acknowledged += delta;
                    }
                    break;
                case 1:
                    if (0 != node)
                    {
                        net.node(node).borrower.request(0, vertexId, udfId, net.nowNs);
                    }
                    break;
                case 2:     // deliver some message, in any order
                    if (!net.inFlight.isEmpty())
                    {
                        net.deliver(step % net.inFlight.size());
                    }
                    break;
                case 3:     // the network repeats a message
                    if (!net.inFlight.isEmpty())
                    {
                        final MemoryNetwork.Message message = net.inFlight.get(step % net.inFlight.size());
                        message.delivery.accept(net.node(message.to));
                    }
                    break;
                case 4:
                    net.advance(LEASE_NS / 8);
                    break;
                default:    // the owner takes its leases back
                    final LeaseTable.Loan loan = net.node(0).lender.leases().loan(vertexId);
                    if (null != loan)
                    {
                        net.node(0).lender.beforeOwnerCall(vertexId, 0, false, 0);
                    }
                    break;
            }
        }
        for (int i = 0; i < 8; i++)
        {
            net.deliverAll();
            net.advance(LEASE_NS);
        }
        net.deliverAll();
        assertEquals(0, net.node(0).lender.leases().lentVertices(), "every loan ended");
        assertEquals(Status.OK, net.node(0).invoker.invoke(vertexId, udfId, NO_ARGS, 0, 0));
        assertEquals(acknowledged, net.node(0).invoker.result().getLong(0, LITTLE_ENDIAN), "the acknowledged sum");
    }
}
