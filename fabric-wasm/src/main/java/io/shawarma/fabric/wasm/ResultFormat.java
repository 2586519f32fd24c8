package io.shawarma.fabric.wasm;

import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * How {@link FabricCli} shows a result or a value ({@code --as}): hex, a little-endian i64 or f64 (the first 8 bytes;
 * shorter bytes are shown in hex with a note), or UTF-8 text; and how it reads hex.
 */
final class ResultFormat
{
    private ResultFormat()
    {
    }

    static boolean isKnown(final String as)
    {
        return "hex".equals(as) || "i64".equals(as) || "f64".equals(as) || "utf8".equals(as);
    }

    static String format(final DirectBuffer buffer, final int length, final String as)
    {
        switch (as)
        {
            case "i64":
                return length < Long.BYTES ? hex(buffer, length) + " (fewer than 8 bytes: not an i64)" :
                    Long.toString(buffer.getLong(0, LITTLE_ENDIAN)) + more(length);
            case "f64":
                return length < Double.BYTES ? hex(buffer, length) + " (fewer than 8 bytes: not an f64)" :
                    buffer.getDouble(0, LITTLE_ENDIAN) + more(length);
            case "utf8":
                return buffer.getStringWithoutLengthUtf8(0, length);
            default:
                return hex(buffer, length);
        }
    }

    private static String more(final int length)
    {
        return length > Long.BYTES ? " (+" + (length - Long.BYTES) + " more bytes)" : "";
    }

    static String hex(final DirectBuffer buffer, final int length)
    {
        final StringBuilder text = new StringBuilder(length * 2);
        for (int i = 0; i < length; i++)
        {
            final int b = buffer.getByte(i) & 0xFF;
            text.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return text.toString();
    }

    static byte[] parseHex(final String option, final String value)
    {
        final String digits = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        if (digits.length() % 2 != 0)
        {
            throw new IllegalArgumentException(option + " " + value + ": expected an even number of hex digits");
        }
        final byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++)
        {
            final int high = Character.digit(digits.charAt(2 * i), 16);
            final int low = Character.digit(digits.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0)
            {
                throw new IllegalArgumentException(option + " " + value + ": not hex");
            }
            bytes[i] = (byte)(high << 4 | low);
        }
        return bytes;
    }
}
