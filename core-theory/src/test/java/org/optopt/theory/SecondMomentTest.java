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

    /**
     * The shifted inverse, whose factorization is kept between calls with the same shift, is
     * (A + s I)^-1 for every shift asked in turn: for A = [[2, 1], [1, 2]] the closed form
     * [[2 + s, -1], [-1, 2 + s]] / ((2 + s)^2 - 1); a singular A has none at shift 0 and one at 1.
     */
    @Test
    void shiftedInverseMatchesTheClosedFormForEachShift() {
        SecondMoment a = SecondMoment.of("A", new double[][] {{2, 1}, {1, 2}});
        for (double shift : new double[] {0.5, 0.5, 0, 0.5}) {
            assertTrue(a.nonsingularShifted(shift));
            double det = (2 + shift) * (2 + shift) - 1;
            var inverse = a.shiftedInverse(shift);
            assertEquals((2 + shift) / det, inverse.get(0, 0), 1e-15, "shift " + shift);
            assertEquals(-1 / det, inverse.get(0, 1), 1e-15, "shift " + shift);
        }
        SecondMoment singular = SecondMoment.of("B", new double[][] {{1, 1}, {1, 1}});
        assertTrue(!singular.nonsingularShifted(0) && singular.shiftedInverse(0) == null);
        assertEquals(2.0 / 3, singular.shiftedInverse(1).get(0, 0), 1e-15);
    }
}
