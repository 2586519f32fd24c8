package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.Placement;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How an engine splits the network between workers.
 */
class AggregateEngineTest
{
    @Test
    void shouldSplitAGridLargerThanPlacementOverridesIntoStripes()
    {
        final int side = 100;
        assertTrue(side * side > Placement.MAX_OVERRIDES);
        final FabricMembers members = FabricMembers.parse("1@aeron:ipc,2@aeron:ipc", "members");
        for (int workerId = 1; workerId <= 2; workerId++)
        {
            final AggregateEngine engine = new AggregateEngine(GridNetwork.of(side, side), members, workerId,
                new BuiltinPrograms.HopCountProgram(), 1, 1);
            final Neighbourhood hood = engine.neighbourhood();
            assertEquals(side * side / 2, hood.localCount);
            // Half the grid's rows each: only the rows along the cut have a neighbour on the other worker.
            assertEquals(side, hood.boundaryCount);
            assertEquals(side, hood.rowCount - hood.localCount);
        }
    }
}
