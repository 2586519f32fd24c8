package io.shawarma.fabric.demo;

import io.shawarma.udf.Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's checker finds what it claims to: lost acknowledged updates, updates applied twice, and register
 * values no put history allows; it accepts every outcome an unknown (TIMEOUT) call allows.
 */
class SoakLedgerTest
{
    private final SoakLedger ledger = new SoakLedger(100, 2, 200, 1);
    private final List<String> problems = new ArrayList<>();

    @Test
    void shouldAcceptEveryValueTheOutcomesAllow()
    {
        ledger.onAdd(0, Status.OK);
        ledger.onAdd(0, Status.TIMEOUT);
        ledger.onAdd(0, Status.BACK_PRESSURED);
        ledger.onPut(0, 5, Status.OK);
        ledger.onPut(0, 6, Status.TIMEOUT);

        assertEquals(0, ledger.check(new long[]{1, 0}, new long[]{5}, problems), problems::toString);
        assertEquals(0, ledger.check(new long[]{2, 0}, new long[]{6}, problems), problems::toString);
        assertNull(ledger.checkCounterRead(0, 1));
    }

    @Test
    void shouldFindALostAcknowledgedAdd()
    {
        ledger.onAdd(1, Status.OK);
        ledger.onAdd(1, Status.OK);

        assertEquals(1, ledger.check(new long[]{0, 1}, new long[]{0}, problems));
        assertTrue(problems.get(0).contains("counter 101") && problems.get(0).contains("lost"), problems::toString);
        assertTrue(ledger.checkCounterRead(1, 1).contains("lost"));
    }

    @Test
    void shouldFindAnAddAppliedTwice()
    {
        ledger.onAdd(0, Status.OK);
        ledger.onAdd(0, Status.TIMEOUT);

        assertEquals(1, ledger.check(new long[]{3, 0}, new long[]{0}, problems));
        assertTrue(problems.get(0).contains("applied twice"), problems::toString);
    }

    @Test
    void shouldFindARegisterOverwrittenByAnOlderPut()
    {
        ledger.onPut(0, 1, Status.TIMEOUT);
        ledger.onPut(0, 2, Status.OK);

        assertEquals(1, ledger.check(new long[]{0, 0}, new long[]{1}, problems));
        assertTrue(problems.get(0).contains("register 200"), problems::toString);
    }
}
