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

    /**
     * The float-statistic variant checks PSD by a Cholesky factorization and computes the spectrum
     * only when asked: a singular PSD matrix (a zero row, as MNIST's blank pixels give) and one with
     * a negative eigenvalue inside the tolerance are accepted as given, with the spectrum clipped at
     * 0; one beyond the tolerance is refused with the eigenvalue, as by the exact variant.
     */
    @Test
    void floatStatisticVariantAcceptsAndRefusesAsTheSpectrumSays() {
        double[][] singular = {{2, 1, 0}, {1, 2, 0}, {0, 0, 0}};
        SecondMoment s = SecondMoment.of("L", singular, 1e-6);
        assertEquals(1.0, s.get(0, 1));
        double[] e = s.eigenvalues();
        assertEquals(3, e[0], 1e-12);
        assertEquals(1, e[1], 1e-12);
        assertEquals(0, e[2], 1e-12);
        SecondMoment rounding = SecondMoment.of("L", new double[][] {{1, 0}, {0, -1e-8}}, 1e-6);
        assertEquals(-1e-8, rounding.get(1, 1));
        assertEquals(0, rounding.eigenvalues()[1]);
        String error = assertThrows(IllegalArgumentException.class,
                () -> SecondMoment.of("L", new double[][] {{1, 0}, {0, -1e-3}}, 1e-6)).getMessage();
        assertTrue(error.startsWith("L is not positive semidefinite: smallest eigenvalue -0.001"), error);
        assertEquals(error, assertThrows(IllegalArgumentException.class,
                () -> SecondMoment.of("L", new double[][] {{1, 0}, {0, -1e-3}})).getMessage().replace("1.0E-9", "1.0E-6"));
    }
}
