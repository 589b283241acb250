package org.optopt.cli.studyreport;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.optopt.cli.report.Series;

/**
 * The report's figures, drawn by XChart: panels side by side (two per row), each curve a line with
 * a translucent min-max band (and markers where it has at most three points), written as one PNG
 * and one SVG (through VectorGraphics2D). Points that a logarithmic axis cannot show (not positive,
 * not finite) are left out. (The branch replacing {@code report.LinePlot} with XChart had not
 * reached main when this was written; once it has, these figures can move onto its code.)
 */
final class Charts {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;
    private static final int COLUMNS = 2;
    private static final int FEW_POINTS = 3;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private Charts() {}

    /**
     * One chart.
     *
     * @param title text above it
     * @param xLabel x axis title
     * @param yLabel y axis title
     * @param logY a logarithmic y axis
     * @param series the curves
     */
    record Panel(String title, String xLabel, String yLabel, boolean logY, List<Series> series) {}

    /** Writes {@code panels} to {@code svg} and {@code png}, each atomically. */
    static void write(List<Panel> panels, Path svg, Path png) throws IOException {
        List<XYChart> charts = panels.stream().map(Charts::chart).toList();
        int columns = Math.min(COLUMNS, charts.size());
        int width = WIDTH * columns;
        int height = HEIGHT * ((charts.size() + columns - 1) / columns);
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
        atomically(svg, out -> new SVGProcessor().getDocument(vector.getCommands(), new PageSize(0, 0, width, height))
                .writeTo(out));
    }

    private static XYChart chart(Panel panel) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(panel.title())
                .xAxisTitle(panel.xLabel()).yAxisTitle(panel.yLabel()).build();
        XYStyler style = chart.getStyler();
        style.setLegendPosition(Styler.LegendPosition.InsideNE);
        style.setChartBackgroundColor(Color.WHITE);
        style.setPlotBackgroundColor(Color.WHITE);
        style.setMarkerSize(8);
        style.setXAxisDecimalPattern("0.######");
        chart.getStyler().setYAxisLogarithmic(panel.logY());
        for (int i = 0; i < panel.series().size(); i++) {
            Series d = drawable(panel.series().get(i), panel.logY());
            Color c = COLORS[i % COLORS.length];
            if (d.x().length == 0) {
                continue;
            }
            XYSeries line = chart.addSeries(d.label(), d.x(), d.mean());
            // A curve of a few points (one evaluation per run) shows its points.
            line.setMarker(d.x().length <= FEW_POINTS ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            line.setMarkerColor(c);
            line.setLineStyle(new BasicStroke(2f));
            line.setLineColor(c);
            if (!java.util.Arrays.equals(d.low(), d.high())) {
                XYSeries band = chart.addSeries(d.label() + " band", concat(d.x(), reverse(d.x())),
                        concat(d.high(), reverse(d.low())));
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                band.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 45));
                band.setLineColor(new Color(0, 0, 0, 0));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(false);
            }
        }
        return chart;
    }
    /** The points of {@code s} that the axis can show (finite; positive on a log axis). */
    private static Series drawable(Series s, boolean logY) {
        int n = 0;
        int[] keep = new int[s.x().length];
        for (int i = 0; i < keep.length; i++) {
            if (shows(s.mean()[i], logY) && shows(s.low()[i], logY) && shows(s.high()[i], logY) && Double.isFinite(s.x()[i])) {
                keep[n++] = i;
            }
        }
        double[][] out = new double[4][n];
        for (int k = 0; k < n; k++) {
            out[0][k] = s.x()[keep[k]];
            out[1][k] = s.mean()[keep[k]];
            out[2][k] = s.low()[keep[k]];
            out[3][k] = s.high()[keep[k]];
        }
        return new Series(s.label(), out[0], out[1], out[2], out[3]);
    }

    private static boolean shows(double v, boolean logY) {
        return Double.isFinite(v) && (!logY || v > 0);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] reverse(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[a.length - 1 - i];
        }
        return out;
    }

    /** What writes a file's content. */
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
