package io.shawarma.fabric;

import java.util.Arrays;

/**
 * The workers of a fabric and the channel each one listens on, parsed from {@code id@channel,id@channel,...}.
 * Ids are sorted, so every participant derives the same placement from the same list.
 */
public final class FabricMembers
{
    private final int[] ids;
    private final String[] channels;

    private FabricMembers(final int[] ids, final String[] channels)
    {
        this.ids = ids;
        this.channels = channels;
    }

    /**
     * @param spec  the member list, e.g. {@code 1@aeron:udp?endpoint=127.0.0.1:40101,2@aeron:ipc}.
     * @param property the property it came from, for error messages.
     * @return the parsed members.
     * @throws IllegalArgumentException naming the property and the bad entry.
     */
    public static FabricMembers parse(final String spec, final String property)
    {
        if (null == spec || spec.isBlank())
        {
            throw new IllegalArgumentException(property + " is empty: expected id@channel[,id@channel...]");
        }
        final String[] entries = spec.trim().split(",");
        final int[] ids = new int[entries.length];
        final String[] channels = new String[entries.length];
        for (int i = 0; i < entries.length; i++)
        {
            final String entry = entries[i].trim();
            final int at = entry.indexOf('@');
            if (at <= 0 || at == entry.length() - 1 || !entry.startsWith("aeron:", at + 1))
            {
                throw new IllegalArgumentException(property + ": bad member '" + entry +
                    "', expected id@aeron:udp?endpoint=host:port or id@aeron:ipc");
            }
            try
            {
                ids[i] = Integer.parseInt(entry.substring(0, at));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(property + ": bad worker id in '" + entry + "'");
            }
            if (ids[i] < 0 || ids[i] >= Configuration.MAX_WORKER_ID)
            {
                throw new IllegalArgumentException(
                    property + ": worker id " + ids[i] + " outside [0, " + Configuration.MAX_WORKER_ID + ")");
            }
            channels[i] = entry.substring(at + 1);
        }

        final Integer[] order = new Integer[ids.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Integer.compare(ids[a], ids[b]));
        final int[] sortedIds = new int[ids.length];
        final String[] sortedChannels = new String[ids.length];
        for (int i = 0; i < order.length; i++)
        {
            sortedIds[i] = ids[order[i]];
            sortedChannels[i] = channels[order[i]];
            if (i > 0 && sortedIds[i] == sortedIds[i - 1])
            {
                throw new IllegalArgumentException(property + ": worker id " + sortedIds[i] + " listed twice");
            }
        }
        return new FabricMembers(sortedIds, sortedChannels);
    }

    /**
     * @return number of workers.
     */
    public int size()
    {
        return ids.length;
    }

    /**
     * @param index in [0, size()).
     * @return the id of the worker at that index, in ascending id order.
     */
    public int idAt(final int index)
    {
        return ids[index];
    }

    /**
     * @param index in [0, size()).
     * @return the channel of the worker at that index.
     */
    public String channelAt(final int index)
    {
        return channels[index];
    }

    /**
     * @param workerId to look up.
     * @return the worker's channel, or null when it is not a member.
     */
    public String channelOf(final int workerId)
    {
        final int index = Arrays.binarySearch(ids, workerId);
        return index < 0 ? null : channels[index];
    }

    /**
     * @return the list in the form {@link #parse} reads.
     */
    public String toString()
    {
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < ids.length; i++)
        {
            builder.append(i == 0 ? "" : ",").append(ids[i]).append('@').append(channels[i]);
        }
        return builder.toString();
    }
}
