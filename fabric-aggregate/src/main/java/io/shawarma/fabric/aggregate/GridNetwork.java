package io.shawarma.fabric.aggregate;

import io.shawarma.fabric.graph.EdgeList;

/**
 * A W x H grid of devices with 4-neighbourhoods at range 1: device {@code (x, y)} has id {@code y * W + x}.
 */
public final class GridNetwork
{
    private GridNetwork()
    {
    }

    /**
     * @return the grid's edges, each once (the aggregate layer reads them both ways).
     * @throws IllegalArgumentException when the grid has fewer than two devices or more than fit an edge list.
     */
    public static EdgeList of(final int width, final int height)
    {
        if (width < 1 || height < 1 || (long)width * height < 2)
        {
            throw new IllegalArgumentException("a grid needs at least 2 devices, got " + width + "x" + height);
        }
        final long edges = (long)(width - 1) * height + (long)width * (height - 1);
        if (edges > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("grid " + width + "x" + height + " has too many edges");
        }
        final long[] src = new long[(int)edges];
        final long[] dst = new long[(int)edges];
        final double[] weight = new double[(int)edges];
        int e = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                final long id = (long)y * width + x;
                if (x + 1 < width)
                {
                    src[e] = id;
                    dst[e] = id + 1;
                    weight[e++] = 1.0;
                }
                if (y + 1 < height)
                {
                    src[e] = id;
                    dst[e] = id + width;
                    weight[e++] = 1.0;
                }
            }
        }
        return new EdgeList(src, dst, weight, e);
    }

    /**
     * Parses {@code WxH}.
     *
     * @throws IllegalArgumentException naming the bad text.
     */
    public static int[] parseSize(final String text)
    {
        final int x = text.indexOf('x');
        try
        {
            if (x > 0)
            {
                final int width = Integer.parseInt(text.substring(0, x));
                final int height = Integer.parseInt(text.substring(x + 1));
                if (width > 0 && height > 0)
                {
                    return new int[]{width, height};
                }
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new IllegalArgumentException("--grid expects WIDTHxHEIGHT with positive numbers, e.g. 100x100, got '" +
            text + "'");
    }
}
