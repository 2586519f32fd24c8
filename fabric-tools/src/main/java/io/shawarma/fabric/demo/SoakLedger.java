package io.shawarma.fabric.demo;

import io.shawarma.udf.Status;
import org.agrona.collections.LongHashSet;

import java.util.List;

/**
 * What one soak client knows about the vertices only it writes: per counter, the adds acknowledged and those whose
 * outcome is unknown (TIMEOUT); per register, the last value whose put was acknowledged and the values put later
 * whose outcome is unknown. At the end, {@link #check} proves no acknowledged update was lost and none was applied
 * twice. Any other status (BACK_PRESSURED, LENT, STORE_FULL, ...) means the call was not applied.
 */
final class SoakLedger
{
    private final long counterBase;
    private final long registerBase;
    private final long[] acknowledgedAdds;
    private final long[] unknownAdds;
    private final long[] acknowledgedValue;
    private final LongHashSet[] unknownValues;

    /**
     * @param counterBase  id of the first counter.
     * @param counters     number of counters.
     * @param registerBase id of the first register.
     * @param registers    number of registers.
     */
    SoakLedger(final long counterBase, final int counters, final long registerBase, final int registers)
    {
        this.counterBase = counterBase;
        this.registerBase = registerBase;
        acknowledgedAdds = new long[counters];
        unknownAdds = new long[counters];
        acknowledgedValue = new long[registers];
        unknownValues = new LongHashSet[registers];
        for (int i = 0; i < registers; i++)
        {
            unknownValues[i] = new LongHashSet();
        }
    }

    long counterId(final int index)
    {
        return counterBase + index;
    }

    long registerId(final int index)
    {
        return registerBase + index;
    }

    int counters()
    {
        return acknowledgedAdds.length;
    }

    int registers()
    {
        return acknowledgedValue.length;
    }

    /**
     * Records the outcome of adding 1 to a counter.
     */
    void onAdd(final int counter, final Status status)
    {
        if (Status.OK == status)
        {
            acknowledgedAdds[counter]++;
        }
        else if (Status.TIMEOUT == status)
        {
            unknownAdds[counter]++;
        }
    }

    /**
     * Records the outcome of putting a value (never put before) into a register.
     */
    void onPut(final int register, final long value, final Status status)
    {
        if (Status.OK == status)
        {
            acknowledgedValue[register] = value;
            unknownValues[register].clear();
        }
        else if (Status.TIMEOUT == status)
        {
            unknownValues[register].add(value);
        }
    }

    /**
     * @return a problem when a value read while the soak runs is already impossible, else null.
     */
    String checkCounterRead(final int counter, final long value)
    {
        return value < acknowledgedAdds[counter] ? "counter " + counterId(counter) + " read " + value + " after " +
            acknowledgedAdds[counter] + " acknowledged adds: an acknowledged update was lost" : null;
    }

    /**
     * @param counterValues  final value of each counter.
     * @param registerValues final value of each register.
     * @param problems       receives one line per violation.
     * @return the number of violations.
     */
    int check(final long[] counterValues, final long[] registerValues, final List<String> problems)
    {
        int violations = 0;
        for (int i = 0; i < acknowledgedAdds.length; i++)
        {
            final long value = counterValues[i];
            if (value < acknowledgedAdds[i])
            {
                violations++;
                problems.add("counter " + counterId(i) + " = " + value + " < " + acknowledgedAdds[i] +
                    " acknowledged adds: an acknowledged update was lost");
            }
            else if (value > acknowledgedAdds[i] + unknownAdds[i])
            {
                violations++;
                problems.add("counter " + counterId(i) + " = " + value + " > " + acknowledgedAdds[i] +
                    " acknowledged + " + unknownAdds[i] + " unknown adds: an update was applied twice");
            }
        }
        for (int i = 0; i < acknowledgedValue.length; i++)
        {
            final long value = registerValues[i];
            if (value != acknowledgedValue[i] && !unknownValues[i].contains(value))
            {
                violations++;
                problems.add("register " + registerId(i) + " = " + value + ", but the last acknowledged put was " +
                    acknowledgedValue[i] + " and no later put could have left " + value);
            }
        }
        return violations;
    }

    /**
     * @return adds acknowledged, over all counters.
     */
    long acknowledgedAdds()
    {
        long total = 0;
        for (final long adds : acknowledgedAdds)
        {
            total += adds;
        }
        return total;
    }
}
