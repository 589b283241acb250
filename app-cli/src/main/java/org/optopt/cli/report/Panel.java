package org.optopt.cli.report;

import java.util.List;

/**
 * One chart of a {@link Figure}: curves with bands against a shared x axis, and optionally a
 * horizontal reference line such as a task's target.
 *
 * @param title text above the chart
 * @param xLabel x axis title
 * @param yLabel y axis title
 * @param logY whether the y axis is logarithmic (points that are not positive are left out)
 * @param series the curves, colored in order
 * @param reference a dashed horizontal line, or null for none
 */
public record Panel(String title, String xLabel, String yLabel, boolean logY, List<Series> series, Reference reference) {
    /**
     * A horizontal line across the chart.
     *
     * @param label its legend entry, e.g. {@code target: test loss <= 0.001}
     * @param y its height
     */
    public record Reference(String label, double y) {}

    /** Copies the series. */
    public Panel {
        series = List.copyOf(series);
    }

    /** A panel without a reference line. */
    public Panel(String title, String xLabel, String yLabel, boolean logY, List<Series> series) {
        this(title, xLabel, yLabel, logY, series, null);
    }
}
