package org.optopt.api.kernel;

/**
 * How a {@link Statement.Reduce} combines its per-element values (accumulated in double, except
 * where {@link #FLOAT_PARTIAL_SUM} allows float partial sums).
 */
public enum ReduceOp {
    /** Sum, accumulated in double; 0 over no elements. */
    SUM,
    /** Maximum; negative infinity over no elements; NaN if any value is NaN. */
    MAX,
    /** Minimum; positive infinity over no elements; NaN if any value is NaN. */
    MIN,
    /**
     * Sum, 0 over no elements, where a backend may add the terms in float partial sums of at most
     * {@value #FLOAT_PARTIAL_TERMS} terms each, added to each other in double: for n terms t_i the
     * result is within (gamma_f({@value #FLOAT_PARTIAL_TERMS} - 1) + gamma_d(n)) sum |t_i| of the exact
     * sum, gamma_f(k) = k 2^-24 / (1 - k 2^-24) and gamma_d(k) = k 2^-53 / (1 - k 2^-53) (Higham,
     * eq. 4.4): about 1.8e-6 sum |t_i|; and a partial sum may overflow to infinity where its terms add
     * up beyond float's range (about 3.4e38). Accumulating in double, as {@link #SUM} does, meets
     * this, so a backend may treat it as {@link #SUM}.
     *
     * <p>For statistics whose sampling noise dwarfs float rounding (the statistic probes): without
     * a widening per term, a CPU's vector loop adds twice the terms per instruction (measured on
     * mnist-mlp's autocorrelation probe, nd4j with the Vector API: 33-35 us per observation against 72,
     * data in the cache).
     */
    FLOAT_PARTIAL_SUM;

    /** The most terms a float partial sum of {@link #FLOAT_PARTIAL_SUM} adds. */
    public static final int FLOAT_PARTIAL_TERMS = 32;

    /** Whether this is a sum ({@link #SUM} or {@link #FLOAT_PARTIAL_SUM}). */
    public boolean isSum() {
        return this == SUM || this == FLOAT_PARTIAL_SUM;
    }

    /** The value of the reduction over no elements. */
    public double identity() {
        return switch (this) {
            case SUM, FLOAT_PARTIAL_SUM -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    /** Combines an accumulator with one more value (sums in double). */
    public double combine(double acc, double value) {
        return switch (this) {
            case SUM, FLOAT_PARTIAL_SUM -> acc + value;
            case MAX -> Double.isNaN(value) || Double.isNaN(acc) ? Double.NaN : Math.max(acc, value);
            case MIN -> Double.isNaN(value) || Double.isNaN(acc) ? Double.NaN : Math.min(acc, value);
        };
    }
}
