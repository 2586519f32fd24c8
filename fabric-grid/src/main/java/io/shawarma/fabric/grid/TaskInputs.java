package io.shawarma.fabric.grid;

import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.TaskResultFetchDecoder;
import io.shawarma.codecs.TaskResultFetchEncoder;
import io.shawarma.codecs.TaskResultFetchedDecoder;
import io.shawarma.codecs.TaskResultFetchedEncoder;
import io.shawarma.fabric.WorkerPort;
import io.shawarma.messaging.FrameHeader;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Gets grid tasks their inputs, the results of the tasks they depend on, from the workers holding them
 * ({@link HeldResults}): results flow from the worker that made them to the worker that needs them over the data
 * plane, and the cluster only records who holds what. An assignment names each input among its operands as a
 * reference (int32 -1, then the holder's worker id, the task and its attempt). One held here is read at once; one
 * held elsewhere is fetched (TaskResultFetch, asked again every resend interval, answered by TaskResultFetched). Once
 * all are in, the operands are rewritten as plain bytes and the task may run. An input its holder no longer has, or
 * that does not come within the give-up time (the holder died or cannot be reached), is reported lost, and the
 * cluster runs it again. Also answers the peers' fetches from this worker's held results. Control plane: allocates per
 * task and per input fetched; an answer allocates nothing. A frame whose lengths do not add up is counted and dropped.
 */
final class TaskInputs
{
    /** Operand length marking a reference to a result held on a worker. */
    static final int REFERENCE = -1;
    /** A reference after its marker: the holder's worker id, the task, its attempt. */
    static final int REFERENCE_BYTES = 3 * Integer.BYTES;

    /** Where a task goes once its inputs are resolved. */
    interface Listener
    {
        /** Every input is in (or the operands are malformed, which running the task reports): run it. */
        void onInputsReady(AssignedTasks.Task task);

        /**
         * An input is gone: tell the cluster, which runs that input again.
         *
         * @return false when the cluster could not be told: it is told again on the next {@link #doWork}.
         */
        boolean onInputLost(AssignedTasks.Task task, int inputTask, int inputAttempt);
    }

    private final WorkerPort port;
    private final HeldResults held;
    private final Listener listener;
    private final long resendIntervalNs;
    private final long giveUpNs;
    private final AtomicCounter malformed;
    private final ArrayList<Waiting> waiting = new ArrayList<>();
    private final ArrayList<Waiting> unreported = new ArrayList<>();
    private final FrameHeader inbound = new FrameHeader();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TaskResultFetchEncoder fetchEncoder = new TaskResultFetchEncoder();
    private final TaskResultFetchDecoder fetchDecoder = new TaskResultFetchDecoder();
    private final TaskResultFetchedEncoder fetchedEncoder = new TaskResultFetchedEncoder();
    private final TaskResultFetchedDecoder fetchedDecoder = new TaskResultFetchedDecoder();
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(TaskDag.MAX_RESULT_BYTES + 256);
    private long inputsFetched;
    private long inputsLost;
    private long fetchesAnswered;

    /**
     * @param resendIntervalNs how long a fetch waits for its answer before it is sent again.
     * @param giveUpNs         how long a task waits for an input before it is reported lost.
     * @param malformed        counts frames dropped as malformed.
     */
    TaskInputs(
        final WorkerPort port, final HeldResults held, final Listener listener, final long resendIntervalNs,
        final long giveUpNs, final AtomicCounter malformed)
    {
        this.port = port;
        this.held = held;
        this.listener = listener;
        this.resendIntervalNs = resendIntervalNs;
        this.giveUpNs = giveUpNs;
        this.malformed = malformed;
    }

    /** Starts getting a newly assigned task's inputs; the listener hears when it may run, now or later. */
    void resolve(final AssignedTasks.Task task, final long nowNs)
    {
        final Waiting inputs = Waiting.parse(task);
        if (null == inputs)
        {
            listener.onInputsReady(task);
            return;
        }
        for (int i = 0; i < inputs.values.length; i++)
        {
            if (null == inputs.values[i] && inputs.holders[i] == port.workerId())
            {
                final byte[] result = held.get(task.dagId, inputs.tasks[i], inputs.attempts[i]);
                if (null == result)
                {
                    lost(inputs, i);
                    return;
                }
                inputs.arrived(i, result);
            }
        }
        if (0 == inputs.missing)
        {
            ready(inputs);
            return;
        }
        inputs.deadlineNs = nowNs + giveUpNs;
        waiting.add(inputs);
        fetch(inputs, nowNs);
    }

    /**
     * Asks again for inputs whose answers are late, and reports the ones past the give-up time lost.
     *
     * @return fetches sent and tasks given up on.
     */
    int doWork(final long nowNs)
    {
        int work = 0;
        for (int u = unreported.size() - 1; u >= 0; u--)
        {
            final Waiting inputs = unreported.get(u);
            if (listener.onInputLost(inputs.task, inputs.tasks[inputs.lost], inputs.attempts[inputs.lost]))
            {
                remove(unreported, u);
                work++;
            }
        }
        for (int w = waiting.size() - 1; w >= 0; w--)
        {
            final Waiting inputs = waiting.get(w);
            if (nowNs - inputs.deadlineNs >= 0)
            {
                remove(waiting, w);
                lost(inputs, inputs.firstMissing());
                work++;
            }
            else if (nowNs - inputs.nextFetchNs >= 0)
            {
                work += fetch(inputs, nowNs);
            }
        }
        return work;
    }

    /** @return inputs that arrived from the workers holding them, since start. */
    long inputsFetched()
    {
        return inputsFetched;
    }

    /** @return inputs reported lost (gone from their holder, or late), since start. */
    long inputsLost()
    {
        return inputsLost;
    }

    /** @return peers' fetches answered with a result held here, since start. */
    long fetchesAnswered()
    {
        return fetchesAnswered;
    }

    /** @return tasks waiting for an input from another worker, or to report one lost. */
    int waitingTasks()
    {
        return waiting.size() + unreported.size();
    }

    /** A peer asks for a result this worker holds: answered with it, or with NO_SUCH_VERTEX when it is gone. */
    void onFetch(final int senderId, final DirectBuffer frame, final int offset, final int length)
    {
        if (!isValid(frame, offset, length, TaskResultFetchDecoder.BLOCK_LENGTH, false))
        {
            return;
        }
        fetchDecoder.wrap(frame, inbound.bodyOffset(), inbound.blockLength(), inbound.version());
        final long dagId = fetchDecoder.dagId();
        final int task = fetchDecoder.taskIndex();
        final int attempt = fetchDecoder.attempt();
        final byte[] result = held.get(dagId, task, attempt);
        fetchedEncoder.wrapAndApplyHeader(buffer, 0, header).session()
            .senderId(port.workerId()).correlationId(0).epoch(0);
        fetchedEncoder.dagId(dagId).taskIndex(task).attempt(attempt)
            .status(null == result ? io.shawarma.codecs.Status.NO_SUCH_VERTEX : io.shawarma.codecs.Status.OK);
        if (null == result)
        {
            fetchedEncoder.putResult(buffer, 0, 0);
        }
        else
        {
            fetchedEncoder.putResult(result, 0, result.length);
        }
        // Dropped under back pressure: the asker asks again.
        if (port.send(senderId, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + fetchedEncoder.encodedLength()) &&
            null != result)
        {
            fetchesAnswered++;
        }
    }

    /** A peer's answer to a fetch: the input arrives, or it is gone. */
    void onFetched(final int senderId, final DirectBuffer frame, final int offset, final int length)
    {
        if (!isValid(frame, offset, length, TaskResultFetchedDecoder.BLOCK_LENGTH, true))
        {
            return;
        }
        fetchedDecoder.wrap(frame, inbound.bodyOffset(), inbound.blockLength(), inbound.version());
        final long dagId = fetchedDecoder.dagId();
        final int task = fetchedDecoder.taskIndex();
        final int attempt = fetchedDecoder.attempt();
        final boolean found = Status.OK == Status.of(fetchedDecoder.statusRaw());
        final int resultOffset = inbound.dataOffset() + FrameHeader.VAR_LENGTH_BYTES;
        final int resultLength = inbound.varLength(inbound.dataOffset());
        for (int w = waiting.size() - 1; w >= 0; w--)
        {
            final Waiting inputs = waiting.get(w);
            final int i = inputs.indexOf(senderId, dagId, task, attempt);
            if (i < 0)
            {
                continue;
            }
            if (!found)
            {
                remove(waiting, w);
                lost(inputs, i);
                continue;
            }
            final byte[] result = new byte[resultLength];
            frame.getBytes(resultOffset, result);
            inputs.arrived(i, result);
            inputsFetched++;
            if (0 == inputs.missing)
            {
                remove(waiting, w);
                ready(inputs);
            }
        }
    }

    private boolean isValid(
        final DirectBuffer frame, final int offset, final int length, final int blockLength, final boolean hasData)
    {
        int reason = inbound.wrap(frame, offset, length);
        if (FrameHeader.VALID == reason)
        {
            reason = inbound.checkBody(blockLength);
        }
        if (FrameHeader.VALID != reason || hasData && inbound.varLength(inbound.dataOffset()) < 0)
        {
            malformed.incrementRelease();
            return false;
        }
        return true;
    }

    private int fetch(final Waiting inputs, final long nowNs)
    {
        int sent = 0;
        for (int i = 0; i < inputs.values.length; i++)
        {
            if (null == inputs.values[i])
            {
                fetchEncoder.wrapAndApplyHeader(buffer, 0, header).session()
                    .senderId(port.workerId()).correlationId(0).epoch(0);
                fetchEncoder.dagId(inputs.task.dagId).taskIndex(inputs.tasks[i]).attempt(inputs.attempts[i]);
                // Not sent (not connected yet, back pressure): asked again on the next resend.
                sent += port.send(inputs.holders[i], buffer, 0,
                    MessageHeaderEncoder.ENCODED_LENGTH + fetchEncoder.encodedLength()) ? 1 : 0;
            }
        }
        inputs.nextFetchNs = nowNs + resendIntervalNs;
        return sent;
    }

    private void ready(final Waiting inputs)
    {
        inputs.task.operands = inputs.plainOperands();
        listener.onInputsReady(inputs.task);
    }

    private void lost(final Waiting inputs, final int index)
    {
        inputsLost++;
        inputs.lost = index;
        if (!listener.onInputLost(inputs.task, inputs.tasks[index], inputs.attempts[index]))
        {
            unreported.add(inputs);
        }
    }

    private static void remove(final ArrayList<Waiting> list, final int index)
    {
        final int last = list.size() - 1;
        list.set(index, list.get(last));
        list.remove(last);
    }

    /** A task's operands, the inputs among them still to come. */
    private static final class Waiting
    {
        final AssignedTasks.Task task;
        final byte[][] values;
        final int[] holders;
        final int[] tasks;
        final int[] attempts;
        int missing;
        int lost;
        long nextFetchNs;
        long deadlineNs;

        private Waiting(final AssignedTasks.Task task, final int count)
        {
            this.task = task;
            values = new byte[count][];
            holders = new int[count];
            tasks = new int[count];
            attempts = new int[count];
        }

        /** @return the task's operands, or null when none is a reference or they are malformed. */
        static Waiting parse(final AssignedTasks.Task task)
        {
            final UnsafeBuffer operands = new UnsafeBuffer(task.operands);
            int count = 0;
            int references = 0;
            for (int offset = 0; offset < operands.capacity(); count++)
            {
                final int length = remaining(operands, offset, Integer.BYTES) ?
                    operands.getInt(offset, LITTLE_ENDIAN) : Integer.MIN_VALUE;
                final int body = REFERENCE == length ? REFERENCE_BYTES : length;
                if (body < 0 || !remaining(operands, offset + Integer.BYTES, body))
                {
                    return null;
                }
                references += REFERENCE == length ? 1 : 0;
                offset += Integer.BYTES + body;
            }
            if (0 == references)
            {
                return null;
            }
            final Waiting inputs = new Waiting(task, count);
            for (int i = 0, offset = 0; i < count; i++)
            {
                final int length = operands.getInt(offset, LITTLE_ENDIAN);
                offset += Integer.BYTES;
                if (REFERENCE == length)
                {
                    inputs.holders[i] = operands.getInt(offset, LITTLE_ENDIAN);
                    inputs.tasks[i] = operands.getInt(offset + Integer.BYTES, LITTLE_ENDIAN);
                    inputs.attempts[i] = operands.getInt(offset + 2 * Integer.BYTES, LITTLE_ENDIAN);
                    inputs.missing++;
                    offset += REFERENCE_BYTES;
                }
                else
                {
                    inputs.values[i] = new byte[length];
                    operands.getBytes(offset, inputs.values[i]);
                    offset += length;
                }
            }
            return inputs;
        }

        private static boolean remaining(final UnsafeBuffer operands, final int offset, final int length)
        {
            return offset + length <= operands.capacity() && offset + length >= offset;
        }

        void arrived(final int index, final byte[] result)
        {
            values[index] = result;
            missing--;
        }

        int indexOf(final int holder, final long dagId, final int task, final int attempt)
        {
            if (dagId != this.task.dagId)
            {
                return -1;
            }
            for (int i = 0; i < values.length; i++)
            {
                if (null == values[i] && holders[i] == holder && tasks[i] == task && attempts[i] == attempt)
                {
                    return i;
                }
            }
            return -1;
        }

        int firstMissing()
        {
            int i = 0;
            while (null != values[i])
            {
                i++;
            }
            return i;
        }

        byte[] plainOperands()
        {
            int length = 0;
            for (final byte[] value : values)
            {
                length += Integer.BYTES + value.length;
            }
            final UnsafeBuffer operands = new UnsafeBuffer(new byte[length]);
            int offset = 0;
            for (final byte[] value : values)
            {
                operands.putInt(offset, value.length, LITTLE_ENDIAN);
                operands.putBytes(offset + Integer.BYTES, value);
                offset += Integer.BYTES + value.length;
            }
            return operands.byteArray();
        }
    }
}
