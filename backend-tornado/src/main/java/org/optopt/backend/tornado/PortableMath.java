package org.optopt.backend.tornado;

/**
 * {@link Math} methods that device compilers take, bit for bit the JDK's (but {@link #log1p}): arithmetic and comparisons
 * only, no bit reinterpretation (TornadoVM's OpenCL backend cannot compile {@code floatToRawIntBits},
 * which the JDK's {@code signum}, {@code copySign}, {@code max} and {@code min} use or which the
 * device's {@code fmax}/{@code fmin} replace with other NaN and signed-zero rules) and no
 * {@code BigDecimal} (the JDK's {@code fma}). The device code copies these methods' bytecode into
 * kernels and redirects {@code Math} calls to them ({@code DeviceMethods}). {@link #log1p} alone is
 * not bit for bit the JDK's.
 *
 * <p>{@link #fma} is exact (for every finite result; NaN and infinite operands give what
 * {@code Math.fma} gives): the product {@code a*b} of two floats has at most 48 significant bits, so
 * it is exact in double; Knuth's two-sum then splits {@code a*b + c} exactly into its double rounding
 * {@code s} and the remainder {@code err}. Rounding to nearest is monotonic and float midpoints are
 * doubles, so {@code s} lies on the same side of every float midpoint as the exact sum, or on one:
 * rounding {@code s} to float ({@code r}) is therefore correct unless {@code s} is itself a midpoint
 * and {@code err != 0}, when the exact sum lies on {@code err}'s side of it. {@code s} is a midpoint
 * exactly when {@code other = 2s - r} (computed exactly: {@code s - r} by Sterbenz's lemma, the sum
 * because it is then a float) is a finite float other than {@code r}: the float on the other side of
 * {@code s}. (No float lies strictly between two neighbours, so otherwise {@code 2s - r} is none; an
 * overflow of {@code r} to infinity makes it infinite.) The methods have few operations and no loops,
 * as TornadoVM inlines every call into the kernel within a node budget. A zero's sign is read as
 * {@code 1 / x < 0}, never under a test {@code x == 0}, which the device compiler may use to replace
 * {@code x} by {@code +0} (it gave {@code erf(-0) = +0}).
 */
public final class PortableMath {
    private PortableMath() {}

    /** {@code a * b + c} rounded once to float, as {@link Math#fma(float, float, float)}. */
    public static float fma(float a, float b, float c) {
        double p = (double) a * b;
        double s = p + c;
        float r = (float) s;
        double other = s + (s - r);
        double back = s - p;
        double err = (p - (s - back)) + (c - back);
        boolean tie = other != r && (double) (float) other == other && other - other == 0;
        return tie && err != 0 && (err > 0) == (other > s) ? (float) other : r;
    }

    /** {@link Math#max(float, float)}: NaN if either is, and +0 above -0. */
    public static float max(float a, float b) {
        if (a != a || b != b) {
            return a + b;
        }
        if (a == b) {
            return 1 / a < 0 ? b : a;
        }
        return a > b ? a : b;
    }

    /** {@link Math#min(float, float)}: NaN if either is, and -0 below +0. */
    public static float min(float a, float b) {
        if (a != a || b != b) {
            return a + b;
        }
        if (a == b) {
            return 1 / a > 0 ? b : a;
        }
        return a < b ? a : b;
    }

    /** {@link Math#signum(float)}: the argument itself for zeros and NaN. */
    public static float signum(float x) {
        return x > 0 ? 1f : x < 0 ? -1f : x;
    }

    /**
     * {@link Math#copySign(double, double)} for a {@code sign} that is not NaN (a NaN sign counts as
     * positive, as in {@link StrictMath#copySign(double, double)}).
     */
    public static double copySign(double magnitude, double sign) {
        boolean negative = sign < 0 || 1 / sign < 0;
        boolean negativeNow = magnitude < 0 || 1 / magnitude < 0;
        return negative == negativeNow ? magnitude : -magnitude;
    }

    /**
     * {@code log(1 + x)} by Goldberg's formula {@code x * log(u) / (u - 1)}, {@code u = 1 + x} rounded
     * (the rounding error of {@code u} cancels in the quotient), through {@code Math.log}, which device
     * compilers take, while the JDK's {@link Math#log1p} reinterprets bits. Not the JDK's bits: within
     * a few double ulps of it, which a float result rounded from it almost always hides (checked).
     */
    public static double log1p(double x) {
        double u = 1.0 + x;
        if (u == 1.0) {
            return x;
        }
        if (u - u != 0) {
            return Math.log(u);
        }
        return Math.log(u) * (x / (u - 1.0));
    }

    /**
     * {@link Math#pow(double, double)}: the device's {@code pow} (C's) but where Java's differs, a NaN
     * exponent, or a base of +-1 with an infinite exponent, which give NaN in Java and 1 in C.
     */
    public static double pow(double a, double b) {
        if (b != b || b - b != 0 && (a == 1 || a == -1)) {
            return b - b;
        }
        return Math.pow(a, b);
    }
}
