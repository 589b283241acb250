package org.optopt.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MomentumScoreTest {
    private static double[] geometric(double r0, double rho, int lags) {
        double[] r = new double[lags];
        for (int k = 0; k < lags; k++) {
            r[k] = r0 * Math.pow(rho, k);
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.3, 0.7, 0.95})
    void optimalMomentumEqualsGeometricDecay(double rho) {
        MomentumScore score = new MomentumScore(geometric(2.5, rho, 4000));
        assertEquals(rho, score.argmax(), 1e-7);
        assertEquals(rho, score.plugIn(), 1e-15);
        // J(m) = R0 sqrt(1 - m^2)/(1 - m rho) in closed form.
        for (double m : new double[] {0, 0.2, 0.5, 0.9}) {
            assertEquals(2.5 * Math.sqrt(1 - m * m) / (1 - m * rho), score.score(m), 1e-9);
        }
    }

    @Test
    void whiteNoiseWantsNoMomentum() {
        assertEquals(0, new MomentumScore(new double[] {1, 0, 0}).argmax(), 1e-9);
    }

    @Test
    void optimalFilterIsTheNormalizedAutocorrelation() {
        double[] h = new MomentumScore(new double[] {3, 4}).optimalFilter(2);
        assertEquals(1.2, h[0], 1e-15);
        assertEquals(1.6, h[1], 1e-15);
    }

    @Test
    void refusesMomentumOutsideUnitInterval() {
        MomentumScore score = new MomentumScore(new double[] {1, 0.5});
        assertThrows(IllegalArgumentException.class, () -> score.score(1));
        assertThrows(IllegalArgumentException.class, () -> new MomentumScore(new double[] {Double.NaN}));
    }
}
