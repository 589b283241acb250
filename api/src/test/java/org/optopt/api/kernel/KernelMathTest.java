package org.optopt.api.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class KernelMathTest {

    /** erf(x) and erfc(x) = 1 - erf(x) to 16 digits (Abramowitz and Stegun, Table 7.1; DLMF 7). */
    @ParameterizedTest
    @CsvSource({
        "0.1, 0.1124629160182849, 0.8875370839817151",
        "0.5, 0.5204998778130465, 0.4795001221869535",
        "1.0, 0.8427007929497149, 0.1572992070502851",
        "1.5, 0.9661051464753108, 0.0338948535246893",
        "2.0, 0.9953222650189527, 0.004677734981047266",
        "2.5, 0.9995930479825550, 4.069520174449590e-4",
        "3.0, 0.9999779095030014, 2.209049699858544e-5",
        "4.0, 0.9999999845827421, 1.541725790028002e-8",
        "5.0, 0.9999999999984626, 1.537459794428035e-12"})
    void erfMatchesPublishedValues(double x, double erf, double erfc) {
        assertEquals(erf, KernelMath.erfDouble(x), 2e-15, "erf(" + x + ")");
        assertEquals(-erf, KernelMath.erfDouble(-x), 2e-15, "erf(-" + x + ")");
        assertEquals(erfc, 1 - KernelMath.erfDouble(x), 2e-15, "erfc(" + x + ")");
        assertEquals((float) erf, KernelMath.erf((float) x), "float erf(" + x + ")");
        assertEquals(erf, KernelMath.uniform(UnaryOp.ERF, x), 2e-15);
    }

    @Test
    void erfIsOddAndSaturates() {
        for (double x = 0; x < 7; x += 0.01) {
            assertEquals(-KernelMath.erfDouble(x), KernelMath.erfDouble(-x), "odd at " + x);
        }
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(KernelMath.erf(-0f)), "erf(-0) = -0");
        assertEquals(0f, KernelMath.erf(0f));
        assertEquals(1.0, KernelMath.erfDouble(6.5));
        assertEquals(1f, KernelMath.erf(Float.POSITIVE_INFINITY));
        assertEquals(-1f, KernelMath.erf(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(KernelMath.erf(Float.NaN)));
    }

    @Test
    void erfIsContinuousAndIncreasingAcrossItsBranches() {
        for (double edge : new double[] {2.5, 6.0}) {
            double below = KernelMath.erfDouble(Math.nextDown(edge));
            double at = KernelMath.erfDouble(edge);
            assertTrue(below <= at, "increasing at " + edge);
            assertEquals(at, below, 1e-15, "continuous at " + edge);
        }
        double prev = -1;
        for (double x = -6; x <= 6; x += 1e-3) {
            double e = KernelMath.erfDouble(x);
            assertTrue(e >= prev, "erf decreases at " + x);
            prev = e;
        }
    }

    @Test
    void sigmoidSaturatesWithoutOverflow() {
        assertEquals(0.5f, KernelMath.sigmoid(0f));
        assertEquals(1f, KernelMath.sigmoid(100f));
        assertEquals(1f, KernelMath.sigmoid(Float.MAX_VALUE));
        assertEquals(1f, KernelMath.sigmoid(Float.POSITIVE_INFINITY));
        assertEquals(0f, KernelMath.sigmoid(-Float.MAX_VALUE));
        assertEquals(0f, KernelMath.sigmoid(Float.NEGATIVE_INFINITY));
        assertEquals((float) Math.exp(-100), KernelMath.sigmoid(-100f), "tiny but not flushed to 0");
        assertTrue(KernelMath.sigmoid(-100f) > 0);
        assertEquals((float) (1 / (1 + Math.exp(-1.5))), KernelMath.sigmoid(1.5f));
        assertEquals(1 - KernelMath.sigmoid(2.25f), KernelMath.sigmoid(-2.25f), 1e-7);
        assertTrue(Float.isNaN(KernelMath.sigmoid(Float.NaN)));
        assertEquals(0.0, KernelMath.uniform(UnaryOp.SIGMOID, -1e6));
        assertEquals(1.0, KernelMath.uniform(UnaryOp.SIGMOID, 1e6));
    }

    @Test
    void softplusSaturatesWithoutOverflow() {
        assertEquals((float) Math.log(2), KernelMath.softplus(0f));
        assertEquals(1000f, KernelMath.softplus(1000f));
        assertEquals(Float.MAX_VALUE, KernelMath.softplus(Float.MAX_VALUE));
        assertEquals(Float.POSITIVE_INFINITY, KernelMath.softplus(Float.POSITIVE_INFINITY));
        assertEquals(0f, KernelMath.softplus(-1000f));
        assertEquals(0f, KernelMath.softplus(Float.NEGATIVE_INFINITY));
        assertEquals((float) Math.exp(-100), KernelMath.softplus(-100f), "log(1+e^x) ~ e^x for very negative x");
        assertEquals((float) Math.log1p(Math.exp(1.5)), KernelMath.softplus(1.5f));
        assertEquals(1e6, KernelMath.uniform(UnaryOp.SOFTPLUS, 1e6));
        assertEquals(Math.log1p(Math.exp(-3)), KernelMath.uniform(UnaryOp.SOFTPLUS, -3), 1e-17);
    }

    @Test
    void elementOpsRoundEachResultToFloat() {
        float a = 0.1f;
        float b = 0.2f;
        assertEquals(a + b, KernelMath.apply(BinaryOp.ADD, a, b));
        assertEquals(a / b, KernelMath.apply(BinaryOp.DIV, a, b));
        assertEquals((float) Math.sqrt(2f), KernelMath.apply(UnaryOp.SQRT, 2f));
        assertEquals((float) Math.pow(1.5f, 2.5f), KernelMath.apply(BinaryOp.POW, 1.5f, 2.5f));
        assertEquals(0.5f, KernelMath.apply(UnaryOp.RECIPROCAL, 2f));
        assertEquals(-0.75f, KernelMath.apply(UnaryOp.SOFTSIGN, -3f));
        assertEquals(9f, KernelMath.apply(UnaryOp.SQUARE, -3f));
        assertEquals((float) Math.atan(2), KernelMath.apply(UnaryOp.ATAN, 2f));
        assertEquals((float) Math.log(3), KernelMath.apply(UnaryOp.LOG, 3f));
        assertEquals((float) Math.exp(3), KernelMath.apply(UnaryOp.EXP, 3f));
    }

    @Test
    void comparisonsAndExtremaFollowIeee() {
        assertEquals(1f, KernelMath.apply(BinaryOp.GT, 2f, 1f));
        assertEquals(0f, KernelMath.apply(BinaryOp.GT, 1f, 1f));
        assertEquals(1f, KernelMath.apply(BinaryOp.GE, 1f, 1f));
        assertEquals(1f, KernelMath.apply(BinaryOp.LE, 1f, 1f));
        assertEquals(0f, KernelMath.apply(BinaryOp.LT, 1f, 1f));
        for (BinaryOp cmp : new BinaryOp[] {BinaryOp.GT, BinaryOp.GE, BinaryOp.LT, BinaryOp.LE}) {
            assertEquals(0f, KernelMath.apply(cmp, Float.NaN, 1f), cmp + " with NaN is false");
            assertEquals(0, KernelMath.uniform(cmp, 1, Double.NaN), cmp + " with NaN is false");
        }
        assertTrue(Float.isNaN(KernelMath.apply(BinaryOp.MAX, Float.NaN, 1f)));
        assertTrue(Float.isNaN(KernelMath.apply(BinaryOp.MIN, 1f, Float.NaN)));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(KernelMath.apply(BinaryOp.MAX, -0f, 0f)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(KernelMath.apply(BinaryOp.MIN, 0f, -0f)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(KernelMath.apply(UnaryOp.SIGN, -0f)));
        assertEquals(-1f, KernelMath.apply(UnaryOp.SIGN, -3f));
        assertTrue(Float.isNaN(KernelMath.apply(UnaryOp.SIGN, Float.NaN)));
    }

    @Test
    void uniformOpsAreEvaluatedInDouble() {
        // 1 - 0.999^3 in double, rounded once, differs from the same computed in float.
        float once = (float) KernelMath.uniform(BinaryOp.SUB, 1, KernelMath.uniform(BinaryOp.POW, 0.999, 3));
        assertEquals((float) (1 - Math.pow(0.999, 3)), once);
        float inFloat = 1f - KernelMath.pow(0.999f, 3f);
        assertTrue(once != inFloat, "double and float evaluation differ here: " + once + " vs " + inFloat);
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void floatAndDoubleUnaryOpsAgree(UnaryOp op) {
        for (float x : new float[] {0.25f, 0.5f, 1f, 1.75f, 3f, 7.5f}) {
            float f = KernelMath.apply(op, x);
            double d = KernelMath.uniform(op, x);
            double ulps = op == UnaryOp.TANH ? 7 : 1; // the element tanh is a float approximation
            assertEquals(d, f, ulps * 1.2e-7 * Math.abs(d) + 1e-45, op + "(" + x + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void floatAndDoubleBinaryOpsAgree(BinaryOp op) {
        float[] xs = {0.25f, 0.5f, 1f, 1.75f, 3f};
        for (float a : xs) {
            for (float b : xs) {
                float f = KernelMath.apply(op, a, b);
                double d = KernelMath.uniform(op, a, b);
                assertEquals(d, f, 1.2e-7 * Math.abs(d), op + "(" + a + ", " + b + ")");
            }
        }
    }

    /** Every 101st float of [0, 10], both signs (an exhaustive pass over all of them gives the same bound). */
    @Test
    void tanhIsWithinSevenUlpOfTheCorrectlyRoundedValueAndOdd() {
        double totalUlp = 0;
        int count = 0;
        for (int bits = 0; bits <= Float.floatToIntBits(10f); bits += 101) {
            float x = Float.intBitsToFloat(bits);
            float exact = (float) Math.tanh(x);
            float ours = KernelMath.tanh(x);
            double ulps = Math.abs((double) ours - exact) / Math.ulp(exact);
            assertTrue(ulps <= 7, "tanh(" + x + ") = " + ours + ", want " + exact + " (" + ulps + " ulp)");
            assertEquals(-ours, KernelMath.tanh(-x), "tanh is odd at " + x);
            totalUlp += ulps;
            count++;
        }
        assertTrue(totalUlp / count < 0.1, "mean error " + totalUlp / count + " ulp");
        for (float big : new float[] {7.98572f, 9.02f, 10f, 10.5f, 1e5f, Float.MAX_VALUE}) {
            assertEquals(1f, KernelMath.tanh(big), "tanh(" + big + ")");
        }
        for (int bits = Float.floatToIntBits(7f); bits <= Float.floatToIntBits(8f); bits++) {
            float x = Float.intBitsToFloat(bits);
            assertTrue(KernelMath.tanh(x) <= 1f, "tanh(" + x + ") = " + KernelMath.tanh(x) + " > 1");
        }
        assertEquals(-0f, KernelMath.tanh(-0f));
        assertEquals(1f, KernelMath.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, KernelMath.tanh(-100f));
        assertEquals(1f, KernelMath.tanh(9.2f));
        assertTrue(Float.isNaN(KernelMath.tanh(Float.NaN)));
    }
}
