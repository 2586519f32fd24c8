package io.shawarma.fabric.grid;

import io.shawarma.fabric.store.LocalInvoker;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Runs a grid task on its worker: folds the task's UDF over its operands (each an int32 length then the bytes) on a
 * copy of a fresh output vertex, writes the output vertex once (every write is also a backup's write), and sets the
 * task's outcome. A result its dependants need stays here ({@link HeldResults}) and the cluster hears only the
 * status. Operands that do not add up are MALFORMED; a result over {@link TaskDag#MAX_RESULT_BYTES} fails the task.
 */
final class TaskFold
{
    private static final byte[] NO_RESULT = new byte[0];

    private final LocalInvoker invoker;
    private final HeldResults held;
    private final UnsafeBuffer value;

    TaskFold(final LocalInvoker invoker, final HeldResults held)
    {
        this.invoker = invoker;
        this.held = held;
        this.value = new UnsafeBuffer(new byte[invoker.maxValueBytes()]);
    }

    /** Runs the task and sets its outcome ({@link AssignedTasks.Task#finish}). */
    void run(final AssignedTasks.Task assignment)
    {
        final UnsafeBuffer operands = new UnsafeBuffer(assignment.operands);
        final int udfId = Udf.idOf(assignment.udfName);
        int valueLength = 0;
        Status status = Status.OK;
        int resultLength = 0;
        int offset = 0;
        while (Status.OK == status && offset < operands.capacity())
        {
            final int length = operands.getInt(offset, LITTLE_ENDIAN);
            if (length < 0 || offset + Integer.BYTES + length > operands.capacity())
            {
                assignment.finish(Status.MALFORMED, ascii("operands malformed at offset " + offset));
                return;
            }
            status = invoker.invokeOnCopy(
                assignment.outputVertexId, udfId, value, valueLength, operands, offset + Integer.BYTES, length);
            valueLength = invoker.copyLength();
            resultLength = invoker.resultLength();
            offset += Integer.BYTES + length;
        }
        if (Status.OK == status && resultLength > TaskDag.MAX_RESULT_BYTES)
        {
            assignment.finish(Status.UDF_FAILED,
                ascii("result of " + resultLength + " bytes exceeds " + TaskDag.MAX_RESULT_BYTES));
            return;
        }
        final byte[] result = new byte[resultLength];
        invoker.result().getBytes(0, result);
        final Status stored = Status.OK == status ?
            invoker.put(assignment.outputVertexId, value, 0, valueLength) : status;
        if (Status.OK == stored && assignment.resultHeld)
        {
            held.put(assignment.dagId, assignment.task, assignment.attempt, result);
            assignment.finish(status, NO_RESULT);
        }
        else if (Status.OK == stored || Status.OK != status)
        {
            assignment.finish(status, result);
        }
        else
        {
            final byte[] refusal = new byte[invoker.resultLength()];
            invoker.result().getBytes(0, refusal);
            assignment.finish(stored, refusal);
        }
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
