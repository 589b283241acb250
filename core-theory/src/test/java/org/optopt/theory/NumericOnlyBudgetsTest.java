package org.optopt.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** Budgets without a closed form, solved numerically, against independent references. */
class NumericOnlyBudgetsTest {
    private final NumericSolver solver = new NumericSolver();

    @Test
    void updateRmsIntersectSpectralCapsEachRate() {
        // Diagonal Q with q_i sqrt(s_i) <= c1 and q_i <= c2: separable, q_i = min(c1/sqrt(s_i), c2).
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            int d = 2 + (int) seed;
            SecondMoment sigma = RandomMatrices.wishart(d, random);
            double c1 = 0.5;
            double c2 = 0.6;
            Design design = solver.solve(new Intersection(List.of(new UpdateRms(c1), new Spectral(c2))), sigma);
            double value = 0;
            for (int i = 0; i < d; i++) {
                double qi = Math.min(c1 / Math.sqrt(sigma.get(i, i)), c2);
                assertEquals(qi, design.q(i, i), 1e-6 * qi);
                value += qi * sigma.get(i, i);
                for (int j = 0; j < d; j++) {
                    if (j != i) {
                        assertEquals(0, design.q(i, j));
                    }
                }
            }
            assertEquals(value, design.value(), 1e-8 * value);
            assertEquals("update-rms+spectral", design.budget().name());
            assertEquals("none", design.optimizer());
        }
    }

    @Test
    void weightedFrobeniusWithUnitWeightsIsFrobenius() {
        SecondMoment sigma = RandomMatrices.wishart(4, new Random(3));
        DMatrixRMaj ones = new DMatrixRMaj(4, 4);
        ones.fill(1);
        Design weighted = solver.solve(new WeightedFrobenius(2, ones), sigma);
        Design closed = new Frobenius(2).closedForm(sigma).orElseThrow();
        assertEquals(closed.value(), weighted.value(), 1e-8 * closed.value());
    }

    @Test
    void weightedFrobeniusMatchesTheUnconstrainedOptimumWhenThatIsPsd() {
        // Diagonal-dominant weights on a diagonal Sigma: Q_ij ∝ Sigma_ij / w_ij is diagonal, PSD, so optimal:
        // q_i = c (s_i/w_ii) / sqrt(sum_i s_i^2/w_ii), value c sqrt(sum_i s_i^2 / w_ii).
        SecondMoment sigma = SecondMoment.of("sigma", new double[][] {{1, 0, 0}, {0, 2, 0}, {0, 0, 3}});
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{1, 5, 5}, {5, 2, 5}, {5, 5, 4}});
        Design design = solver.solve(new WeightedFrobenius(1.5, w), sigma);
        double norm = Math.sqrt(1 / 1.0 + 4 / 2.0 + 9 / 4.0);
        assertEquals(1.5 * norm, design.value(), 1e-8 * design.value());
        assertEquals(1.5 * (2 / 2.0) / norm, design.q(1, 1), 1e-6);
    }

    @Test
    void weightedFrobeniusWherePsdBinds() {
        // Sigma's off-diagonal weighted down hard: Q_ij ∝ Sigma_ij/w_ij is not PSD; the solution is
        // feasible, PSD, and at least as good as every scaled feasible candidate tried.
        SecondMoment sigma = SecondMoment.of("sigma", new double[][] {{1, 0.9}, {0.9, 1}});
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{1, 0.01}, {0.01, 1}});
        Design design = solver.solve(new WeightedFrobenius(1, w), sigma);
        DMatrixRMaj q = design.q();
        double weighted = 0;
        for (int i = 0; i < 4; i++) {
            weighted += w.get(i) * q.get(i) * q.get(i);
        }
        assertTrue(weighted <= 1 + 1e-9);
        assertTrue(Linalg.eigen(q).min() >= -1e-9);
        // The PSD constraint binds: Q is singular (its 2x2 determinant ~ 0) with q11 = q22 = q12.
        assertEquals(q.get(0, 0) * q.get(1, 1), q.get(0, 1) * q.get(0, 1), 1e-6);
        // Best rank-one feasible Q = a [1 1; 1 1]: a^2 (2 + 2 w12) = 1, value a (2 + 1.8).
        double a = 1 / Math.sqrt(2 + 2 * 0.01);
        assertEquals(a * 3.8, design.value(), 1e-7);
    }

    @Test
    void refusesUnboundedBudgets() {
        SecondMoment singular = SecondMoment.of("sigma", new double[][] {{1, 1}, {1, 1}});
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> solver.solve(new UpdateSecondMoment(1), singular));
        assertTrue(e.getMessage().contains("singular"), e.getMessage());
        DMatrixRMaj diag = CommonOps_DDRM.diag(1, 0);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> solver.solve(new UpdateRms(1), SecondMoment.of("sigma", diag))).getMessage().contains("unbounded"));
    }

    @Test
    void failsCleanlyWhenTheIterationLimitIsTooSmall() {
        SecondMoment sigma = RandomMatrices.wishart(3, new Random(1));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new NumericSolver(1e-10, 3).solve(new Spectral(1), sigma));
        assertTrue(e.getMessage().contains("did not converge within 3 Newton steps"), e.getMessage());
    }
}
