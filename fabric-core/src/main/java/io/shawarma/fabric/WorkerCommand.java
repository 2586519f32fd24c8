package io.shawarma.fabric;

import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;

/**
 * A command a worker runs for a caller, called like a UDF ({@link io.shawarma.udf.Udf#idOf(CharSequence)} of its
 * name as the UDF id) but on no vertex: the worker that receives the call runs it, whatever the vertex id and the
 * routing say, once the caller's session is authenticated like any call's. A {@link WorkerPlugin} offers them, e.g.
 * the deploy of a WebAssembly UDF. Runs on the worker's agent thread, so it may change the worker's UDFs between two
 * calls; calls wait behind it, so it does its work and returns. Not on the per-call path: it may allocate.
 */
public interface WorkerCommand
{
    /**
     * @return the stable name callers use; it must not be a UDF's.
     */
    String name();

    /**
     * Runs the command. An exception is caught, recorded in the worker's error log and answered UDF_FAILED.
     *
     * @param args   the caller's argument bytes, exactly {@code args.capacity()} of them, at offset 0.
     * @param answer where to write the answer: the result on OK, else a one-line reason for the caller.
     * @return the status the caller gets.
     */
    Status execute(DirectBuffer args, CommandAnswer answer);
}
