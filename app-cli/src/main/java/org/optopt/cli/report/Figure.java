package org.optopt.cli.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.optopt.cli.format.Numbers;

/**
 * Charts drawn by XChart and laid out in a grid (at most {@value #COLUMNS} per row), written as one
 * PNG and one SVG: each curve a line with a translucent band, the legend to the right of the plot
 * area (it is sized to its longest label, never clipped), tick labels in the notation of
 * {@link Numbers} (decades on a logarithmic axis, which is used only where the values span one),
 * and a dashed reference line where a panel has one.
 */
public final class Figure {
    private static final int COLUMNS = 2;
    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;
    /** Enough for the plot area's width in pixels; XChart's SVG has one element per segment. */
    private static final int MAX_POINTS = 300;
    /** A curve of at most this many points (one evaluation per run, a short sweep) shows them as markers. */
    private static final int FEW_POINTS = 3;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private Figure() {}

    /** Writes the panels to {@code png} and {@code svg}, each through a temporary file and a rename. */
    public static void write(List<Panel> panels, Path png, Path svg) throws IOException {
        List<XYChart> charts = panels.stream().map(Figure::chart).toList();
        int columns = Math.min(COLUMNS, charts.size());
        int rows = (charts.size() + columns - 1) / columns;
        int width = WIDTH * columns;
        int height = HEIGHT * rows;
        Consumer<Graphics2D> paint = g -> {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            for (int i = 0; i < charts.size(); i++) {
                Graphics2D cell = (Graphics2D) g.create((i % columns) * WIDTH, (i / columns) * HEIGHT, WIDTH, HEIGHT);
                charts.get(i).paint(cell, WIDTH, HEIGHT);
                cell.dispose();
            }
        };
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        paint.accept(g);
        g.dispose();
        atomically(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("No PNG writer available");
            }
        });
        VectorGraphics2D vector = new VectorGraphics2D();
        paint.accept(vector);
        java.io.ByteArrayOutputStream document = new java.io.ByteArrayOutputStream();
        new SVGProcessor().getDocument(vector.getCommands(), new PageSize(0, 0, width, height)).writeTo(document);
        // Without the SVG 1.1 DOCTYPE, which makes XML parsers fetch its DTD from the network.
        String text = document.toString(java.nio.charset.StandardCharsets.UTF_8).replaceFirst("<!DOCTYPE[^>]*>\\s*", "");
        atomically(svg, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static XYChart chart(Panel panel) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(panel.title())
                .xAxisTitle(panel.xLabel()).yAxisTitle(panel.yLabel() + (panel.logY() && spansADecade(panel) ? " (log scale)" : "")).build();
        var style = chart.getStyler();
        style.setLegendPosition(Styler.LegendPosition.OutsideE);
        style.setLegendBorderColor(Color.LIGHT_GRAY);
        style.setChartBackgroundColor(Color.WHITE);
        style.setPlotBackgroundColor(Color.WHITE);
        style.setPlotBorderColor(Color.GRAY);
        style.setPlotGridLinesColor(new Color(0xe6e6e6));
        style.setChartTitleBoxVisible(false);
        style.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        style.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        style.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        style.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        boolean log = panel.logY() && spansADecade(panel);
        style.setYAxisLogarithmic(log);
        // A pattern, not a function: with a function XChart puts x ticks at data points (640, 1920, ...).
        style.setXAxisDecimalPattern("0.######");
        if (log) {
            // XChart's logarithmic ticks, one per decade, labelled in plain decimals (a function
            // would replace its ticks with linear ones).
            style.setYAxisLogarithmicDecadeOnly(true);
            style.setYAxisDecimalPattern("0.##########");
        } else {
            int digits = digitsToTellApart(panel);
            style.setyAxisTickLabelsFormattingFunction(v -> Numbers.significant(v, digits));
        }
        style.setMarkerSize(8);
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < panel.series().size(); i++) {
            Series s = drawable(panel.series().get(i), panel.logY());
            if (s.x().length == 0) {
                continue;
            }
            xmin = Math.min(xmin, s.x()[0]);
            xmax = Math.max(xmax, s.x()[s.x().length - 1]);
            Color color = COLORS[i % COLORS.length];
            if (!java.util.Arrays.equals(s.low(), s.high())) {
                XYSeries band = chart.addSeries(s.label() + " (band)", band(s.x(), s.x()), band(s.high(), s.low()));
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                band.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 45));
                band.setLineColor(new Color(0, 0, 0, 0));
                band.setLineStyle(new BasicStroke(0f));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(false);
            }
            XYSeries line = chart.addSeries(s.label(), s.x(), s.mean());
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setLineColor(color);
            line.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            line.setMarker(s.x().length <= FEW_POINTS ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            line.setMarkerColor(color);
        }
        offTheGrid(chart, panel);
        Panel.Reference ref = panel.reference();
        if (ref != null && xmax >= xmin && (!panel.logY() || ref.y() > 0)) {
            XYSeries line = chart.addSeries(ref.label(), new double[] {xmin, xmax}, new double[] {ref.y(), ref.y()});
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setLineColor(Color.DARK_GRAY);
            line.setLineStyle(SeriesLines.DASH_DASH);
            line.setMarker(SeriesMarkers.NONE);
        }
        if (xmax > xmin) {
            style.setXAxisMin(Math.min(0, xmin));
            style.setXAxisMax(xmax);
        }
        return chart;
    }

    /**
     * Adds an invisible point between the first two x values when every x of the panel lies on
     * one evenly spaced grid (evaluations every 640 steps): XChart then puts its x ticks on
     * data points (1920, 3840, ...) instead of round numbers.
     */
    private static void offTheGrid(XYChart chart, Panel panel) {
        java.util.TreeSet<Double> xs = new java.util.TreeSet<>();
        double y = Double.NaN;
        for (Series s : panel.series()) {
            Series d = drawable(s, panel.logY());
            for (int i = 0; i < d.x().length; i++) {
                xs.add(d.x()[i]);
                y = Double.isNaN(y) ? d.mean()[i] : y;
            }
        }
        if (xs.size() < 3) {
            return;
        }
        double first = xs.first();
        double spacing = xs.higher(first) - first;
        boolean even = xs.stream().allMatch(x -> Math.abs((x - first) / spacing - Math.rint((x - first) / spacing)) < 1e-9);
        if (even) {
            XYSeries helper = chart.addSeries(" ", new double[] {first + spacing / 2}, new double[] {y});
            helper.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            helper.setMarker(SeriesMarkers.NONE);
            helper.setShowInLegend(false);
        }
    }

    /**
     * Significant digits that tell the y ticks apart: two more than the orders of magnitude
     * between the largest value and the range (a learned beta1 from 0.9 to 0.90001 needs 7).
     */
    private static int digitsToTellApart(Panel panel) {
        double[] range = range(panel, false);
        double span = range[1] - range[0];
        double magnitude = Math.max(Math.abs(range[0]), Math.abs(range[1]));
        if (!(span > 0) || !(magnitude > 0)) {
            return 3;
        }
        return (int) Math.max(3, Math.min(12, 2 + Math.ceil(Math.log10(magnitude / span))));
    }

    /**
     * Whether the panel's positive values span a factor of ten or more: below that a logarithmic
     * axis would show at most one decade tick, and a linear one reads better.
     */
    private static boolean spansADecade(Panel panel) {
        double[] range = range(panel, true);
        return range[1] >= 10 * range[0];
    }

    /** The lowest and highest band edge of the panel's drawable points (positive ones only if {@code log}). */
    private static double[] range(Panel panel, boolean log) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : panel.series()) {
            Series d = drawable(s, log);
            for (double[] values : new double[][] {d.low(), d.high()}) {
                for (double v : values) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        return new double[] {min, max};
    }

    /**
     * The series restricted to points XChart can draw (finite, positive on a log axis), thinned to
     * at most {@value #MAX_POINTS} points.
     */
    static Series drawable(Series s, boolean logY) {
        int step = Math.max(1, (s.x().length + MAX_POINTS - 1) / MAX_POINTS);
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < s.x().length; i++) {
            boolean last = i == s.x().length - 1;
            if (i % step != 0 && !last) {
                continue;
            }
            double lo = Math.min(s.low()[i], s.mean()[i]);
            if (Double.isFinite(s.x()[i]) && Double.isFinite(s.mean()[i]) && Double.isFinite(s.low()[i])
                    && Double.isFinite(s.high()[i]) && (!logY || lo > 0)) {
                keep.add(i);
            }
        }
        double[][] out = new double[4][keep.size()];
        for (int k = 0; k < keep.size(); k++) {
            int i = keep.get(k);
            out[0][k] = s.x()[i];
            out[1][k] = s.mean()[i];
            out[2][k] = s.low()[i];
            out[3][k] = s.high()[i];
        }
        return new Series(s.label(), out[0], out[1], out[2], out[3]);
    }

    /** {@code forward} followed by {@code backward} reversed: the outline of a band. */
    private static double[] band(double[] forward, double[] backward) {
        double[] out = new double[forward.length + backward.length];
        System.arraycopy(forward, 0, out, 0, forward.length);
        for (int i = 0; i < backward.length; i++) {
            out[forward.length + i] = backward[backward.length - 1 - i];
        }
        return out;
    }

    /** What writes a file's bytes. */
    @FunctionalInterface
    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static void atomically(Path file, Writer writer) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            writer.write(out);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
