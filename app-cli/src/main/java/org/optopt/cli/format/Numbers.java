package org.optopt.cli.format;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Numbers as people read them: {@code 0.05}, {@code 3e-4}, {@code 1e6}, {@code 20}; never
 * {@code 3.0E-4} or {@code 1000000.0}. Plain notation from 0.001 to below a million, scientific
 * notation with a short exponent outside it.
 */
public final class Numbers {
    private static final double PLAIN_LOW = 1e-3;
    private static final double PLAIN_HIGH = 1e6;

    private Numbers() {}

    /** The shortest text that reads back as {@code v} (Java's shortest repr, re-notated). */
    public static String compact(double v) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        return notate(new BigDecimal(Double.toString(v)));
    }

    /** {@code v} rounded to {@code digits} significant digits, in the notation of {@link #compact}. */
    public static String significant(double v, int digits) {
        if (!Double.isFinite(v)) {
            return compact(v);
        }
        return notate(new BigDecimal(Double.toString(v)).round(new MathContext(digits, RoundingMode.HALF_EVEN)));
    }

    private static String notate(BigDecimal d) {
        if (d.signum() == 0) {
            return "0";
        }
        BigDecimal s = d.stripTrailingZeros();
        double a = Math.abs(s.doubleValue());
        if (a >= PLAIN_LOW && a < PLAIN_HIGH) {
            return s.toPlainString();
        }
        int exponent = s.precision() - s.scale() - 1;
        return s.movePointLeft(exponent).stripTrailingZeros().toPlainString() + "e" + exponent;
    }
}
