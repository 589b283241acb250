package org.optopt.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class StepSizeTest {
    @Test
    void quadraticModelMatchesSeedsA5() {
        // SEEDS.md A.5: H = diag(4, 1, .25), gbar = (1, -2, .5), C = 0.5 I, Q = I: eta* = 0.49123.
        StepSize s = StepSize.quadraticModel(CommonOps_DDRM.identity(3), new double[] {1, -2, 0.5},
                CommonOps_DDRM.diag(4, 1, 0.25), CommonOps_DDRM.diag(0.5, 0.5, 0.5));
        assertEquals(0.49123, s.eta(), 5e-6);
        // By hand: |g|^2 = 5.25, g^T H g + tr(H C) = 8.0625 + 2.625.
        assertEquals(5.25 / 10.6875, s.eta(), 1e-15);
        assertEquals(5.25 * 5.25 / (2 * 10.6875), s.expectedDrop(), 1e-14);
    }

    @Test
    void quadraticModelIsTheMaximumOfTheExpectedDrop() {
        DMatrixRMaj q = CommonOps_DDRM.diag(1, 0.5, 2);
        DMatrixRMaj h = CommonOps_DDRM.diag(3, 1, 0.2);
        DMatrixRMaj c = CommonOps_DDRM.diag(0.1, 0.3, 0.2);
        double[] g = {0.5, 1, -1};
        StepSize s = StepSize.quadraticModel(q, g, h, c);
        // D(eta) = eta a - eta^2/2 b by direct evaluation of the model on a grid around eta*.
        double a = 0.5 * 0.5 * 1 + 1 * 0.5 + 1 * 2;
        double b = 0; // tr(Q H Q Sigma) with diagonal Q, H: sum_i q_i^2 h_i Sigma_ii
        double[] qd = {1, 0.5, 2};
        double[] hd = {3, 1, 0.2};
        double[] cd = {0.1, 0.3, 0.2};
        for (int i = 0; i < 3; i++) {
            b += qd[i] * qd[i] * hd[i] * (g[i] * g[i] + cd[i]);
        }
        for (double eta : new double[] {0.5 * s.eta(), 0.99 * s.eta(), 1.01 * s.eta(), 2 * s.eta()}) {
            assert eta * a - eta * eta / 2 * b < s.expectedDrop();
        }
        assertEquals(a / b, s.eta(), 1e-14);
    }

    @Test
    void newtonStepIsOneWithoutNoise() {
        DMatrixRMaj h = CommonOps_DDRM.diag(4, 1, 0.25);
        DMatrixRMaj q = CommonOps_DDRM.diag(0.25, 1, 4);
        StepSize s = StepSize.quadraticModel(q, new double[] {1, -2, 0.5}, h, new DMatrixRMaj(3, 3));
        assertEquals(1, s.eta(), 1e-14);
    }

    @Test
    void isotropicCurvatureIsTheQuadraticModelWithQIdentityAndHScaledIdentity() {
        // SEEDS.md A.5's gbar and C = 0.5 I with H = 2 I: eta* = |g|^2 / (2 (|g|^2 + 1.5)) = 5.25 / 13.5.
        double[] g = {1, -2, 0.5};
        StepSize iso = StepSize.isotropic(5.25, 2, 5.25 + 1.5);
        assertEquals(5.25 / 13.5, iso.eta(), 1e-15);
        StepSize full = StepSize.quadraticModel(CommonOps_DDRM.identity(3), g, CommonOps_DDRM.diag(2, 2, 2),
                CommonOps_DDRM.diag(0.5, 0.5, 0.5));
        assertEquals(full.eta(), iso.eta(), 1e-15);
        assertEquals(full.expectedDrop(), iso.expectedDrop(), 1e-14);
        assertThrows(IllegalArgumentException.class, () -> StepSize.isotropic(1, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> StepSize.isotropic(1, -1, 2));
        assertThrows(IllegalArgumentException.class, () -> StepSize.isotropic(-1, 1, 2));
    }

    @Test
    void learningRateFromRadius() {
        assertEquals(0.1 / Math.sqrt(4), StepSize.fromRadius(0.1, 4).eta(), 1e-15);
        SecondMoment sigma = SecondMoment.of("sigma", new double[][] {{2, 0}, {0, 2}});
        SecondMoment p = SecondMoment.of("P", new double[][] {{1, 0}, {0, 4}});
        // tr(P^-1 Sigma) = 2 + 0.5
        assertEquals(0.1 / Math.sqrt(2.5), StepSize.fromRadius(0.1, sigma, p).eta(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> StepSize.fromRadius(0, 4));
    }

    @Test
    void heavyBallRateGivesTheEffectiveStepOnAConstantGradient() {
        // buf = m buf + g; p -= lr sqrt(1 - m^2) buf, simulated: the move per step tends to eta g.
        for (double m : new double[] {0, 0.5, 0.9, 0.99}) {
            double lr = StepSize.heavyBallRate(0.3, m);
            double buf = 0;
            double move = 0;
            for (int t = 0; t < 20_000; t++) {
                buf = m * buf + 1.0;
                move = lr * Math.sqrt(1 - m * m) * buf;
            }
            assertEquals(0.3, move, 1e-12, "m = " + m);
        }
        assertThrows(IllegalArgumentException.class, () -> StepSize.heavyBallRate(0.1, 1));
    }

    @Test
    void isotropicFromAutocorrelationUndoesTheNoiseCorrelationOfR1() {
        // |gbar|^2 = 2, tr(C) = 3 (R(0) = 5), h = 3, a = 0.1: R(1) = |gbar|^2 - h a tr(C) = 1.1 by hand.
        StepSize s = StepSize.isotropicFromAutocorrelation(5, 1.1, 3, 0.1);
        assertEquals(2.0 / (3 * 5), s.eta(), 1e-15);
        // Without a move (a = 0) it is the isotropic model on R(1) itself.
        assertEquals(StepSize.isotropic(1.1, 3, 5).eta(), StepSize.isotropicFromAutocorrelation(5, 1.1, 3, 0).eta(), 0);
        // Pure noise, R(1) = -h a R(0): no mean gradient, eta* = 0; below that no step helps.
        assertEquals(0, StepSize.isotropicFromAutocorrelation(5, -1.5, 3, 0.1).eta(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> StepSize.isotropicFromAutocorrelation(5, -2, 3, 0.1));
        assertThrows(IllegalArgumentException.class, () -> StepSize.isotropicFromAutocorrelation(5, 1, 3, -0.1));
    }
}
