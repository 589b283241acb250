package org.optopt.optimizers.golden;

/**
 * The largest deviation of computed values from reference values. The relative error of one
 * element is {@code |x - ref| / max(|ref|, FLOOR)}: relative for |ref| above {@value #FLOOR},
 * absolute (scaled by 1/FLOOR) below, so that a tolerance {@code rtol} on it means
 * {@code |x - ref| <= max(rtol*|ref|, rtol*FLOOR)}; with rtol 1e-5 the absolute floor is 1e-6.
 */
public final class ErrorMeter {
    /** Below this magnitude the error is measured absolutely. */
    public static final double FLOOR = 0.1;

    private double maxAbs;
    private double maxRel;
    private String worst = "";
    private long compared;

    /** A meter that has compared nothing yet. */
    public ErrorMeter() {
    }

    /** Compares {@code values} with {@code reference} element by element; {@code where} names them. */
    public void compare(String where, float[] values, double[] reference) {
        if (values.length != reference.length) {
            throw new IllegalArgumentException(where + ": " + values.length + " values but " + reference.length
                    + " reference values");
        }
        for (int i = 0; i < values.length; i++) {
            compare(where + "[" + i + "]", values[i], reference[i]);
        }
    }

    /** Compares one value with its reference. */
    public void compare(String where, double value, double reference) {
        double abs = Math.abs(value - reference);
        double rel = abs / Math.max(Math.abs(reference), FLOOR);
        if (Double.isNaN(abs)) {
            abs = Double.POSITIVE_INFINITY;
            rel = Double.POSITIVE_INFINITY;
        }
        maxAbs = Math.max(maxAbs, abs);
        if (rel > maxRel || compared == 0) {
            maxRel = Math.max(rel, maxRel);
            worst = where + ": " + value + " vs " + reference;
        }
        compared++;
    }

    /** The largest absolute error. */
    public double maxAbs() {
        return maxAbs;
    }

    /** The largest relative error (see the class description). */
    public double maxRel() {
        return maxRel;
    }

    /** The element with the largest relative error, with both values. */
    public String worst() {
        return worst;
    }

    /** How many values were compared. */
    public long compared() {
        return compared;
    }
}
