package org.optopt.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The factor-wise K-FAC design against references that do not share its factor-wise algebra: a
 * hand-computed case, the dense metric budget with P = A_d (x) G_d formed explicitly (its own
 * closed form; the numeric solver checks it in {@link ClosedFormTest}), and, for a Sigma that is a
 * Kronecker product, the design from factor statistics against the design from Sigma itself.
 */
class KroneckerMetricTest {
    @Test
    void handComputedCase() {
        // rows = 1, cols = 2, A = [1], G = diag(1, 3), no damping; Sigma = diag(2, 3):
        // P^-1 = diag(1, 1/3), tau = 2 + 1 = 3, lr = c/sqrt 3, value = c sqrt 3.
        SecondMoment a = SecondMoment.of("A", new double[][] {{1}});
        SecondMoment g = SecondMoment.of("G", new double[][] {{1, 0}, {0, 3}});
        SecondMoment sigma = SecondMoment.of("sigma", new double[][] {{2, 0}, {0, 3}});
        Design d = new KroneckerMetric(2, a, g, 0).closedForm(sigma).orElseThrow();
        assertEquals(2 / Math.sqrt(3), d.hyperparameters().get("lr"), 1e-15);
        assertEquals(2 * Math.sqrt(3), d.value(), 1e-14);
        assertEquals(2 / Math.sqrt(3), d.q(0, 0), 1e-15);
        assertEquals(2 / Math.sqrt(3) / 3, d.q(1, 1), 1e-15);
        assertEquals("k-fac", d.optimizer());
    }

    @ParameterizedTest(name = "{0}x{1} damping {2}")
    @CsvSource({"1,1,0", "2,3,0", "3,2,0.01", "4,4,0.5", "1,6,0", "5,1,1e-4"})
    void factorWiseEqualsDenseMetric(int rows, int cols, double damping) {
        for (long seed = 1; seed <= 4; seed++) {
            Random random = new Random(seed * 97 + rows * 7 + cols);
            SecondMoment a = RandomMatrices.wishart(rows, random);
            SecondMoment g = RandomMatrices.wishart(cols, random);
            SecondMoment sigma = RandomMatrices.wishart(rows * cols, random);
            double c = 0.3 + random.nextDouble();
            Design factorWise = new KroneckerMetric(c, a, g, damping).closedForm(sigma).orElseThrow();
            Design dense = Metric.of(c, SecondMoment.of("P", CommonOps_DDRM.kron(damped(a, damping), damped(g, damping), null)),
                    0).closedForm(sigma).orElseThrow();
            assertEquals(dense.value(), factorWise.value(), 1e-10 * dense.value());
            assertEquals(dense.hyperparameters().get("lr"), factorWise.hyperparameters().get("lr"),
                    1e-10 * dense.hyperparameters().get("lr"));
            DMatrixRMaj diff = factorWise.q();
            CommonOps_DDRM.subtractEquals(diff, dense.q());
            assertTrue(Linalg.frobenius(diff) <= 1e-10 * Linalg.frobenius(dense.q()));
        }
    }

    @Test
    void statisticsDesignIsExactForKroneckerSigma() {
        Random random = new Random(5);
        SecondMoment l0 = RandomMatrices.wishart(3, random);
        SecondMoment r0 = RandomMatrices.wishart(2, random);
        SecondMoment sigma = SecondMoment.of("sigma", CommonOps_DDRM.kron(l0.matrix(), r0.matrix(), null));
        // Partial traces of L0 (x) R0, by hand: L = L0 tr R0, R = R0 tr L0.
        SecondMoment l = SecondMoment.of("L", Linalg.scale(CommonOps_DDRM.trace(r0.matrix()), l0.matrix()));
        SecondMoment r = SecondMoment.of("R", Linalg.scale(CommonOps_DDRM.trace(l0.matrix()), r0.matrix()));
        KroneckerMetric budget = new KroneckerMetric(0.7, l, r, 0.05);
        Design fromSigma = budget.closedForm(sigma).orElseThrow();
        KroneckerMetric.Factored fromStatistics = budget.fromStatistics(l, r);
        assertEquals(fromSigma.hyperparameters().get("lr"), fromStatistics.lr(), 1e-12 * fromStatistics.lr());
        assertEquals(fromSigma.value(), fromStatistics.value(), 1e-12 * fromSigma.value());
    }

    @Test
    void gradientStatisticsThatAreMultiplesOfIdentityGiveNormalizedSgd() {
        // L = 2 I (3x3), R = 3 I (2x2): tr L = 6 = tr R = E|g|^2. The normalized damped factors are I
        // for every damping, so P = I and Q* = c I / sqrt(E|g|^2).
        SecondMoment l = SecondMoment.of("L", new double[][] {{2, 0, 0}, {0, 2, 0}, {0, 0, 2}});
        SecondMoment r = SecondMoment.of("R", new double[][] {{3, 0}, {0, 3}});
        for (double damping : new double[] {0, 0.25, 3}) {
            KroneckerMetric.Factored f = KroneckerMetric.fromGradientStatistics(0.5, l, r, damping);
            assertEquals(0.5 / Math.sqrt(6), f.lr(), 1e-15);
            assertEquals(1, f.leftInverse().get(0, 0), 1e-15);
            assertEquals(0, f.leftInverse().get(0, 1), 1e-15);
            assertEquals(1, f.rightInverse().get(1, 1), 1e-15);
        }
    }

    @Test
    void gradientStatisticsDampRelativeToTheFactorScale() {
        // L = diag(1, 3) (mean eigenvalue 2), R = [4] (1x1), damping 0.25 (sqrt 0.5):
        // A = (diag(0.5, 1.5) + 0.5 I) / 1.5 = diag(2/3, 4/3), B = [1]; Sigma ~ L (x) R / tr L = diag(1, 3),
        // tau = 1.5 + 2.25 = 3.75, lr = c / sqrt(3.75). Scaling L and R by s leaves the factors as they are
        // and scales tau by s.
        for (double s : new double[] {1, 100}) {
            SecondMoment l = SecondMoment.of("L", new double[][] {{s, 0}, {0, 3 * s}});
            SecondMoment r = SecondMoment.of("R", new double[][] {{4 * s}});
            KroneckerMetric.Factored f = KroneckerMetric.fromGradientStatistics(2, l, r, 0.25);
            assertEquals(1.5, f.leftInverse().get(0, 0), 1e-14);
            assertEquals(0.75, f.leftInverse().get(1, 1), 1e-14);
            assertEquals(2 / Math.sqrt(3.75 * s), f.lr(), 1e-14);
        }
    }

    @Test
    void singularFactorNeedsDamping() {
        SecondMoment singular = SecondMoment.of("A", new double[][] {{1, 1}, {1, 1}});
        SecondMoment g = SecondMoment.of("G", new double[][] {{1}});
        var e = assertThrows(IllegalArgumentException.class, () -> new KroneckerMetric(1, singular, g, 0));
        assertTrue(e.getMessage().contains("singular") && e.getMessage().contains("damping"), e.getMessage());
        new KroneckerMetric(1, singular, g, 1e-6); // damped: accepted
        assertThrows(IllegalArgumentException.class, () -> new KroneckerMetric(1, g, g, -1));
        var mismatch = assertThrows(IllegalArgumentException.class,
                () -> new KroneckerMetric(1, g, g, 0).closedForm(SecondMoment.of("s", new double[][] {{1, 0}, {0, 1}})));
        assertTrue(mismatch.getMessage().contains("dimension mismatch"), mismatch.getMessage());
    }

    private static DMatrixRMaj damped(SecondMoment f, double damping) {
        DMatrixRMaj m = f.matrix();
        for (int i = 0; i < m.numRows; i++) {
            m.add(i, i, Math.sqrt(damping));
        }
        return m;
    }
}
