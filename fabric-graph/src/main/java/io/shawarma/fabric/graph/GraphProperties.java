package io.shawarma.fabric.graph;

import io.shawarma.fabric.PropertySet;

import java.util.List;

/**
 * The graph jobs' properties ({@link GraphConfiguration}).
 */
public final class GraphProperties implements PropertySet
{
    public List<String> names()
    {
        return PropertySet.constantsOf(GraphConfiguration.class);
    }
}
