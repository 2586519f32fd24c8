package io.shawarma.fabric.grid;

import io.shawarma.codecs.TaskState;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Writes the grid's state into a buffer and reads it back: what {@link GridService} stores with Aeron Cluster's
 * snapshot mechanism. Little-endian, versioned, everything the state machine needs to continue exactly where it was
 * (the ready queue in its order, the finished DAGs kept), and nothing derived. DAGs are kept as their JSON, parsed
 * again on load.
 */
final class GridSnapshot
{
    /**
     * Version 2 added the leaving workers and the slot moves after the finished DAGs; version 3 the slots' claims and
     * the load-skew clock after them; version 4 the slots' backups and fill ids; version 5 each worker's tasks assigned
     * in its last two heartbeat intervals. Older snapshots still load (no worker leaving, no move, no claim, no skew
     * seen, no backup, no task in flight).
     */
    static final int VERSION = 5;

    private GridSnapshot()
    {
    }

    /**
     * @param state  to save.
     * @param buffer to write into, from 0.
     * @return the length written.
     */
    static int write(final GridState state, final ExpandableArrayBuffer buffer)
    {
        final Writer out = new Writer(buffer);
        out.putInt(VERSION);
        out.putLong(state.tasks().nextDagId());

        final SlotTable slots = state.slots();
        out.putInt(slots.slotCount());
        out.putLong(slots.epoch());
        for (int slot = 0; slot < slots.slotCount(); slot++)
        {
            out.putInt(slots.ownerOf(slot));
        }

        writeMembers(state, out);

        out.putInt(state.tasks().dags().size());
        for (final DagRun run : state.tasks().dags().values())
        {
            out.putLong(run.dagId);
            out.putLong(run.submitterSessionId);
            out.putString(run.json);
            out.putInt(run.active);
            for (int task = 0; task < run.dag.taskCount(); task++)
            {
                out.putInt(run.states[task].value());
                out.putInt(run.workers[task]);
                out.putInt(run.attempts[task]);
                out.putInt(run.failures[task]);
                out.putInt(run.statuses[task].code());
                out.putInt(run.missingInputs[task]);
                out.putBytes(run.results[task]);
            }
        }

        out.putInt(state.tasks().readyQueue().size());
        for (final Long key : state.tasks().readyQueue())
        {
            out.putLong(key);
        }
        out.putInt(state.tasks().finishedDags().size());
        for (final Long dagId : state.tasks().finishedDags())
        {
            out.putLong(dagId);
        }

        out.putInt(countLeaving(state));
        for (final Member member : state.members())
        {
            if (member.leaving)
            {
                out.putInt(member.workerId);
            }
        }
        out.putLong(slots.nextMoveId());
        out.putInt(slots.moving());
        for (int slot = 0; slot < slots.slotCount(); slot++)
        {
            if (SlotTable.NO_OWNER != slots.targetOf(slot))
            {
                out.putInt(slot);
                out.putInt(slots.targetOf(slot));
                out.putLong(slots.moveIdOf(slot));
            }
        }

        out.putInt(countClaims(slots));
        for (int slot = 0; slot < slots.slotCount(); slot++)
        {
            if (SlotTable.NO_OWNER != slots.claimOf(slot))
            {
                out.putInt(slot);
                out.putInt(slots.claimOf(slot));
            }
        }
        out.putLong(state.skewSince());
        out.putLong(state.lastSkewMove());

        final BackupTable backups = slots.backups();
        out.putInt(backups.count());
        for (int slot = 0; slot < slots.slotCount(); slot++)
        {
            for (int k = 0; k < backups.count(); k++)
            {
                out.putInt(backups.backupOf(slot, k));
                out.putLong(backups.fillIdOf(slot, k));
            }
        }
        return out.position;
    }

    /**
     * @param buffer holding a snapshot from {@link #write}.
     * @param length of the snapshot.
     * @param state  an empty state, configured as the one saved, to load into.
     * @throws IllegalStateException when the snapshot is of another version, another slot count, or truncated.
     */
    static void read(final DirectBuffer buffer, final int length, final GridState state)
    {
        final Reader in = new Reader(buffer, length);
        final int version = in.getInt();
        if (version < 1 || version > VERSION)
        {
            throw new IllegalStateException("grid snapshot version " + version + ", expected " + VERSION);
        }
        state.tasks().nextDagId(in.getLong());

        final int slotCount = in.getInt();
        if (slotCount != state.slotCount())
        {
            throw new IllegalStateException("grid snapshot has " + slotCount + " slots, this grid " +
                state.slotCount() + " (shawarma.grid.slots must not change across restarts)");
        }
        final long epoch = in.getLong();
        final int[] owners = new int[slotCount];
        for (int slot = 0; slot < slotCount; slot++)
        {
            owners[slot] = in.getInt();
        }
        state.slots().restore(epoch, owners);

        readMembers(in, version, state);

        for (int i = in.getInt(); i > 0; i--)
        {
            final long dagId = in.getLong();
            final long submitter = in.getLong();
            final String json = in.getString();
            final DagRun run = new DagRun(dagId, submitter, json, DagJson.parse(json));
            run.active = in.getInt();
            for (int task = 0; task < run.dag.taskCount(); task++)
            {
                run.states[task] = TaskState.get((short)in.getInt());
                run.workers[task] = in.getInt();
                run.attempts[task] = in.getInt();
                run.failures[task] = in.getInt();
                run.statuses[task] = Status.of(in.getInt());
                run.missingInputs[task] = in.getInt();
                run.results[task] = in.getBytes();
            }
            state.tasks().addDag(run);
        }

        for (int i = in.getInt(); i > 0; i--)
        {
            state.tasks().readyQueue().addLast(in.getLong());
        }
        for (int i = in.getInt(); i > 0; i--)
        {
            state.tasks().finishedDags().addLast(in.getLong());
        }
        if (version >= 2)
        {
            for (int i = in.getInt(); i > 0; i--)
            {
                state.member(in.getInt()).leaving = true;
            }
            state.slots().restoreNextMoveId(in.getLong());
            for (int i = in.getInt(); i > 0; i--)
            {
                final int slot = in.getInt();
                final int target = in.getInt();
                state.slots().restoreMove(slot, target, in.getLong());
            }
        }
        if (version >= 3)
        {
            for (int i = in.getInt(); i > 0; i--)
            {
                final int slot = in.getInt();
                state.slots().restoreClaim(slot, in.getInt());
            }
            final long skewSince = in.getLong();
            state.restoreLoadSkew(skewSince, in.getLong());
        }
        if (version >= 4)
        {
            readBackups(in, state.slots());
        }
        if (in.position != length)
        {
            throw new IllegalStateException("grid snapshot has " + (length - in.position) + " trailing bytes");
        }
    }

    /**
     * Takes the saved backups as they are, as many per slot as this grid keeps (shawarma.grid.backups may have
     * changed): the next rebalance assigns the missing ones.
     */
    private static void readMembers(final Reader in, final int version, final GridState state)
    {
        for (int i = in.getInt(); i > 0; i--)
        {
            final int workerId = in.getInt();
            final long sessionId = in.getLong();
            final Member member = new Member(workerId, sessionId, in.getString(), 0);
            member.load = in.getInt();
            member.reportedRunning = in.getInt();
            member.running = in.getInt();
            member.lowReports = in.getInt();
            if (version >= 5)
            {
                member.assignedSinceHeartbeat = in.getInt();
                member.assignedTheHeartbeatBefore = in.getInt();
            }
            member.lastHeartbeat = in.getLong();
            state.addMember(member);
        }
    }

    private static void writeMembers(final GridState state, final Writer out)
    {
        out.putInt(state.members().size());
        for (final Member member : state.members())
        {
            out.putInt(member.workerId);
            out.putLong(member.sessionId);
            out.putString(member.dataChannel);
            out.putInt(member.load);
            out.putInt(member.reportedRunning);
            out.putInt(member.running);
            out.putInt(member.lowReports);
            out.putInt(member.assignedSinceHeartbeat);
            out.putInt(member.assignedTheHeartbeatBefore);
            out.putLong(member.lastHeartbeat);
        }
    }

    private static void readBackups(final Reader in, final SlotTable slots)
    {
        final int savedCount = in.getInt();
        if (savedCount < 0)
        {
            throw new IllegalStateException("grid snapshot has " + savedCount + " backups per slot");
        }
        final BackupTable backups = slots.backups();
        for (int slot = 0; slot < slots.slotCount(); slot++)
        {
            for (int k = 0; k < savedCount; k++)
            {
                final int workerId = in.getInt();
                final long fillId = in.getLong();
                if (k < backups.count())
                {
                    backups.restore(slot, k, workerId, fillId);
                }
            }
        }
    }

    private static int countClaims(final SlotTable slots)
    {
        int count = 0;
        for (int slot = 0; slot < slots.slotCount(); slot++)
        {
            count += SlotTable.NO_OWNER != slots.claimOf(slot) ? 1 : 0;
        }
        return count;
    }

    private static int countLeaving(final GridState state)
    {
        int count = 0;
        for (final Member member : state.members())
        {
            count += member.leaving ? 1 : 0;
        }
        return count;
    }

    private static final class Writer
    {
        private final MutableDirectBuffer buffer;
        private int position;

        Writer(final MutableDirectBuffer buffer)
        {
            this.buffer = buffer;
        }

        void putInt(final int value)
        {
            buffer.putInt(position, value, LITTLE_ENDIAN);
            position += Integer.BYTES;
        }

        void putLong(final long value)
        {
            buffer.putLong(position, value, LITTLE_ENDIAN);
            position += Long.BYTES;
        }

        void putBytes(final byte[] value)
        {
            putInt(value.length);
            buffer.putBytes(position, value);
            position += value.length;
        }

        void putString(final String value)
        {
            putBytes(value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final class Reader
    {
        private final DirectBuffer buffer;
        private final int length;
        private int position;

        Reader(final DirectBuffer buffer, final int length)
        {
            this.buffer = buffer;
            this.length = length;
        }

        private void need(final int bytes)
        {
            if (bytes < 0 || position + bytes > length)
            {
                throw new IllegalStateException("grid snapshot truncated at offset " + position);
            }
        }

        int getInt()
        {
            need(Integer.BYTES);
            final int value = buffer.getInt(position, LITTLE_ENDIAN);
            position += Integer.BYTES;
            return value;
        }

        long getLong()
        {
            need(Long.BYTES);
            final long value = buffer.getLong(position, LITTLE_ENDIAN);
            position += Long.BYTES;
            return value;
        }

        byte[] getBytes()
        {
            final int size = getInt();
            need(size);
            final byte[] value = new byte[size];
            buffer.getBytes(position, value);
            position += size;
            return value;
        }

        String getString()
        {
            return new String(getBytes(), StandardCharsets.UTF_8);
        }
    }
}
