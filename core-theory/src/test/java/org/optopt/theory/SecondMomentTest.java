package org.optopt.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecondMomentTest {
    private static String error(double[][] rows) {
        return assertThrows(IllegalArgumentException.class, () -> SecondMoment.of("sigma", rows)).getMessage();
    }

    @Test
    void refusesBadMatrices() {
        assertTrue(error(new double[][] {{1, 0}, {0}}).startsWith("sigma is not square"));
        assertTrue(error(new double[][] {{1, 0.5}, {0.4, 1}}).startsWith("sigma is not symmetric"));
        assertTrue(error(new double[][] {{1, 2}, {2, 1}}).startsWith("sigma is not positive semidefinite"));
        assertTrue(error(new double[][] {}).startsWith("sigma is empty"));
        assertTrue(error(new double[][] {{0}}).startsWith("sigma is zero"));
        assertTrue(error(new double[][] {{Double.NaN}}).startsWith("sigma has a non-finite entry"));
    }

    @Test
    void acceptsRoundingWithinTheTolerance() {
        SecondMoment s = SecondMoment.of("sigma", new double[][] {{1, 1 + 1e-12}, {1, 1}});
        assertEquals(s.get(0, 1), s.get(1, 0));
        assertTrue(s.eigenvalues()[1] >= 0);
    }
}
