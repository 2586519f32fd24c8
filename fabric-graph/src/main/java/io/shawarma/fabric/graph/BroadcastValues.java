package io.shawarma.fabric.graph;

/**
 * The values vertices sent to all their out-edges in a superstep, by vertex index in the whole graph: one worker's
 * own, or, when the workers of a job are threads of one process, every worker's, each writing its own vertices and
 * reading everyone's. That is how threads exchange broadcasts like a shared-memory program: no copy, no frame.
 * <p>
 * Two buffers, by the parity of the superstep: superstep s writes buffer s&amp;1 while its readers gather, in
 * superstep s + 1, from the same buffer; superstep s + 2 writes it again only after every worker passed the barrier
 * of s + 1, so after every reader finished with it. A vertex sent in superstep s when its stamp in the buffer is
 * s + 1, so nothing is ever cleared. The barrier's SuperstepDone frames order the writes before the reads: a worker
 * writes, then offers its frame (a release store on the log), and a peer reads only after it polled that frame (an
 * acquire load).
 */
final class BroadcastValues
{
    private final long[][] values;
    private final int[][] stamps;
    private final int[][] senders;

    /**
     * @param vertexCount the vertices of the whole graph.
     * @param workers     the workers of the job.
     */
    BroadcastValues(final int vertexCount, final int workers)
    {
        values = new long[][]{ new long[vertexCount], new long[vertexCount] };
        stamps = new int[][]{ new int[vertexCount], new int[vertexCount] };
        senders = new int[][]{ new int[workers], new int[workers] };
    }

    /**
     * @return the values of the buffer a superstep writes (and the next one reads).
     */
    long[] values(final long superstep)
    {
        return values[(int)(superstep & 1)];
    }

    /**
     * @return the stamps of the buffer a superstep writes: a vertex sent in it when its stamp is {@link #stamp}.
     */
    int[] stamps(final long superstep)
    {
        return stamps[(int)(superstep & 1)];
    }

    /**
     * @return the stamp of the vertices that sent in a superstep.
     */
    static int stamp(final long superstep)
    {
        return (int)(superstep + 1);
    }

    /**
     * Says how many of a worker's vertices sent in a superstep, for the readers to tell whether everyone did.
     */
    void senders(final long superstep, final int slot, final int count)
    {
        senders[(int)(superstep & 1)][slot] = count;
    }

    /**
     * @return how many of a worker's vertices sent in a superstep.
     */
    int senders(final long superstep, final int slot)
    {
        return senders[(int)(superstep & 1)][slot];
    }
}
