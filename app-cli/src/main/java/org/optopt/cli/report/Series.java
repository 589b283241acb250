package org.optopt.cli.report;

/**
 * One curve of a plot: a mean line with a band (e.g. min and max over seeds) at shared x values.
 *
 * @param label legend text
 * @param x abscissae, increasing
 * @param mean the line
 * @param low lower edge of the band (same length), or the mean itself for no band
 * @param high upper edge of the band
 */
public record Series(String label, double[] x, double[] mean, double[] low, double[] high) {
    /** Checks that the arrays have one length. */
    public Series {
        if (mean.length != x.length || low.length != x.length || high.length != x.length) {
            throw new IllegalArgumentException("Series " + label + ": arrays of different lengths");
        }
    }
}
