package io.shawarma.fabric.aggregate;

/**
 * Which device a foldhood's expression is being evaluated for: none (not folding), the device itself, or a
 * neighbour across an edge; and whether the neighbour's export lacked an {@code nbr} the expression read (it then
 * contributes the fold's {@code init}). Saved in one word around a nested foldhood.
 */
final class FoldTurn
{
    static final int NOT_FOLDING = -1;

    int row = NOT_FOLDING;
    int edge;
    boolean outOfDomain;

    void reset()
    {
        row = NOT_FOLDING;
        outOfDomain = false;
    }

    void start(final int row, final int edge)
    {
        this.row = row;
        this.edge = edge;
        outOfDomain = false;
    }

    boolean isOnOther(final int self)
    {
        return NOT_FOLDING != row && self != row;
    }

    /**
     * @return the turn packed in one word, for {@link #restore(long)}: the row and the edge (both at least -1,
     * below 2^31) and the out-of-domain flag.
     */
    long save()
    {
        return ((long)(row + 1) << 32) | ((long)(edge + 1) << 1) | (outOfDomain ? 1 : 0);
    }

    void restore(final long saved)
    {
        row = (int)(saved >>> 32) - 1;
        edge = (int)((saved & 0xFFFF_FFFFL) >>> 1) - 1;
        outOfDomain = 0 != (saved & 1);
    }
}
