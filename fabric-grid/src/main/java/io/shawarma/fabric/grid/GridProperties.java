package io.shawarma.fabric.grid;

import io.shawarma.fabric.PropertySet;

import java.util.List;

/**
 * The grid's properties ({@link GridConfiguration}).
 */
public final class GridProperties implements PropertySet
{
    public List<String> names()
    {
        return PropertySet.constantsOf(GridConfiguration.class);
    }
}
