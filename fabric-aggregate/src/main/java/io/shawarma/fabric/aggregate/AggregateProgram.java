package io.shawarma.fabric.aggregate;

/**
 * An aggregate program: written once for the whole network, run by every device in rounds. Each round it gets
 * the device's view ({@link Aggregate}) and returns the device's output value for that round, which the run
 * prints at the end. A program class run with {@code --program-class} needs a public no-argument constructor; one
 * instance runs all of a worker's devices, one at a time, so its fields may carry values between its lambdas
 * within one device's round but never between devices or rounds (that is what {@code rep} is for).
 */
public interface AggregateProgram
{
    /**
     * Runs one round on one device.
     *
     * @param a the device's view of the field calculus.
     * @return the device's output value for this round.
     */
    double round(Aggregate a);

    /**
     * @return true when the outputs are whole numbers (printed without a fraction; infinity prints {@code inf}).
     */
    default boolean integerOutput()
    {
        return false;
    }
}
