package org.optopt.optimizers.spec;

import java.math.BigDecimal;

/** Numbers as specs print them: the shortest text that reads back as the same double. */
final class SpecNumbers {
    private SpecNumbers() {}

    /**
     * {@code v} in plain notation between 1e-3 and 1e6 ({@code 0.001}, {@code 0.9}, {@code 250}),
     * else as {@code 3e-4} or {@code 1.5e6}; always the shortest digits that round-trip.
     */
    static String format(double v) {
        if (v == 0) {
            return "0";
        }
        BigDecimal digits = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        double magnitude = Math.abs(v);
        if (magnitude >= 1e-3 && magnitude < 1e6) {
            return digits.toPlainString();
        }
        int exponent = digits.precision() - digits.scale() - 1;
        return digits.scaleByPowerOfTen(-exponent).toPlainString() + "e" + exponent;
    }
}
