package org.optopt.optimizers.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JacobiEigenTest {

    @Test
    void twoByTwoHasClosedFormEigenpairs() {
        JacobiEigen.Decomposition d = JacobiEigen.decompose(new double[][] {{2, 1}, {1, 2}});
        assertArrayEquals(new double[] {1, 3}, d.values(), 1e-14);
        double r = Math.sqrt(0.5);
        assertEquals(r, Math.abs(d.vectors()[0][1]), 1e-14);
        assertEquals(d.vectors()[0][1], d.vectors()[1][1], 1e-14);
        assertEquals(-d.vectors()[0][0], d.vectors()[1][0], 1e-14);
    }

    @Test
    void randomSymmetricMatricesAreReconstructedByOrthonormalEigenvectors() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n : new int[] {1, 3, 8, 31}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i][j] = a[j][i] = random.nextGaussian();
                }
            }
            JacobiEigen.Decomposition d = JacobiEigen.decompose(a);
            double[][] v = d.vectors();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double av = 0;
                    double vtv = 0;
                    for (int k = 0; k < n; k++) {
                        av += a[i][k] * v[k][j];
                        vtv += v[k][i] * v[k][j];
                    }
                    assertEquals(d.values()[j] * v[i][j], av, 1e-10, "A v = lambda v, n=" + n);
                    assertEquals(i == j ? 1 : 0, vtv, 1e-12, "V^T V = I, n=" + n);
                }
                if (i > 0) {
                    assertEquals(true, d.values()[i - 1] <= d.values()[i], "ascending");
                }
            }
        }
    }

    @Test
    void inverseFourthRootTimesItselfFourTimesIsTheInverse() {
        double[][] a = {{4, 1, 0}, {1, 3, 0.5}, {0, 0.5, 2}};
        double[][] r = JacobiEigen.power(a, -0.25);
        double[][] r4 = multiply(multiply(r, r), multiply(r, r));
        double[][] identity = multiply(r4, a);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(i == j ? 1 : 0, identity[i][j], 1e-12);
            }
        }
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> JacobiEigen.decompose(new double[][] {{1, 2}, {0, 1}}));
        assertThrows(IllegalArgumentException.class, () -> JacobiEigen.decompose(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> JacobiEigen.power(new double[][] {{1, 0}, {0, -1}}, -0.25));
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }
}
