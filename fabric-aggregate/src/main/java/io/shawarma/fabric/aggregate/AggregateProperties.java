package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.PropertySet;

import java.util.List;

/**
 * The aggregate jobs' properties ({@link AggregateConfiguration}).
 */
public final class AggregateProperties implements PropertySet
{
    public List<String> names()
    {
        return PropertySet.constantsOf(AggregateConfiguration.class);
    }
}
