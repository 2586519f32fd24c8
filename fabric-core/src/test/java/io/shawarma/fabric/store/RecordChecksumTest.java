package io.shawarma.fabric.store;

import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The record checksum covers every byte of the value, whatever its length (the four lanes, the words after them, the
 * overlapping last word, the bytes of a short value), and the version, id and length.
 */
class RecordChecksumTest
{
    private static final int MAX_LENGTH = 200;

    // Direct: the checksum reads an address, never an array.
    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_LENGTH));

    @Test
    void shouldChangeWhenAnyValueBitFlips()
    {
        for (int i = 0; i < MAX_LENGTH; i++)
        {
            value.putByte(i, (byte)(i * 31 + 7));
        }
        for (int length = 0; length <= MAX_LENGTH; length++)
        {
            final int whole = checksum(5, 9, length);
            assertEquals(whole, checksum(5, 9, length), "deterministic");
            for (int i = 0; i < length; i++)
            {
                for (int bit = 0; bit < 8; bit += 3)
                {
                    flip(i, bit);
                    assertNotEquals(whole, checksum(5, 9, length), "length " + length + ", byte " + i + ", bit " + bit);
                    flip(i, bit);
                }
            }
        }
    }

    @Test
    void shouldChangeWithVersionIdOrLength()
    {
        final int whole = checksum(5, 9, 40);

        assertNotEquals(whole, checksum(6, 9, 40));
        assertNotEquals(whole, checksum(5 | 1L << 62, 9, 40));
        assertNotEquals(whole, checksum(5, 10, 40));
        assertNotEquals(whole, checksum(5, 9 | 1L << 63, 40));
        assertNotEquals(whole, checksum(5, 9, 41));
        assertNotEquals(checksum(5, 9, 0), checksum(5, 9, 1), "a zero byte more");
    }

    private int checksum(final long version, final long vertexId, final int length)
    {
        return RecordSlab.checksum(version, vertexId, length, value.addressOffset());
    }

    private void flip(final int index, final int bit)
    {
        value.putByte(index, (byte)(value.getByte(index) ^ (1 << bit)));
    }
}
