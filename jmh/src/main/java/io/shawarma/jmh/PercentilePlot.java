package io.shawarma.jmh;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Renders latency percentile distributions (HdrHistogram style: x = percentile on a 1/(1-p) log scale, y = round
 * trip time on a log scale) of ours against raw Aeron, one panel per channel, to a PNG. Headless Java2D, no extra
 * dependency.
 */
final class PercentilePlot
{
    private static final int PANEL_WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final int MARGIN_LEFT = 70;
    private static final int MARGIN_RIGHT = 20;
    private static final int MARGIN_TOP = 40;
    private static final int MARGIN_BOTTOM = 60;
    private static final double MAX_NINES = 5;
    private static final String[] X_LABELS = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    private static final Color RAW = new Color(0x1F77B4);
    private static final Color OURS = new Color(0xD62728);

    private PercentilePlot()
    {
    }

    static void write(final List<Result> results, final Path file) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        final BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        panel(g, 0, "IPC round trip", find(results, "aeron_raw_ipc_rtt"), find(results, "fabric_rpc_ipc_rtt"));
        panel(g, PANEL_WIDTH, "UDP loopback round trip", find(results, "aeron_raw_udp_rtt"),
            find(results, "fabric_rpc_udp_rtt"));
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(
        final Graphics2D g, final int x0, final String title, final Histogram raw, final Histogram ours)
    {
        final int left = x0 + MARGIN_LEFT;
        final int right = x0 + PANEL_WIDTH - MARGIN_RIGHT;
        final int top = MARGIN_TOP;
        final int bottom = HEIGHT - MARGIN_BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, left, 25);
        if (null == raw || null == ours)
        {
            g.drawString("no data", left + 10, top + 30);
            return;
        }

        final double minUs = Math.max(0.01, Math.min(raw.getMinNonZeroValue(), ours.getMinNonZeroValue()) / 1000.0);
        final double maxUs = Math.max(raw.getMaxValue(), ours.getMaxValue()) / 1000.0;
        final double logMin = Math.floor(Math.log10(minUs));
        final double logMax = Math.ceil(Math.log10(Math.max(maxUs, minUs * 10)));

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double decade = logMin; decade <= logMax; decade++)
        {
            final int y = yOf(Math.pow(10, decade), logMin, logMax, top, bottom);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(format(Math.pow(10, decade)) + " us", x0 + 5, y + 4);
        }
        for (int nines = 0; nines <= MAX_NINES; nines++)
        {
            final int x = left + (int)((right - left) * nines / MAX_NINES);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.DARK_GRAY);
            final int labelWidth = g.getFontMetrics().stringWidth(X_LABELS[nines]);
            g.drawString(X_LABELS[nines], Math.min(x - labelWidth / 2, right - labelWidth), bottom + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString("percentile", (left + right) / 2 - 25, bottom + 38);

        curve(g, raw, RAW, logMin, logMax, left, right, top, bottom);
        curve(g, ours, OURS, logMin, logMax, left, right, top, bottom);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(RAW);
        g.drawString("raw Aeron  p50 " + format(raw.getValueAtPercentile(50) / 1000.0) + " us", left + 10, top + 20);
        g.setColor(OURS);
        g.drawString("Shawarma RPC  p50 " + format(ours.getValueAtPercentile(50) / 1000.0) + " us",
            left + 10, top + 38);
    }

    private static void curve(
        final Graphics2D g, final Histogram histogram, final Color color, final double logMin, final double logMax,
        final int left, final int right, final int top, final int bottom)
    {
        final Path2D.Double path = new Path2D.Double();
        boolean first = true;
        for (final HistogramIterationValue value : histogram.percentiles(5))
        {
            final double percentile = value.getPercentileLevelIteratedTo();
            final double nines = percentile >= 100 ?
                MAX_NINES : Math.min(MAX_NINES, Math.log10(100 / (100 - percentile)));
            final double x = left + (right - left) * nines / MAX_NINES;
            final double y = yOf(Math.max(value.getValueIteratedTo() / 1000.0, Math.pow(10, logMin)),
                logMin, logMax, top, bottom);
            if (first)
            {
                path.moveTo(x, y);
                first = false;
            }
            else
            {
                path.lineTo(x, y);
            }
        }
        g.setColor(color);
        g.setStroke(new BasicStroke(2f));
        g.draw(path);
        g.setStroke(new BasicStroke(1f));
    }

    private static int yOf(final double us, final double logMin, final double logMax, final int top, final int bottom)
    {
        return bottom - (int)((bottom - top) * (Math.log10(us) - logMin) / (logMax - logMin));
    }

    private static String format(final double us)
    {
        return us >= 10 ? String.format("%.0f", us) : us >= 1 ? String.format("%.1f", us) : String.format("%.2f", us);
    }

    private static Histogram find(final List<Result> results, final String name)
    {
        for (final Result result : results)
        {
            if (result.name.equals(name))
            {
                return result.histogram;
            }
        }
        return null;
    }
}
