package org.optopt.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Line plots of curves with bands, side by side, written as SVG and PNG: e.g. training loss and
 * test accuracy against steps, one line per optimizer with its seed band.
 */
public final class LinePlot {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int PANEL_WIDTH = 520;
    private static final int PANEL_HEIGHT = 380;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    /**
     * One panel.
     *
     * @param title text above the panel
     * @param xLabel axis label
     * @param yLabel axis label
     * @param logY whether the y axis is logarithmic (needs positive values)
     * @param series the curves, colored in order
     */
    public record Panel(String title, String xLabel, String yLabel, boolean logY, List<Series> series) {}

    private LinePlot() {}

    /** Writes the panels to {@code svg} and {@code png} (each through a temporary file and a rename). */
    public static void write(List<Panel> panels, Path svg, Path png) throws IOException {
        int width = PANEL_WIDTH * panels.size();
        SvgCanvas s = new SvgCanvas(width, PANEL_HEIGHT);
        PngCanvas p = new PngCanvas(width, PANEL_HEIGHT);
        for (int i = 0; i < panels.size(); i++) {
            draw(s, panels.get(i), i * PANEL_WIDTH);
            draw(p, panels.get(i), i * PANEL_WIDTH);
        }
        Path svgTmp = svg.resolveSibling(svg.getFileName() + ".tmp");
        Files.writeString(svgTmp, s.document(), StandardCharsets.UTF_8);
        Files.move(svgTmp, svg, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path pngTmp = png.resolveSibling(png.getFileName() + ".tmp");
        if (!ImageIO.write(p.image(), "png", pngTmp.toFile())) {
            throw new IOException("No PNG writer available");
        }
        Files.move(pngTmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void draw(Canvas c, Panel panel, double x0) {
        double left = x0 + LEFT;
        double right = x0 + PANEL_WIDTH - RIGHT;
        double top = TOP;
        double bottom = PANEL_HEIGHT - BOTTOM;
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : panel.series()) {
            for (int i = 0; i < s.x().length; i++) {
                xmin = Math.min(xmin, s.x()[i]);
                xmax = Math.max(xmax, s.x()[i]);
                for (double v : new double[] {s.low()[i], s.high()[i]}) {
                    if (Double.isFinite(v) && (!panel.logY() || v > 0)) {
                        ymin = Math.min(ymin, transform(v, panel.logY()));
                        ymax = Math.max(ymax, transform(v, panel.logY()));
                    }
                }
            }
        }
        if (!(xmax > xmin)) {
            xmax = xmin + 1;
        }
        if (!(ymax > ymin)) {
            ymin = Double.isFinite(ymin) ? ymin - 0.5 : 0;
            ymax = ymin + 1;
        }
        double pad = 0.04 * (ymax - ymin);
        ymin -= pad;
        ymax += pad;
        Axis ax = new Axis(left, right, top, bottom, xmin, xmax, ymin, ymax, panel.logY());
        c.polyline(new double[] {left, right, right, left, left}, new double[] {top, top, bottom, bottom, top}, "#000000", 1);
        for (int k = 0; k <= 4; k++) {
            double xv = xmin + k * (xmax - xmin) / 4;
            c.text(ax.px(xv), bottom + 16, number(xv), "middle", 11);
            double yv = ymin + k * (ymax - ymin) / 4;
            c.text(left - 6, ax.py(yv) + 4, number(panel.logY() ? Math.pow(10, yv) : yv), "end", 11);
            c.polyline(new double[] {left, left + 4}, new double[] {ax.py(yv), ax.py(yv)}, "#000000", 1);
        }
        c.text((left + right) / 2, 16, panel.title(), "middle", 14);
        c.text((left + right) / 2, bottom + 36, panel.xLabel(), "middle", 12);
        c.text(left, top - 6, panel.yLabel() + (panel.logY() ? " (log scale)" : ""), "start", 11);
        for (int si = 0; si < panel.series().size(); si++) {
            Series s = panel.series().get(si);
            String color = COLORS[si % COLORS.length];
            int n = s.x().length;
            double[] bx = new double[2 * n];
            double[] by = new double[2 * n];
            double[] lx = new double[n];
            double[] ly = new double[n];
            for (int i = 0; i < n; i++) {
                bx[i] = ax.px(s.x()[i]);
                by[i] = ax.py(ax.clampY(s.high()[i]));
                bx[2 * n - 1 - i] = bx[i];
                by[2 * n - 1 - i] = ax.py(ax.clampY(s.low()[i]));
                lx[i] = bx[i];
                ly[i] = ax.py(ax.clampY(s.mean()[i]));
            }
            c.polygon(bx, by, color, 0.18);
            c.polyline(lx, ly, color, 2);
            double legendY = top + 16 + 15 * si;
            c.polyline(new double[] {right - 190, right - 172}, new double[] {legendY - 4, legendY - 4}, color, 3);
            c.text(right - 168, legendY, s.label(), "start", 11);
        }
    }

    private static double transform(double v, boolean log) {
        return log ? Math.log10(v) : v;
    }

    private record Axis(double left, double right, double top, double bottom, double xmin, double xmax, double ymin,
            double ymax, boolean logY) {
        double px(double x) {
            return left + (x - xmin) / (xmax - xmin) * (right - left);
        }

        double py(double transformed) {
            return bottom - (transformed - ymin) / (ymax - ymin) * (bottom - top);
        }

        /** Transforms a data value and keeps it inside the frame (non-finite values sit on an edge). */
        double clampY(double v) {
            double t = logY ? (v > 0 ? Math.log10(v) : ymin) : v;
            if (Double.isNaN(t)) {
                return ymax;
            }
            return Math.max(ymin, Math.min(ymax, t));
        }
    }

    private static String number(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e4 || a < 1e-2)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : "%.3g", v);
    }
}
