package org.optopt.api.kernel;

/** How a {@link Statement.Reduce} combines its per-element values (accumulated in double). */
public enum ReduceOp {
    /** Sum; 0 over no elements. */
    SUM,
    /** Maximum; negative infinity over no elements; NaN if any value is NaN. */
    MAX,
    /** Minimum; positive infinity over no elements; NaN if any value is NaN. */
    MIN;

    /** The value of the reduction over no elements. */
    public double identity() {
        return switch (this) {
            case SUM -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    /** Combines an accumulator with one more value. */
    public double combine(double acc, double value) {
        return switch (this) {
            case SUM -> acc + value;
            case MAX -> Double.isNaN(value) || Double.isNaN(acc) ? Double.NaN : Math.max(acc, value);
            case MIN -> Double.isNaN(value) || Double.isNaN(acc) ? Double.NaN : Math.min(acc, value);
        };
    }
}
