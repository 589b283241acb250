package org.optopt.cli.report;

/** The drawing operations a {@link LinePlot} needs, in pixel coordinates (y grows downwards). */
interface Canvas {
    /** A polyline. */
    void polyline(double[] xs, double[] ys, String color, double width);

    /** A filled polygon with the given opacity. */
    void polygon(double[] xs, double[] ys, String color, double opacity);

    /** Text anchored at its start ({@code anchor} "start"), middle or end. */
    void text(double x, double y, String text, String anchor, int size);
}
