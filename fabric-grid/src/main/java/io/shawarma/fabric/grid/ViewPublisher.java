package io.shawarma.fabric.grid;

import java.util.TreeMap;

/**
 * Sends workers their view of the grid: the placement, every slot's backups, and the slot moves that concern them
 * with the other workers' data channels (an owner reaches its backups there too).
 */
final class ViewPublisher
{
    private final GridOutput output;
    private final TreeMap<Integer, Member> members;
    private final SlotTable slots;

    ViewPublisher(final GridOutput output, final TreeMap<Integer, Member> members, final SlotTable slots)
    {
        this.output = output;
        this.members = members;
        this.slots = slots;
    }

    /**
     * Sends a worker the placement, then the backups, then the moves it is the source or the target of, under the
     * same epoch: the worker takes them as one view (it never unfreezes a slot on a moves list older than its
     * placement, and keeps what it holds for a slot only while the slot is its own or moving to it).
     */
    void send(final Member member, final long now)
    {
        member.viewSentAt = now;
        final long epoch = slots.epoch();
        output.placement(member.sessionId, epoch, slots.owners());
        final BackupTable backups = slots.backups();
        output.slotBackups(member.sessionId, epoch, backups.count(), backups.workers(), backups.fillIds());
        final int count = slots.movesFrom(member.workerId) + slots.movesTo(member.workerId);
        final int[] movingSlots = new int[count];
        final int[] targets = new int[count];
        final long[] moveIds = new long[count];
        final StringBuilder channels = new StringBuilder();
        int i = 0;
        for (int slot = 0; slot < slots.slotCount() && i < count; slot++)
        {
            final int target = slots.targetOf(slot);
            if (SlotTable.NO_OWNER != target && (slots.ownerOf(slot) == member.workerId || target == member.workerId))
            {
                movingSlots[i] = slot;
                targets[i] = target;
                moveIds[i] = slots.moveIdOf(slot);
                i++;
            }
        }
        for (final Member other : members.values())
        {
            if (other.workerId != member.workerId && !other.dataChannel.isEmpty())
            {
                channels.append(channels.length() == 0 ? "" : ",").append(other.workerId).append('@')
                    .append(other.dataChannel);
            }
        }
        output.slotMoves(member.sessionId, epoch, movingSlots, targets, moveIds, channels.toString());
    }
}
