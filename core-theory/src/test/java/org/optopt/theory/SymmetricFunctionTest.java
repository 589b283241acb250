package org.optopt.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SymmetricFunctionTest {

    @Test
    void twoByTwoHasClosedFormSquareRoot() {
        // [[2, 1], [1, 2]] has eigenpairs (1, (1, -1)/sqrt 2) and (3, (1, 1)/sqrt 2).
        double[][] root = SymmetricFunction.apply(new double[][] {{2, 1}, {1, 2}}, Math::sqrt);
        double diagonal = (Math.sqrt(3) + 1) / 2;
        double offDiagonal = (Math.sqrt(3) - 1) / 2;
        assertEquals(diagonal, root[0][0], 1e-14);
        assertEquals(diagonal, root[1][1], 1e-14);
        assertEquals(offDiagonal, root[0][1], 1e-14);
        assertEquals(offDiagonal, root[1][0], 1e-14);
    }

    @Test
    void identityFunctionReconstructsRandomSymmetricMatrices() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n : new int[] {1, 3, 8, 31}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i][j] = a[j][i] = random.nextGaussian();
                }
            }
            double[][] same = SymmetricFunction.apply(a, x -> x);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(a[i][j], same[i][j], 1e-12, "n=" + n);
                }
            }
        }
    }

    @Test
    void inverseFourthRootTimesItselfFourTimesIsTheInverse() {
        double[][] a = {{4, 1, 0}, {1, 3, 0.5}, {0, 0.5, 2}};
        double[][] r = SymmetricFunction.apply(a, x -> Math.pow(x, -0.25));
        double[][] identity = multiply(multiply(multiply(r, r), multiply(r, r)), a);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(i == j ? 1 : 0, identity[i][j], 1e-12);
            }
        }
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SymmetricFunction.apply(new double[][] {{1, 2}, {0, 1}}, x -> x));
        assertThrows(IllegalArgumentException.class, () -> SymmetricFunction.apply(new double[][] {{1, 2}}, x -> x));
        assertThrows(IllegalArgumentException.class, () -> SymmetricFunction.apply(new double[][] {{1, Double.NaN}, {1, 1}}, x -> x));
        assertThrows(IllegalArgumentException.class, () -> SymmetricFunction.apply(new double[0][], x -> x));
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }
}
