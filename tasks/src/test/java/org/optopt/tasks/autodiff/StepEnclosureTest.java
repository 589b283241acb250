package org.optopt.tasks.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The enclosures really enclose: for random expansion points, slopes and trust regions, the
 * function sampled at many steps in {@code [0, maxStep]} lies between the lower and the upper
 * quadratic; and the known cases are exact or equal AutoBound's published numbers.
 */
class StepEnclosureTest {
    private static final int CASES = 400;
    private static final int SAMPLES = 200;

    /** Checks {@code f} against {@code e} at sampled steps (and both ends), with a relative rounding slack. */
    private static void assertEncloses(StepEnclosure e, DoubleUnaryOperator f, String what) {
        for (int i = 0; i <= SAMPLES; i++) {
            double eta = e.maxStep() * i / SAMPLES;
            double value = f.applyAsDouble(eta);
            double lower = e.value() + e.slope() * eta + e.curvatureLow() * eta * eta;
            double upper = e.value() + e.slope() * eta + e.curvatureHigh() * eta * eta;
            double slack = 1e-9 * (1 + Math.abs(value) + Math.abs(e.slope() * eta)
                    + Math.max(Math.abs(e.curvatureLow()), Math.abs(e.curvatureHigh())) * eta * eta);
            assertTrue(lower - slack <= value && value <= upper + slack,
                    what + ": at eta " + eta + " value " + value + " outside [" + lower + ", " + upper + "] of " + e);
        }
    }

    private static double softplus(double u) {
        return Math.log1p(Math.exp(u)); // the plain formula, independent of the production one (|u| stays small here)
    }

    @Test
    void softplusOfAnAffineStepIsEnclosed() {
        SplittableRandom r = new SplittableRandom(1);
        for (int c = 0; c < CASES; c++) {
            double u0 = r.nextDouble(-8, 8);
            double slope = r.nextDouble(-5, 5) * (r.nextBoolean() ? 1 : 1e-4);
            double maxStep = Math.exp(r.nextDouble(-6, 2));
            StepEnclosure e = StepEnclosure.affine(u0, slope, maxStep).softplus();
            assertEncloses(e, eta -> softplus(u0 + slope * eta), "softplus(" + u0 + " + " + slope + " eta)");
        }
    }

    @Test
    void powersOfQuadraticStepsAreEnclosed() {
        SplittableRandom r = new SplittableRandom(2);
        for (int c = 0; c < CASES; c++) {
            double a = r.nextDouble(-3, 3);
            double b = r.nextDouble(-3, 3);
            double q = r.nextDouble(-2, 2);
            double maxStep = Math.exp(r.nextDouble(-3, 1));
            int n = 1 + r.nextInt(5);
            StepEnclosure e = StepEnclosure.quadratic(a, b, q, maxStep).pow(n);
            assertEncloses(e, eta -> Math.pow(a + b * eta + q * eta * eta, n), "(" + a + " + " + b + " eta + " + q
                    + " eta^2)^" + n);
        }
    }

    @Test
    void productsSumsAndCompositionsAreEnclosed() {
        SplittableRandom r = new SplittableRandom(3);
        for (int c = 0; c < CASES; c++) {
            double a0 = r.nextDouble(-2, 2);
            double a1 = r.nextDouble(-2, 2);
            double b0 = r.nextDouble(-2, 2);
            double b1 = r.nextDouble(-2, 2);
            double k = r.nextDouble(-3, 3);
            double maxStep = Math.exp(r.nextDouble(-3, 1));
            StepEnclosure a = StepEnclosure.affine(a0, a1, maxStep);
            StepEnclosure b = StepEnclosure.affine(b0, b1, maxStep);
            // softplus(a * b) * k + a^3: an interval coefficient flows into a product and a composition
            StepEnclosure e = a.times(b).softplus().times(k).plus(a.pow(3)).times(a.softplus());
            assertEncloses(e, eta -> {
                double u = a0 + a1 * eta;
                double v = b0 + b1 * eta;
                return (softplus(u * v) * k + u * u * u) * softplus(u);
            }, "composite " + c);
        }
    }

    @Test
    void squaresOfAffineStepsAreExact() {
        StepEnclosure e = StepEnclosure.affine(3, -2, 0.5).square();
        assertEquals(9, e.value());
        assertEquals(-12, e.slope());
        assertEquals(4, e.curvatureLow());
        assertEquals(4, e.curvatureHigh());
    }

    /**
     * The safe_learning_rates notebook's first bound: {@code (x0 + eta d - 3)^4} at {@code x0 = 0},
     * {@code d = 108}, trust region [0, 1]; its minimizer over the upper bound is the notebook's
     * printed first learning rate 4.26694e-05.
     */
    @Test
    void quarticBoundGivesTheNotebooksFirstLearningRate() {
        StepEnclosure e = StepEnclosure.affine(-3, 108, 1.0).pow(4);
        assertEquals(81, e.value());
        assertEquals(4 * -27 * 108, e.slope());
        assertEquals(6 * 9 * 108.0 * 108 + Math.pow(108, 4), e.curvatureHigh(), 1e-6);
        assertEquals(4.26694e-05, e.toLineBound().minimizingStep(), 1e-10);
    }

    @Test
    void enclosuresOverDifferentTrustRegionsDoNotMix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StepEnclosure.affine(1, 1, 1).plus(StepEnclosure.affine(1, 1, 2)));
        assertEquals("Enclosures over [0, 1.0] and [0, 2.0] cannot be combined", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StepEnclosure.affine(1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> StepEnclosure.affine(1, 1, 1).pow(0));
    }
}
