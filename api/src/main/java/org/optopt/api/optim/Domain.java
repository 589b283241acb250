package org.optopt.api.optim;

import java.util.Locale;

/**
 * The set of valid values of a real hyperparameter: an interval of finite doubles, each end open
 * or closed or absent, optionally restricted to integers. Values outside fail fast with a message
 * naming the hyperparameter, the value and the domain; nothing is clamped.
 *
 * <p>Each domain suggests the {@link Reparameterization} a hyper-optimizer should learn through:
 * {@code [0, 1)} and {@code (0, 1)} via (tanh x + 1)/2, {@code (0, inf)} via softplus,
 * {@code [0, inf)} via the square, anything else unconstrained.
 */
public final class Domain {
    private final double low;
    private final boolean lowClosed;
    private final double high;
    private final boolean highClosed;
    private final boolean integer;

    private Domain(double low, boolean lowClosed, double high, boolean highClosed, boolean integer) {
        if (!(low <= high)) {
            throw new IllegalArgumentException("Empty domain: low " + low + " > high " + high);
        }
        this.low = low;
        this.lowClosed = lowClosed;
        this.high = high;
        this.highClosed = highClosed;
        this.integer = integer;
    }

    /** Every finite value. */
    public static Domain real() {
        return new Domain(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false, false);
    }

    /** {@code [low, inf)}, e.g. {@code lr >= 0}. */
    public static Domain atLeast(double low) {
        return new Domain(low, true, Double.POSITIVE_INFINITY, false, false);
    }

    /** {@code (low, inf)}, e.g. {@code eps > 0}. */
    public static Domain greaterThan(double low) {
        return new Domain(low, false, Double.POSITIVE_INFINITY, false, false);
    }

    /** {@code (-inf, high]}, e.g. Adafactor's {@code beta2_decay <= 0}. */
    public static Domain atMost(double high) {
        return new Domain(Double.NEGATIVE_INFINITY, false, high, true, false);
    }

    /** {@code [low, high)}, e.g. {@code 0 <= beta1 < 1}. */
    public static Domain closedOpen(double low, double high) {
        return new Domain(low, true, high, false, false);
    }

    /** {@code (low, high)}. */
    public static Domain open(double low, double high) {
        return new Domain(low, false, high, false, false);
    }

    /** {@code [low, high]}. */
    public static Domain closed(double low, double high) {
        return new Domain(low, true, high, true, false);
    }

    /** The integers {@code >= low}, e.g. an update interval {@code k >= 1}. */
    public static Domain integerAtLeast(long low) {
        return new Domain(low, true, Double.POSITIVE_INFINITY, false, true);
    }

    /** Whether {@code value} is finite and lies in this domain. */
    public boolean contains(double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        boolean aboveLow = lowClosed ? value >= low : value > low;
        boolean belowHigh = highClosed ? value <= high : value < high;
        return aboveLow && belowHigh && (!integer || value == Math.rint(value));
    }

    /**
     * Returns {@code value} if it lies in this domain.
     *
     * @throws IllegalArgumentException naming {@code name}, the value and this domain otherwise
     */
    public double require(String name, double value) {
        if (!contains(value)) {
            throw new IllegalArgumentException("Invalid " + name + " = " + value + ": must satisfy " + describe(name));
        }
        return value;
    }

    /** The reparameterization a hyper-optimizer should use for values in this domain. */
    public Reparameterization reparameterization() {
        if (integer) {
            return Reparameterization.IDENTITY;
        }
        if (low == 0 && high == 1 && !highClosed) {
            return Reparameterization.UNIT_INTERVAL_TANH;
        }
        if (low == 0 && high == Double.POSITIVE_INFINITY) {
            return lowClosed ? Reparameterization.POSITIVE_SQUARE : Reparameterization.POSITIVE_SOFTPLUS;
        }
        return Reparameterization.IDENTITY;
    }

    /** The domain as a condition on {@code name}, e.g. {@code 0 <= beta1 < 1} or {@code eps > 0}. */
    public String describe(String name) {
        String subject = integer ? name + " integer" : name;
        boolean hasLow = low != Double.NEGATIVE_INFINITY;
        boolean hasHigh = high != Double.POSITIVE_INFINITY;
        if (hasLow && hasHigh) {
            return fmt(low) + (lowClosed ? " <= " : " < ") + name + (highClosed ? " <= " : " < ") + fmt(high)
                    + (integer ? " (integer)" : "");
        }
        if (hasLow) {
            return subject + (lowClosed ? " >= " : " > ") + fmt(low);
        }
        if (hasHigh) {
            return subject + (highClosed ? " <= " : " < ") + fmt(high);
        }
        return subject + " finite";
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%d", (long) v) : Double.toString(v);
    }

    @Override
    public String toString() {
        return describe("x");
    }
}
