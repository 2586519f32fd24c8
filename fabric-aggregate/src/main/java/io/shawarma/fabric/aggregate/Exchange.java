package io.shawarma.fabric.aggregate;

/**
 * The bodies of {@link Aggregate#exchange}, the exchange calculus's one construct (XC's
 * {@code exchange(init, (n) -> (ret, send))}).
 */
public final class Exchange
{
    private Exchange()
    {
    }

    /**
     * XC's {@code exchange(init, (n) -> retsend(e))}: the field to send (each neighbour its own value), which is
     * also what the exchange returns.
     */
    @FunctionalInterface
    public interface Update
    {
        /**
         * @param received what the aligned neighbours sent this device last round, this device's own entry first
         *                 (what it sent itself; {@code init} in its first round); the default is {@code init}.
         * @return the field to send: each neighbour gets its override, else the default; this device gets its own
         * entry back next round.
         */
        NValues next(Aggregate a, NValues received);
    }

    /**
     * XC's {@code exchange(init, (n) -> (ret, send))}: fills the field to send and returns a different value.
     */
    @FunctionalInterface
    public interface RetSend
    {
        /**
         * @param received as in {@link Update#next}.
         * @param send     the field to send, empty with the default {@code init}: set its default and overrides.
         * @return what the exchange returns.
         */
        double next(Aggregate a, NValues received, NValues send);
    }
}
