package io.shawarma.fabric.grid;

import org.agrona.DirectBuffer;

/**
 * A migration link to nowhere, for tests of one worker: no chunk can be sent, reports go nowhere.
 */
final class NoLink implements SlotMigration.Link
{
    public boolean sendChunk(
        final int targetId, final long moveId, final long epoch, final int slot, final int sequence,
        final boolean last, final int vertexCount, final DirectBuffer vertices, final int length)
    {
        return false;
    }

    public void reportReceived(final long moveId, final int slot, final int vertexCount)
    {
    }
}
