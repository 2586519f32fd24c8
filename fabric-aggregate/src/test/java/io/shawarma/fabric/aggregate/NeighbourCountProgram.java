package io.shawarma.fabric.aggregate;

/**
 * A user's own program for {@code --program-class}: counts each device and its neighbours.
 */
public final class NeighbourCountProgram implements AggregateProgram
{
    private final Aggregate.DoubleExpression one = (a) -> 1;

    public double round(final Aggregate a)
    {
        return a.foldhood(0, Double::sum, one);
    }

    public boolean integerOutput()
    {
        return true;
    }
}
