package io.shawarma.fabric.wasm;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line's options and formats: bad lines are refused in one line before anything connects.
 */
class FabricCliTest
{
    @Test
    void shouldRefuseABadLineWithExitTwoBeforeConnecting()
    {
        assertEquals(2, FabricCli.run("call", CliOptions.parse(new String[]{ "--vertex", "1", "--udf", "x" }, 0)),
            "no --fabric");
        assertEquals(2, FabricCli.run("call", options("--fabric", "1@aeron:ipc", "--vertex", "x", "--udf", "y")));
        assertEquals(2, FabricCli.run("put", options("--fabric", "1@aeron:ipc", "--vertex", "1")));
        assertEquals(2, FabricCli.run("put", options("--fabric", "1@aeron:ipc", "--vertex", "1", "--hex", "0a",
            "--i64", "1")));
        assertEquals(2, FabricCli.run("deploy", options("--fabric", "1@aeron:ipc", "--name", "shawarma.x", "f")));
        assertEquals(2, FabricCli.run("deploy", options("--fabric", "1@aeron:ipc", "--name", "ok", "/no/such.wasm")));
        assertEquals(2, FabricCli.run("udfs", options("--fabric", "1@aeron:ipc", "--bogus", "1")));
        assertEquals(2, FabricCli.run("get", options("--fabric", "1@aeron:ipc", "--vertex", "1", "--as", "i32")));
    }

    @Test
    void shouldReadValuesInEveryForm()
    {
        final CliOptions options = options("--hex", "0x0aFF", "--i64", "-2");
        assertArrayEquals(new byte[]{ 0x0a, (byte)0xff }, options("--hex", "0aff").bytes("--hex", "--i64", "--f64",
            true));
        final byte[] i64 = options("--i64", "-2").bytes("--hex", "--i64", "--f64", true);
        assertEquals(-2, new UnsafeBuffer(i64).getLong(0, LITTLE_ENDIAN));
        final byte[] f64 = options("--f64", "2.5").bytes("--hex", "--i64", "--f64", true);
        assertEquals(2.5, new UnsafeBuffer(f64).getDouble(0, LITTLE_ENDIAN));
        assertEquals(0, options().bytes("--hex", "--i64", "--f64", false).length);
        assertThrows(IllegalArgumentException.class, () -> options.bytes("--hex", "--i64", "--f64", true));
        assertThrows(IllegalArgumentException.class, () -> ResultFormat.parseHex("--hex", "abc"));
        assertThrows(IllegalArgumentException.class, () -> ResultFormat.parseHex("--hex", "zz"));
    }

    @Test
    void shouldShowResultsAsAsked()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        buffer.putLong(0, 15, LITTLE_ENDIAN);
        assertEquals("15", ResultFormat.format(buffer, 8, "i64"));
        assertEquals("0f00000000000000", ResultFormat.format(buffer, 8, "hex"));
        assertTrue(ResultFormat.format(buffer, 4, "i64").contains("not an i64"));
        assertEquals("15 (+8 more bytes)", ResultFormat.format(buffer, 16, "i64"));
        buffer.putDouble(0, 2.5, LITTLE_ENDIAN);
        assertEquals("2.5", ResultFormat.format(buffer, 8, "f64"));
    }

    private static CliOptions options(final String... args)
    {
        return CliOptions.parse(args, 0);
    }
}
