package io.shawarma.jmh;

/**
 * The near end of a ping-pong: one implementation over raw Aeron, one over the fabric's client, so that both are
 * measured by the same loops in {@link LatencyHarness}.
 */
interface Pinger extends AutoCloseable
{
    /**
     * Sends one message and waits for its answer.
     */
    void roundTrip();

    /**
     * @return true when one message was sent without waiting; false when it could not be sent now.
     */
    boolean trySend();

    /**
     * @return the number of answers received by this poll.
     */
    int poll();

    void close();
}
