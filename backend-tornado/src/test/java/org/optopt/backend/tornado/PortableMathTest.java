package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.kernel.KernelMath;

/** {@link PortableMath} against the JDK's {@link Math}, bit for bit. */
class PortableMathTest {

    @Test
    void equalsMathFmaOnRandomOperandsOfEveryMagnitude() {
        SplittableRandom random = new SplittableRandom(23);
        for (int i = 0; i < 2_000_000; i++) {
            check(anyFloat(random), anyFloat(random), anyFloat(random));
        }
    }

    @Test
    void equalsMathFmaOnOperandsOfSimilarMagnitude() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 2_000_000; i++) {
            check((float) random.nextDouble(-4, 4), (float) random.nextDouble(-4, 4), (float) random.nextDouble(-16, 16));
        }
    }

    @Test
    void equalsMathFmaWhereTheProductCancelsTheAddend() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            float a = anyFloat(random);
            float b = anyFloat(random);
            float c = -(a * b);
            check(a, b, Float.intBitsToFloat(Float.floatToRawIntBits(c) + random.nextInt(-3, 4)));
        }
    }

    /**
     * Products that are float midpoints (odd integers in [2^24, 2^25)) plus an addend too small to move
     * their double rounding: rounding that double to float would tie; the addend's sign decides.
     */
    @Test
    void breaksTheTiesThatDoubleRoundingGetsWrong() {
        SplittableRandom random = new SplittableRandom(11);
        int ties = 0;
        for (int i = 0; i < 200_000; i++) {
            float a = 2 * random.nextInt(1 << 10, 1 << 11) + 1;
            float b = 2 * random.nextInt(1 << 12, 1 << 13) + 1;
            float c = random.nextBoolean() ? 0x1p-30f : -0x1p-30f;
            if ((double) a * b >= 0x1p24 && (double) a * b < 0x1p25) {
                ties++;
                assertEquals(Math.fma(a, b, c), nearestEvenOrOdd(a, b, c), "test construction");
                check(a, b, c);
            }
        }
        assertEquals(true, ties > 10_000, "midpoint products: " + ties);
    }

    @Test
    void specialValuesAsMathFma() {
        float[] special = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0x1p-75f, 3f};
        for (float a : special) {
            for (float b : special) {
                for (float c : special) {
                    check(a, b, c);
                }
            }
        }
    }

    @Test
    void maxMinSignumAndCopySignAsMathOnSpecialAndRandomValues() {
        float[] special = {0f, -0f, 1f, -1f, 2.5f, -2.5f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        SplittableRandom random = new SplittableRandom(13);
        float[] values = new float[special.length + 200];
        System.arraycopy(special, 0, values, 0, special.length);
        for (int i = special.length; i < values.length; i++) {
            values[i] = anyFloat(random);
        }
        for (float a : values) {
            assertSame(Math.signum(a), PortableMath.signum(a), "signum(" + a + ")");
            for (float b : values) {
                assertSame(Math.max(a, b), PortableMath.max(a, b), "max(" + a + ", " + b + ")");
                assertSame(Math.min(a, b), PortableMath.min(a, b), "min(" + a + ", " + b + ")");
                if (!Float.isNaN(b)) {
                    assertEquals(Double.doubleToRawLongBits(Math.copySign((double) a, b)),
                            Double.doubleToRawLongBits(PortableMath.copySign(a, b)), "copySign(" + a + ", " + b + ")");
                }
            }
        }
    }

    /**
     * Softplus, the one use of log1p in kernels, computed with {@link PortableMath#log1p} in place of
     * the JDK's, equals {@link KernelMath#softplus} on every float of a dense sample, and log1p is
     * within 2 double ulps of the JDK's.
     */
    @Test
    void log1pGivesSoftplusTheSameFloats() {
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 2_000_000; i++) {
            float x = i < 1_000_000 ? (float) random.nextDouble(-30, 30) : anyFloat(random);
            double softplus = Math.max(x, 0.0) + PortableMath.log1p(Math.exp(-Math.abs((double) x)));
            assertSame(KernelMath.softplus(x), (float) softplus, "softplus(" + x + ")");
            double y = random.nextDouble(-0.999, 10);
            assertEquals(Math.log1p(y), PortableMath.log1p(y), 2 * Math.ulp(Math.log1p(y)), "log1p(" + y + ")");
        }
        double[] special = {0.0, -0.0, -1.0, -2.0, Double.MIN_VALUE, 1e-300, Double.MAX_VALUE,
            Double.POSITIVE_INFINITY, Double.NaN};
        for (double y : special) {
            assertEquals(Double.doubleToLongBits(Math.log1p(y)), Double.doubleToLongBits(PortableMath.log1p(y)),
                    "log1p(" + y + ")");
        }
    }

    @Test
    void powAsMathOnSpecialValues() {
        double[] special = {0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 3.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.NaN};
        for (double a : special) {
            for (double b : special) {
                assertEquals(Double.doubleToLongBits(Math.pow(a, b)), Double.doubleToLongBits(PortableMath.pow(a, b)),
                        "pow(" + a + ", " + b + ")");
            }
        }
    }

    private static void assertSame(float expected, float actual, String what) {
        assertEquals(Float.isNaN(expected) ? "NaN" : Integer.toHexString(Float.floatToRawIntBits(expected)),
                Float.isNaN(actual) ? "NaN" : Integer.toHexString(Float.floatToRawIntBits(actual)), what);
    }

    /** The product is an odd integer in [2^24, 2^25), halfway between two floats (even integers there); the addend picks the side. */
    private static float nearestEvenOrOdd(float a, float b, float c) {
        double p = (double) a * b;
        return (float) (c > 0 ? p + 1 : p - 1);
    }

    private static void check(float a, float b, float c) {
        float expected = Math.fma(a, b, c);
        float actual = PortableMath.fma(a, b, c);
        assertEquals(Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(actual)
                || Float.isNaN(expected) && Float.isNaN(actual), true,
                () -> "fma(" + a + ", " + b + ", " + c + "): " + actual + ", Math.fma gives " + expected);
    }

    /** A float of random sign, exponent and mantissa (finite, subnormals included). */
    private static float anyFloat(SplittableRandom random) {
        int bits = random.nextInt();
        return Float.isFinite(Float.intBitsToFloat(bits)) ? Float.intBitsToFloat(bits) : random.nextFloat();
    }
}
