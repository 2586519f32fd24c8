package io.shawarma.fabric.wasm;

import io.shawarma.udf.Udf;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The commands that deploy, undeploy and list WebAssembly UDFs, as the client sends them and the worker reads them
 * (little-endian):
 * <ul>
 *     <li>{@value #DEPLOY}: {@code [u8 name length][name][i32 module length][i32 offset][module bytes from offset]},
 *     one call per chunk, in order from offset 0; the last chunk's answer is the worker's verdict;</li>
 *     <li>{@value #UNDEPLOY}: {@code [name]};</li>
 *     <li>{@value #LIST}: no args; the answer is one line per UDF.</li>
 * </ul>
 * UDF names are 1 to {@value #MAX_NAME_LENGTH} characters of {@code A-Z a-z 0-9 . _ -}, not starting with
 * {@code shawarma.} (reserved for the fabric's commands).
 */
public final class DeployCommands
{
    /** Sends one chunk of a module. */
    public static final String DEPLOY = "shawarma.wasm.deploy";
    /** Removes a deployed UDF. */
    public static final String UNDEPLOY = "shawarma.wasm.undeploy";
    /** Lists the worker's UDFs, built-in and deployed, with a content hash. */
    public static final String LIST = "shawarma.wasm.udfs";
    /** Wire id of {@link #DEPLOY}. */
    public static final int DEPLOY_ID = Udf.idOf(DEPLOY);
    /** Wire id of {@link #UNDEPLOY}. */
    public static final int UNDEPLOY_ID = Udf.idOf(UNDEPLOY);
    /** Wire id of {@link #LIST}. */
    public static final int LIST_ID = Udf.idOf(LIST);
    /** Longest UDF name. */
    public static final int MAX_NAME_LENGTH = 64;

    private static final String RESERVED_PREFIX = "shawarma.";

    private DeployCommands()
    {
    }

    /**
     * @param name a UDF name to deploy.
     * @return null when it is a valid name, else why not.
     */
    public static String nameRefusal(final String name)
    {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH)
        {
            return "UDF name '" + name + "' must have 1 to " + MAX_NAME_LENGTH + " characters";
        }
        if (name.startsWith(RESERVED_PREFIX))
        {
            return "UDF names starting with '" + RESERVED_PREFIX + "' are reserved";
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-'))
            {
                return "UDF name '" + name + "' may hold only A-Z a-z 0-9 . _ -";
            }
        }
        return null;
    }

    /**
     * @return the bytes of a chunk's header: the name and two ints.
     */
    static int headerLength(final String name)
    {
        return 1 + name.length() + 2 * Integer.BYTES;
    }

    /**
     * Encodes one chunk of a deploy.
     *
     * @return the args' length.
     */
    static int encodeChunk(
        final MutableDirectBuffer args, final String name, final byte[] module, final int offset, final int length)
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        int index = 0;
        args.putByte(index++, (byte)nameBytes.length);
        args.putBytes(index, nameBytes);
        index += nameBytes.length;
        args.putInt(index, module.length, LITTLE_ENDIAN);
        index += Integer.BYTES;
        args.putInt(index, offset, LITTLE_ENDIAN);
        index += Integer.BYTES;
        args.putBytes(index, module, offset, length);
        return index + length;
    }

    /**
     * A deploy chunk, decoded.
     */
    static final class Chunk
    {
        final String name;
        final int moduleLength;
        final int offset;
        final int dataOffset;
        final int dataLength;

        private Chunk(
            final String name, final int moduleLength, final int offset, final int dataOffset, final int dataLength)
        {
            this.name = name;
            this.moduleLength = moduleLength;
            this.offset = offset;
            this.dataOffset = dataOffset;
            this.dataLength = dataLength;
        }

        /**
         * @return the chunk, or null when the args are too short for their header or their lengths disagree.
         */
        static Chunk decode(final DirectBuffer args)
        {
            final int capacity = args.capacity();
            if (capacity < 1)
            {
                return null;
            }
            final int nameLength = args.getByte(0) & 0xFF;
            final int dataOffset = 1 + nameLength + 2 * Integer.BYTES;
            if (capacity < dataOffset)
            {
                return null;
            }
            final String name = args.getStringWithoutLengthAscii(1, nameLength);
            final int moduleLength = args.getInt(1 + nameLength, LITTLE_ENDIAN);
            final int offset = args.getInt(1 + nameLength + Integer.BYTES, LITTLE_ENDIAN);
            final int dataLength = capacity - dataOffset;
            if (moduleLength < 0 || offset < 0 || (long)offset + dataLength > moduleLength)
            {
                return null;
            }
            return new Chunk(name, moduleLength, offset, dataOffset, dataLength);
        }
    }
}
