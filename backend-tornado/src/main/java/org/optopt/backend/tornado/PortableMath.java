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
    /** Float16's largest finite value, 65504, plus half its spacing there: from here on a float rounds to infinity. */
    private static final float FLOAT16_OVERFLOW = 65520f;

    private PortableMath() {}

    /**
     * {@code x} rounded to the nearest float16 (ties to even), as a float: what
     * {@code Float.float16ToFloat(Float.floatToFloat16(x))} gives, with arithmetic and comparisons
     * only. Float16's spacing is u = 2^-24 below 2^-13 (its subnormals and lowest binade) and doubles
     * with every binade above, 2^(e-10) in [2^e, 2^(e+1)): u = 2^(j-24) where j counts the powers
     * 2^-13 .. 2^15 at or below |x|, found by a binary search of five comparisons (no loop: TornadoVM
     * inlines calls into the kernel within a node budget).
     * Adding c = 1.5 * 2^23 u, a float whose spacing is u and which stays in its binade when |x| &lt;
     * 2^11 u is added, rounds |x| to a multiple of u in one float rounding, to nearest, and ties to
     * even because c / u is even; subtracting c again is exact. 65520 and above round to infinity
     * (65504 is odd, so the tie there goes up); NaN stays NaN; the sign is put back last, a zero's
     * read as {@code 1 / x < 0}.
     */
    public static float roundToFloat16(float x) {
        float a = Math.abs(x);
        float r;
        if (a > FLOAT16_OVERFLOW || a == FLOAT16_OVERFLOW) { // not >=, which the device compiler makes true for NaN
            r = Float.POSITIVE_INFINITY;
        } else {
            float m = a;
            float u = 0x1p-24f;
            if (m >= 0x1p2f) { // j >= 16
                m *= 0x1p-16f;
                u *= 0x1p16f;
            }
            if (m >= 0x1p-6f) { // 8 more
                m *= 0x1p-8f;
                u *= 0x1p8f;
            }
            if (m >= 0x1p-10f) { // 4 more
                m *= 0x1p-4f;
                u *= 0x1p4f;
            }
            if (m >= 0x1p-12f) { // 2 more
                m *= 0x1p-2f;
                u *= 0x1p2f;
            }
            if (m >= 0x1p-13f) { // 1 more
                u *= 2f;
            }
            float c = u * 0x1.8p23f;
            r = (a + c) - c;
        }
        return x < 0f || 1f / x < 0f ? -r : r;
    }

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
