package io.shawarma.fabric;

import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class StatusTest
{
    @Test
    void shouldMatchWireStatusByNameAndNumber()
    {
        assertEquals(Status.values().length, io.shawarma.codecs.Status.values().length - 1, "NULL_VAL aside");
        for (final Status status : Status.values())
        {
            final io.shawarma.codecs.Status wire = io.shawarma.codecs.Status.get((short)status.code());
            assertEquals(status.name(), wire.name());
        }
    }

    @Test
    void shouldKeepStableNumbers()
    {
        final String[] expected = {"OK", "NO_SUCH_VERTEX", "NO_SUCH_UDF", "UDF_FAILED", "MALFORMED",
            "BACK_PRESSURED", "TIMEOUT", "MOVED", "UNAUTHENTICATED", "LENT", "LEASE_EXPIRED",
            "STORE_FULL", "OWNER_UNREACHABLE"};
        for (int code = 0; code < expected.length; code++)
        {
            assertEquals(expected[code], Status.of(code).name());
        }
        assertNull(Status.of(expected.length));
        assertNull(Status.of(-1));
    }

    @Test
    void shouldRoundTripUdfFailures()
    {
        for (final Status status : Status.values())
        {
            final Status expected = Status.OK == status ? Status.UDF_FAILED : status;
            assertEquals(expected, Udf.failureOf(Udf.fail(status)));
        }
        assertEquals(Status.UDF_FAILED, Udf.failureOf(-1000));
    }

    @Test
    void shouldDeriveStableUdfIds()
    {
        // FNV-1a 32 of "add", computed independently: must never change, or clients and workers disagree.
        assertEquals(0x3B391274, Udf.idOf("add"));
    }
}
